/**
 * How the product reacts when an invoice changes (the table stream's NEW and OLD images):
 * - a new chaseable invoice, or a higher revision or run: its execution starts (and the one it
 *   replaces stops); no longer chaseable: the execution stops;
 * - an invoice that became paid: its execution stops and the customer is thanked;
 * - a change that can move the report's activity feed, or lift the customer's credit hold, is
 *   worth reading the invoice's case for; anything else (a lease, lastContactAt) costs no read.
 * Invoices flagged needsContact are not started: ingest bumps `run` once a contact is added. Pure.
 */
import { ACTIVE_STATUSES, type Invoice, type InvoiceStatus } from '../model.js';

/** The few invoice fields the execution reactions read. */
export interface InvoiceImage {
  tenantId: string;
  invoiceId: string;
  status: InvoiceStatus;
  revision: number;
  run: number;
  needsContact: boolean;
  amountPaid: number;
}

export type ChangeKind = 'INSERT' | 'MODIFY' | 'REMOVE';

export type InvoiceReaction =
  | { action: 'start' }
  | { action: 'restart'; stopCause: string }
  | { action: 'stop'; cause: string }
  | { action: 'thankYou'; paidNow: number };

export const chaseable = (i: Pick<InvoiceImage, 'status' | 'needsContact'>): boolean => ACTIVE_STATUSES.includes(i.status) && !i.needsContact;

const RESTART_CAUSE: Partial<Record<InvoiceStatus, string>> = {
  promised: 'promise',
  paused: 'pause',
  payment_claimed: 'payment claimed',
  disputed: 'dispute',
  open: 'resume',
};

/** What one change asks for, in the order it is to be done. */
export const reactionsTo = (change: ChangeKind | undefined, before: InvoiceImage | undefined, after: InvoiceImage | undefined): InvoiceReaction[] => {
  if (!after) return [];
  if (change === 'INSERT') return chaseable(after) ? [{ action: 'start' }] : [];
  if (change !== 'MODIFY' || !before) return [];
  const superseded = after.revision > before.revision;
  const paidNow = after.status === 'paid' && before.status !== 'paid';
  const out: InvoiceReaction[] = [];
  if (superseded || after.run > before.run) {
    if (chaseable(after)) {
      out.push({ action: 'restart', stopCause: superseded ? `superseded by revision ${after.revision}` : `restarted: ${RESTART_CAUSE[after.status] ?? after.status}` });
    } else {
      out.push({ action: 'stop', cause: stopCause(before, after) });
    }
  }
  if (paidNow) {
    if (!out.some((r) => r.action === 'stop')) out.push({ action: 'stop', cause: stopCause(before, after) });
    out.push({ action: 'thankYou', paidNow: after.amountPaid - before.amountPaid });
  }
  return out;
};

const stopCause = (before: InvoiceImage, after: InvoiceImage): string =>
  after.status === 'paid' && before.status !== 'paid'
    ? 'paid'
    : after.revision > before.revision
      ? `superseded by revision ${after.revision}`
      : `no longer chased: ${after.status}`;

/** Changes that can add to the activity feed (reports/activity.ts). */
export const mayMoveActivity = (before: Invoice | undefined, after: Invoice): boolean =>
  !before ||
  before.revision !== after.revision ||
  before.amount !== after.amount ||
  before.amountPaid !== after.amountPaid ||
  before.status !== after.status ||
  before.dueDate !== after.dueDate ||
  before.promise?.recordedAt !== after.promise?.recordedAt;

/** Changes after which the invoice may have stopped holding its customer's credit (credit-release.ts). */
export const mayLiftHold = (before: Invoice | undefined, after: Invoice): boolean =>
  before !== undefined &&
  (after.amountPaid > before.amountPaid || before.status !== after.status || after.revision > before.revision || after.dueDate !== before.dueDate);

/** The change that hands an invoice to the collection agency (the dossier follows it). */
export const becameEscalated = (before: Pick<InvoiceImage, 'status'> | undefined, after: Pick<InvoiceImage, 'status'>): boolean =>
  after.status === 'escalated' && before?.status !== 'escalated';
