/**
 * A customer's credit (issue 15 item 2): the rest of an overpayment, or of a credit note that had
 * nothing (left) to net off, kept on the customer (adapters/dynamo-bank-credits.ts). It is offered
 * against the customer's next invoices (a customerCredit task with the open invoices in its
 * currency), applied to one of them, or refunded. Pure: the rules and the states they lead to.
 *
 * Applying it to an invoice (applyCustomerCredit):
 * - how much: what is left of the credit or the invoice's amount due, whichever is smaller (a
 *   credit smaller than what is due pays part of it, a larger one settles it and keeps the rest);
 * - only in the credit's currency, only on the customer's own invoice, never on one paid or
 *   written off (or with nothing due), never from a credit used up or refunded;
 * - the payment is the domain recordPayment, method 'offset', source { kind: 'credit', creditId },
 *   dated today: the invoice's log, its amount due, its chase (stopped when settled) follow as for
 *   any payment;
 * - the credit after it: less what was applied (never below zero: the amount is at most what is
 *   left), `used` once nothing is left, the application listed; the customer's log says so.
 * The use case (app/bank/customer-credits.ts) writes the payment and the credit in one
 * transaction, the credit conditioned on the state this decision was made from.
 *
 * Refunding it (refundCustomerCredit): what is left is paid back to the customer outside
 * Sollecito; the credit is closed as `refunded` with the reference, and the customer's log says so.
 */
import * as z from 'zod/mini';
import { ACTIVE_STATUSES, amountDue, IsoDateTime, type ContactEvent, type Invoice, type InvoiceStatus } from '../model.js';
import { recordPayment } from './commands.js';
import { conflict, event, money, today, unprocessable, type CommandContext, type Decision } from './decision.js';
import { customerCreditTaskId, type FinanceTask } from './tasks.js';
import { lazySchema } from '../shared/lazy-schema.js';

export const CUSTOMER_CREDIT_STATUSES = ['open', 'used', 'refunded'] as const;
export type CustomerCreditStatus = (typeof CUSTOMER_CREDIT_STATUSES)[number];

export const CustomerCreditSource = lazySchema(() => z.union([
  /** A bank credit paid more than its invoices had due: the credit's id is the bank credit's. */
  z.object({ kind: z.literal('overpayment') }),
  /** A credit note's rest: the credit's id is the credit note's document id. */
  z.object({ kind: z.literal('creditNote'), number: z.string() }),
]));
export type CustomerCreditSource = z.infer<typeof CustomerCreditSource>;

/** One application of the credit to an invoice: the offset payment it became. */
export const CreditApplication = lazySchema(() => z.object({
  invoiceId: z.string(),
  invoiceNumber: z.string(),
  /** Minor units. */
  amount: z.number(),
  paymentId: z.string(),
  at: IsoDateTime,
  by: z.string(),
}));
export type CreditApplication = z.infer<typeof CreditApplication>;

export const CustomerCredit = lazySchema(() => z.object({
  tenantId: z.string(),
  customerId: z.string(),
  creditId: z.string(),
  /** Minor units: the credit as it was kept. */
  amount: z.number(),
  currency: z.string(),
  at: z.string(),
  /** The invoice the credit overpaid (or the credit note corrected). */
  invoiceId: z.optional(z.string()),
  /** Where it came from: a bank credit's overpayment (the default), or a credit note's rest (its number). */
  source: z.optional(CustomerCreditSource),
  /** What is left, minor units; absent on a credit kept before credits were applied: all of it. */
  remaining: z.optional(z.number()),
  /** Absent: open. */
  status: z.optional(z.enum(CUSTOMER_CREDIT_STATUSES)),
  applications: z.optional(z.array(CreditApplication)),
  /** Paid back to the customer (what was left then). */
  refund: z.optional(z.object({ at: IsoDateTime, by: z.string(), amount: z.number(), reference: z.optional(z.string()), note: z.optional(z.string()) })),
}));
export type CustomerCredit = z.infer<typeof CustomerCredit>;

/** What is left of the credit. */
export const creditLeft = (c: Pick<CustomerCredit, 'amount' | 'remaining'>): number => c.remaining ?? c.amount;
export const creditStatus = (c: Pick<CustomerCredit, 'status'>): CustomerCreditStatus => c.status ?? 'open';

