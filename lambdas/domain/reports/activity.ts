/**
 * The tenant's activity feed: what happened to invoices, as the weekly report and the outcome
 * analytics read it. Paid, written-off and escalated invoices leave the open-by-due index, so
 * what they did (payments, closures) is kept here, one small item per fact, written by the table
 * stream (handlers/lib/invoice-activity.ts) and read by day range (adapters/dynamo-report.ts).
 *
 * Every item has a natural key (the payment id, the promise's instant, the invoice id and outcome):
 * a retried stream record writes the same items again, never new ones. Pure: no I/O.
 */
import { amountDue, type Invoice, type InvoiceStatus } from '../model.js';
import { STAGE_IDS, type Stage } from '../timeline/stages.js';
import type { StageDone } from '../timeline/plan.js';
import { localDay } from '../shared/days.js';

/** The stage that last wrote to (or called) the customer before a fact; 'none' when nothing had. */
export type StageBefore = Stage | 'none';

export const CLOSING_OUTCOMES = ['paid', 'written_off', 'escalated'] as const;
export type ClosingOutcome = (typeof CLOSING_OUTCOMES)[number];

interface Base {
  tenantId: string;
  invoiceId: string;
  /** The invoice number the customer knows. */
  number: string;
  customerId: string;
  dueDate: string;
  /** The local date (tenant time zone) the fact belongs to: the report's time axis. */
  date: string;
  currency: string;
  /** Minor units. */
  amount: number;
}

/** An invoice issued (credit sales, for DSO); amount = the invoice amount. */
export interface IssuedActivity extends Base {
  kind: 'issued';
}

/** A payment recorded; `date` is the day it was recorded, `valueDate` the day the customer paid. */
export interface CollectedActivity extends Base {
  kind: 'collected';
  paymentId: string;
  valueDate: string;
  afterStage: StageBefore;
  policy: string;
}

/**
 * A payment taken back (the bank returned it, or the finance team undid its match); `date` is the
 * day it was taken back, amount = the payment's. It no longer counts as collected.
 */
export interface ReversedActivity extends Base {
  kind: 'reversed';
  paymentId: string;
  reason: 'return' | 'undo';
}

/** A promise to pay (or an instalment of a plan) recorded; amount = what it promises. */
export interface PromisedActivity extends Base {
  kind: 'promised';
  promiseDate: string;
  instalment: boolean;
}

/** The day after its date, a promise found unpaid; amount = what was still due. */
export interface PromiseBrokenActivity extends Base {
  kind: 'promiseBroken';
  promiseDate: string;
}

/** The chase of an invoice ended. amount: paid = what was paid in all, otherwise what was still due. */
export interface ClosedActivity extends Base {
  kind: 'closed';
  outcome: ClosingOutcome;
  policy: string;
  lastStage: StageBefore;
  /** Local date of lastStage. */
  lastStageDate?: string;
  /** Local date the first overdue reminder went out, when it did. */
  firstOverdueDate?: string;
  /** paid: the value date of the last payment. */
  paidOn?: string;
}

export type ActivityItem = IssuedActivity | CollectedActivity | ReversedActivity | PromisedActivity | PromiseBrokenActivity | ClosedActivity;

/** What the stream knows about a payment (the PAY# item of the invoice partition). */
export interface PaymentFact {
  paymentId: string;
  amount: number;
  /** Value date (YYYY-MM-DD). */
  date: string;
  recordedAt: string;
  /** Taken back: when, and why. */
  reversed?: { at: string; kind: 'return' | 'undo' };
}

export interface InvoiceChange {
  /** Undefined for a new invoice. */
  before?: Invoice;
  after: Invoice;
  stagesDone: readonly StageDone[];
  payments: readonly PaymentFact[];
  /** The customer's policy id at the time of the change. */
  policy: string;
  /** The tenant's time zone: the report's days are the finance team's days. */
  timeZone: string;
}

const localDayOf = (iso: string, timeZone: string): string => localDay(new Date(iso), timeZone);

const isStage = (s: string): s is Stage => (STAGE_IDS as readonly string[]).includes(s);

/**
 * The latest timeline stage done at or before `at` (an instant) and on or before `day` (a local
 * date): a reminder sent after the money arrived did not bring it in.
 */
export const stageBefore = (
  stagesDone: readonly StageDone[],
  at: string,
  day: string,
  timeZone: string,
): { stage: StageBefore; date?: string } => {
  let best: StageDone | undefined;
  for (const s of stagesDone) {
    if (!isStage(s.stage) || s.stage === 'receiptCheck') continue;
    if (s.at > at || localDayOf(s.at, timeZone) > day) continue;
    if (!best || s.at > best.at) best = s;
  }
  return best ? { stage: best.stage as Stage, date: localDayOf(best.at, timeZone) } : { stage: 'none' };
};

const CLOSING: readonly InvoiceStatus[] = CLOSING_OUTCOMES;

/**
 * The feed without what was taken back since: a payment reversed no longer counts as collected, and
 * a "paid" closing followed by a reversal of that invoice (on its day or later) did not close it.
 */
