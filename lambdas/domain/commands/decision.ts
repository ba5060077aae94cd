/**
 * What every command shares: the context it runs in, the decision it returns, the rejection it
 * throws, and the small helpers that build a decision (an event in the contact log, the touched
 * invoice, a new run). Commands live in commands.ts and beside it (one file per new area).
 */
import { contactEvent } from '../shared/contact-event.js';
import type { Channel, ContactEvent, ContactEventType, Invoice, InvoiceStatus, Payment } from '../model.js';
import type { FinanceTask } from './tasks.js';
import { localDay } from '../shared/days.js';
import { formatMoney } from '../shared/format.js';

export interface CommandContext {
  /** Who acts: the admin user's id (the token's `sub`), or 'customer', 'system', 'bank', 'sdi'. */
  actor: string;
  /** The admin user's verified e-mail, recorded beside the actor for people to read. */
  actorEmail?: string;
  now: Date;
  /** The tenant's time zone: "today" and "in the past" are judged there. */
  timeZone: string;
  channel?: Channel;
}

/**
 * A request that is well formed but not allowed: `conflict` when the invoice's or customer's
 * current state forbids it (already paid, disputed…), `rule` when a business rule refuses the
 * values themselves (a promise dated in the past). The HTTP layers map the kind to a status.
 */
export type RejectionKind = 'conflict' | 'rule';

export class CommandRejected extends Error {
  override readonly name = 'CommandRejected';
  constructor(
    readonly kind: RejectionKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}


export interface Decision {
  /** The invoice as it must be written (same object as before when nothing changes). */
  invoice: Invoice;
  events: ContactEvent[];
  payment?: Payment;
  /** A payment taken back (reverse-payment.ts): its record is marked in the same transaction, only if it is there with this amount and not reversed yet. */
  reversal?: { paymentId: string; amount: number; reversed: NonNullable<Payment['reversed']> };
  /** Stop the execution of the invoice's previous revision and run, with this cause for its history. */
  stopCause?: string;
  /** Work for the finance team, written in the same transaction (customer requests). */
  task?: FinanceTask;
}

// ---------------------------------------------------------------------------------------------
// helpers

export const conflict = (code: string, message: string): never => {
  throw new CommandRejected('conflict', code, message);
};
export const unprocessable = (code: string, message: string, field?: string): never => {
  throw new CommandRejected('rule', code, message, field);
};

export const STATUS_WORDS: Record<InvoiceStatus, string> = {
  open: 'open',
  promised: 'under a promise to pay',
  disputed: 'disputed',
  paused: 'paused',
  payment_claimed: 'waiting for a claimed payment to be confirmed',
  paid: 'already paid',
  escalated: 'handed to the collection agency',
  written_off: 'written off',
  not_chased: 'not chased',
};

export const requireStatus = (inv: Invoice, allowed: readonly InvoiceStatus[], what: string): void => {
  if (allowed.includes(inv.status)) return;
  const hint = inv.status === 'disputed' ? ': resolve the dispute first' : '';
  conflict(`invoice_${inv.status}`, `Cannot ${what}: invoice ${inv.number} is ${STATUS_WORDS[inv.status]}${hint}.`);
};

/** Statuses from which the chase can be redirected (promise, plan, pause, escalation). */
export const CHASEABLE: readonly InvoiceStatus[] = ['open', 'promised', 'paused', 'payment_claimed'];

/** An amount for a message to the finance team, e.g. "€1,234.50". */
export const money = (minor: number, currency: string): string => formatMoney(minor, currency, 'en-GB');

export const today = (ctx: CommandContext) => localDay(ctx.now, ctx.timeZone);

export const event = (
  inv: Pick<Invoice, 'tenantId' | 'invoiceId'>,
  ctx: CommandContext,
  type: ContactEventType,
  details: Record<string, unknown>,
): ContactEvent =>
  contactEvent({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    at: ctx.now.toISOString(),
    type,
    channel: ctx.channel ?? 'api',
    ...actorOf(ctx),
    outcome: 'recorded',
    details: stripUndefined(details),
  });

/** The actor fields of a contact-log entry or a payment: the id, and the verified e-mail when there is one. */
export const actorOf = (ctx: Pick<CommandContext, 'actor' | 'actorEmail'>): { actor: string; actorEmail?: string } => ({
  actor: ctx.actor,
  ...(ctx.actorEmail ? { actorEmail: ctx.actorEmail } : {}),
});

/** The actor as people read it in a stop cause or a decision's reasons: the verified e-mail, else the id. */
export const actorLabel = (ctx: Pick<CommandContext, 'actor' | 'actorEmail'>): string => ctx.actorEmail ?? ctx.actor;

export const stripUndefined = (o: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The invoice with `fields` removed (absent in the result, so the adapter REMOVEs them). */
export const without = (inv: Invoice, ...fields: (keyof Invoice)[]): Invoice => {
  const copy: Record<string, unknown> = { ...inv };
  for (const f of fields) delete copy[f];
  return copy as Invoice;
};

export const touched = (inv: Invoice, ctx: CommandContext, changes: Partial<Invoice>): Invoice => ({
  ...inv,
  ...changes,
  updatedAt: ctx.now.toISOString(),
});

export const bump = (inv: Invoice): Pick<Invoice, 'run'> => ({ run: inv.run + 1 });