/** A credit as it is first kept: all of it left, open. */
/** What the customer's messages show (domain/messages/rendering CreditInFavour): the credits still open, oldest first. */
export const creditsInFavour = (credits: readonly CustomerCredit[]): { amount: number; currency: string; at: string; creditNote?: string }[] =>
  credits
    .filter((c) => creditStatus(c) === 'open' && creditLeft(c) > 0)
    .sort((a, b) => a.at.localeCompare(b.at) || a.creditId.localeCompare(b.creditId))
    .map((c) => ({ amount: creditLeft(c), currency: c.currency, at: c.at, ...(c.source?.kind === 'creditNote' ? { creditNote: c.source.number } : {}) }));

export const newCustomerCredit = (c: CustomerCredit): CustomerCredit => ({ ...c, remaining: c.amount, status: 'open', applications: [] });

const where = (c: Pick<CustomerCredit, 'creditId' | 'source'>): string =>
  c.source?.kind === 'creditNote' ? `credit note ${c.source.number}` : `bank credit ${c.creditId}`;

/** The credit must still have something left: 'conflict' otherwise (used up, refunded). */
const requireLeft = (c: CustomerCredit): number => {
  const status = creditStatus(c);
  if (status === 'refunded') conflict('credit_refunded', `The customer's credit from ${where(c)} was refunded on ${c.refund?.at.slice(0, 10) ?? 'an earlier day'}: nothing is left.`);
  const left = creditLeft(c);
  if (status === 'used' || left <= 0) conflict('credit_used', `The customer's credit from ${where(c)} is used up: nothing is left.`);
  return left;
};

/** Statuses a credit may never be applied to (nothing is owed any more). */
const CLOSED: readonly InvoiceStatus[] = ['paid', 'written_off'];

/**
 * How much of the credit goes to the invoice: what is left or what is due, whichever is smaller.
 * Refused ('conflict') when nothing is left; ('rule') another currency, another customer's invoice,
 * one paid or written off, or one with nothing due.
 */
export const creditToApply = (credit: CustomerCredit, inv: Invoice): number => {
  const left = requireLeft(credit);
  if (inv.customerId !== credit.customerId) unprocessable('other_customer', `Invoice ${inv.number} is another customer's: a credit is applied to its own customer's invoices only.`, 'invoiceId');
  if (inv.currency !== credit.currency) unprocessable('currency_mismatch', `The credit is in ${credit.currency} but invoice ${inv.number} is in ${inv.currency}.`, 'invoiceId');
  if (CLOSED.includes(inv.status)) unprocessable(`invoice_${inv.status}`, `Invoice ${inv.number} is ${inv.status === 'paid' ? 'already paid' : 'written off'}: a credit is applied to an invoice with something due.`, 'invoiceId');
  const due = amountDue(inv);
  if (due <= 0) unprocessable('nothing_due', `Invoice ${inv.number} has nothing due.`, 'invoiceId');
  return Math.min(left, due);
};

export interface CreditApplicationDecision {
  /** The offset payment on the invoice (recordPayment's decision). */
  decision: Decision;
  /** The credit after it. */
  credit: CustomerCredit;
  amount: number;
  /** The customer's log entry. */
  entry: ContactEvent;
}

/** Applies the credit to the invoice (see the header): the offset payment and the credit left. */
export const applyCustomerCredit = (inv: Invoice, credit: CustomerCredit, ctx: CommandContext): CreditApplicationDecision => {
  const amount = creditToApply(credit, inv);
  const decision = recordPayment(
    inv,
    {
      amount,
      date: today(ctx),
      method: 'offset',
      currency: credit.currency,
      source: { kind: 'credit', creditId: credit.creditId },
      ...(credit.source?.kind === 'creditNote' ? { reference: credit.source.number } : {}),
    },
    ctx,
  );
  const payment = decision.payment!;
  const left = creditLeft(credit) - amount;
  const application: CreditApplication = { invoiceId: inv.invoiceId, invoiceNumber: inv.number, amount, paymentId: payment.paymentId, at: ctx.now.toISOString(), by: ctx.actor };
  const after: CustomerCredit = { ...credit, remaining: left, status: left === 0 ? 'used' : 'open', applications: [...(credit.applications ?? []), application] };
  const entry = event({ tenantId: credit.tenantId, invoiceId: '' }, ctx, 'note', {
    kind: 'customerCreditApplied',
    customerId: credit.customerId,
    creditId: credit.creditId,
    invoiceId: inv.invoiceId,
    invoiceNumber: inv.number,
    paymentId: payment.paymentId,
    amount,
    currency: credit.currency,
    left,
    text: `${money(amount, credit.currency)} of the customer's credit from ${where(credit)} applied to invoice ${inv.number}; ${left === 0 ? 'nothing is left' : `${money(left, credit.currency)} left`}.`,
  });
  return { decision, credit: after, amount, entry };
};