export const withoutReversed = (activity: readonly ActivityItem[]): ActivityItem[] => {
  const reversed = activity.filter((a): a is ReversedActivity => a.kind === 'reversed');
  if (reversed.length === 0) return [...activity];
  const payments = new Set(reversed.map((r) => `${r.invoiceId}\u0000${r.paymentId}`));
  const lastReversal = new Map<string, string>();
  for (const r of reversed) if (r.date > (lastReversal.get(r.invoiceId) ?? '')) lastReversal.set(r.invoiceId, r.date);
  return activity.filter((a) => {
    if (a.kind === 'collected') return !payments.has(`${a.invoiceId}\u0000${a.paymentId}`);
    if (a.kind === 'closed' && a.outcome === 'paid') return (lastReversal.get(a.invoiceId) ?? '') < a.date;
    return a.kind !== 'reversed';
  });
};

/** The activity items one change of an invoice item stands for (the same change always gives the same items). */
export const activityFromChange = (c: InvoiceChange): ActivityItem[] => {
  const { before, after, timeZone } = c;
  const base = { tenantId: after.tenantId, invoiceId: after.invoiceId, number: after.number, customerId: after.customerId, dueDate: after.dueDate, currency: after.currency };
  const items: ActivityItem[] = [];

  if (!before || after.revision > before.revision || after.amount !== before.amount) {
    items.push({ ...base, kind: 'issued', date: after.issueDate, amount: after.amount });
  }

  if (after.amountPaid > (before?.amountPaid ?? 0)) {
    for (const p of c.payments) {
      const prior = stageBefore(c.stagesDone, p.recordedAt, p.date, timeZone);
      items.push({
        ...base,
        kind: 'collected',
        date: localDayOf(p.recordedAt, timeZone),
        amount: p.amount,
        paymentId: p.paymentId,
        valueDate: p.date,
        afterStage: prior.stage,
        policy: c.policy,
      });
    }
  }

  // Less paid than before: the payments taken back (each item named by its payment, so written once).
  if (before && after.amountPaid < before.amountPaid) {
    for (const p of c.payments) {
      if (!p.reversed) continue;
      items.push({ ...base, kind: 'reversed', date: localDayOf(p.reversed.at, timeZone), amount: p.amount, paymentId: p.paymentId, reason: p.reversed.kind });
    }
  }

  const promise = after.promise;
  if (after.status === 'promised' && promise && promise.recordedAt !== before?.promise?.recordedAt) {
    items.push({
      ...base,
      kind: 'promised',
      date: localDayOf(promise.recordedAt, timeZone),
      amount: promise.expectedPaid !== undefined ? Math.max(0, promise.expectedPaid - after.amountPaid) : amountDue(after),
      promiseDate: promise.date,
      instalment: after.plan !== undefined,
    });
  }

  // Back to open from a promise without a payment: the check the day after found it broken.
  if (before?.status === 'promised' && before.promise && after.status === 'open' && after.amountPaid === before.amountPaid) {
    items.push({
      ...base,
      kind: 'promiseBroken',
      date: localDayOf(after.updatedAt, timeZone),
      amount: amountDue(after),
      promiseDate: before.promise.date,
    });
  }

  if (CLOSING.includes(after.status) && before?.status !== after.status) {
    const outcome = after.status as ClosingOutcome;
    const lastPayment = [...c.payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)).at(-1);
    const closedAt = after.updatedAt;
    const cutoffDay = outcome === 'paid' && lastPayment ? lastPayment.date : localDayOf(closedAt, timeZone);
    const prior = stageBefore(c.stagesDone, closedAt, cutoffDay, timeZone);
    const firstOverdue = c.stagesDone.find((s) => s.stage === 'firstOverdue');
    items.push({
      ...base,
      kind: 'closed',
      outcome,
      date: localDayOf(closedAt, timeZone),
      amount: outcome === 'paid' ? after.amountPaid : amountDue(after),
      policy: c.policy,
      lastStage: prior.stage,
      ...(prior.date ? { lastStageDate: prior.date } : {}),
      ...(firstOverdue ? { firstOverdueDate: localDayOf(firstOverdue.at, timeZone) } : {}),
      ...(outcome === 'paid' && lastPayment ? { paidOn: lastPayment.date } : {}),
    });
  }
  return items;
};

/** The item's unique name within its day: what makes a repeated write land on the same item. */
export const activityId = (a: ActivityItem): string => {
  switch (a.kind) {
    case 'issued':
      return `ISSUED#${a.invoiceId}`;
    case 'collected':
      return `PAY#${a.invoiceId}#${a.paymentId}`;
    case 'reversed':
      return `REVERSED#${a.invoiceId}#${a.paymentId}`;
    case 'promised':
      return `PROMISE#${a.invoiceId}#${a.promiseDate}#${a.date}`;
    case 'promiseBroken':
      return `BROKEN#${a.invoiceId}#${a.promiseDate}`;
    case 'closed':
      return `CLOSED#${a.outcome}#${a.invoiceId}`;
  }
};