export interface RefundInput {
  /** The refund's bank reference, as the finance team made it. */
  reference?: string;
  note?: string;
}

/** What is left of the credit paid back to the customer: the credit closed as refunded. */
export const refundCustomerCredit = (credit: CustomerCredit, input: RefundInput, ctx: CommandContext): { credit: CustomerCredit; amount: number; entry: ContactEvent } => {
  const amount = requireLeft(credit);
  const refund = { at: ctx.now.toISOString(), by: ctx.actor, amount, ...(input.reference ? { reference: input.reference } : {}), ...(input.note ? { note: input.note } : {}) };
  const entry = event({ tenantId: credit.tenantId, invoiceId: '' }, ctx, 'note', {
    kind: 'customerCreditRefunded',
    customerId: credit.customerId,
    creditId: credit.creditId,
    amount,
    currency: credit.currency,
    reference: input.reference,
    note: input.note,
    text: `${money(amount, credit.currency)} of the customer's credit from ${where(credit)} refunded${input.reference ? ` (${input.reference})` : ''}.`,
  });
  return { credit: { ...credit, remaining: 0, status: 'refunded', refund }, amount, entry };
};

// ---------------------------------------------------------------------------------------------
// the finance team's task

/** Invoices a credit is offered against: still chased (a disputed one waits for its dispute). */
const OFFERED: readonly InvoiceStatus[] = ACTIVE_STATUSES.filter((s) => s !== 'disputed');
/** At most this many invoices in the offer, the earliest due first. */
export const MAX_OFFERED = 10;

export interface OfferedInvoice {
  invoiceId: string;
  number: string;
  dueDate: string;
  amountDue: number;
}

/**
 * The customer's invoices the credit may go to: its own, in its currency, still chased, with
 * something due (less what `alreadyPaid` says was paid since they were read), earliest due first.
 */
export const creditOffer = (credit: Pick<CustomerCredit, 'customerId' | 'currency' | 'invoiceId'>, invoices: readonly Invoice[], alreadyPaid: ReadonlyMap<string, number> = new Map()): OfferedInvoice[] =>
  invoices
    .filter((inv) => inv.customerId === credit.customerId && inv.currency === credit.currency && OFFERED.includes(inv.status))
    .map((inv) => ({ invoiceId: inv.invoiceId, number: inv.number, dueDate: inv.dueDate, amountDue: amountDue(inv) - (alreadyPaid.get(inv.invoiceId) ?? 0) }))
    .filter((o) => o.amountDue > 0)
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : a.number < b.number ? -1 : 1))
    .slice(0, MAX_OFFERED);

/** The task that offers a new credit against the customer's open invoices (or a refund). */
export const customerCreditTask = (credit: CustomerCredit, offer: readonly OfferedInvoice[], at: string, createdBy: string): FinanceTask => ({
  tenantId: credit.tenantId,
  taskId: customerCreditTaskId(credit.customerId, credit.creditId),
  kind: 'customerCredit',
  status: 'open',
  customerId: credit.customerId,
  createdAt: at,
  createdBy,
  customerCredit: {
    creditId: credit.creditId,
    amount: credit.amount,
    currency: credit.currency,
    source: credit.source?.kind === 'creditNote' ? { kind: 'creditNote', number: credit.source.number } : { kind: 'bankCredit', bankCreditId: credit.creditId },
    ...(credit.invoiceId ? { invoiceId: credit.invoiceId } : {}),
    offer: offer.map((o) => ({ ...o })),
  },
});

/** Why the task is done, once the credit has nothing left. */
export const creditClosedResolution = (c: CustomerCredit): string =>
  creditStatus(c) === 'refunded'
    ? `refunded ${money(c.refund?.amount ?? 0, c.currency)}${c.refund?.reference ? ` (${c.refund.reference})` : ''}`
    : `applied to ${(c.applications ?? []).map((a) => `invoice ${a.invoiceNumber} (${money(a.amount, c.currency)})`).join(', ') || 'invoices'}`;
