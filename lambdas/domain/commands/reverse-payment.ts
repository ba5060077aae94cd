/**
 * A payment taken back: the bank returned the money (an SDD return AM04/MD06/…, a RiBa insoluto)
 * or the finance team undid a match that paid the wrong invoice. Pure, like every command.
 *
 * Where the reversal is written (the simplest honest design we found):
 * - the payment record stays what it was (the money did arrive) and is only MARKED `reversed`:
 *   `Decision.reversal` makes the Commands adapter update that PAY# item in the command's own
 *   transaction, on the condition that it exists with this amount and is not reversed yet. So an
 *   unknown payment id (or a wrong amount) cannot lower anything, and a payment is reversed once
 *   at the database, whatever the retries;
 * - the invoice keeps the reversal in `reversals` (why, who, the bank's charge): the command sees
 *   it on every fresh read, so a second reversal of the same payment is refused here with a reason
 *   (CommandRejected 'payment_reversed') rather than by a failed transaction;
 * - a contact-log entry `payment_reversed` tells the story in the log and the dossier.
 *
 * What the invoice does: amountPaid comes down by the payment. A paid invoice is open again with a
 * new run, so the table stream starts a fresh execution: the planner skips every stage already
 * sent (its guard items stay) and, of the stages due by now, sends only the latest written one,
 * i.e. the chase resumes at the stage that fits the invoice's age. Any other status keeps its
 * course (the running execution reads the amount due at each send; a promise is checked against
 * the lower amountPaid). The bank's charge is recorded on the reversal for the finance team; it is
 * not added to what the customer owes (whether it may be recharged is the contract's business).
 */
import type { Invoice, PaymentReversal } from '../model.js';
import { amountDue } from '../model.js';
import { bump, conflict, event, money, STATUS_WORDS, touched, unprocessable, type CommandContext, type Decision } from './decision.js';

export type ReversalReason = { kind: 'return'; code?: string; text?: string } | { kind: 'undo'; note?: string };

export interface ReversePaymentInput {
  /** The payment being taken back, as its bank credit recorded it. */
  payment: { paymentId: string; amount: number };
  reason: ReversalReason;
  /** What the bank charged for the returned payment (minor units); returns only. */
  charge?: number;
  /** The return's bank-credit id, or the credit whose match is undone. */
  creditId?: string;
}

/** The bank's charges for returned payments recorded on the invoice. */
export const returnCharges = (inv: Pick<Invoice, 'reversals'>): number => (inv.reversals ?? []).reduce((s, r) => s + (r.charge ?? 0), 0);

const why = (input: ReversePaymentInput): string => {
  const r = input.reason;
  if (r.kind === 'undo') return `match undone${r.note ? `: ${r.note}` : ''}`;
  const code = [r.code, r.text].filter(Boolean).join(' ');
  return `returned by the bank${code ? ` (${code})` : ''}`;
};

export const reversePayment = (inv: Invoice, input: ReversePaymentInput, ctx: CommandContext): Decision => {
  const { paymentId, amount } = input.payment;
  const earlier = inv.reversals?.find((r) => r.paymentId === paymentId);
  if (earlier) conflict('payment_reversed', `Payment ${paymentId} of invoice ${inv.number} was already reversed on ${earlier.at.slice(0, 10)} (${earlier.kind}).`);
  if (!Number.isSafeInteger(amount) || amount <= 0) unprocessable('amount_not_positive', 'A reversed payment must be greater than zero.', 'amount');
  if (amount > inv.amountPaid) {
    conflict('payment_unknown', `Invoice ${inv.number} shows ${money(inv.amountPaid, inv.currency)} paid: a payment of ${money(amount, inv.currency)} (${paymentId}) is not among its payments.`);
  }
  const charge = input.charge;
  if (charge !== undefined) {
    if (input.reason.kind === 'undo') unprocessable('charge_on_undo', 'An undone match has no bank charge.', 'charge');
    if (!Number.isSafeInteger(charge) || charge < 0) unprocessable('charge_not_valid', 'A bank charge is a whole number of minor units, zero or more.', 'charge');
  }
  const reason = input.reason;
  const reversal: PaymentReversal = {
    paymentId,
    amount,
    at: ctx.now.toISOString(),
    by: ctx.actor,
    kind: reason.kind,
    ...(reason.kind === 'return' && reason.code ? { reason: reason.code.slice(0, 35) } : {}),
    ...(reason.kind === 'return' && reason.text ? { reasonText: reason.text.slice(0, 500) } : reason.kind === 'undo' && reason.note ? { reasonText: reason.note.slice(0, 500) } : {}),
    ...(charge ? { charge } : {}),
    ...(input.creditId ? { creditId: input.creditId } : {}),
  };
  const amountPaid = inv.amountPaid - amount;
  const reopened = inv.status === 'paid';
  const after = touched(inv, ctx, { amountPaid, reversals: [...(inv.reversals ?? []), reversal], ...(reopened ? { status: 'open' as const, ...bump(inv) } : {}) });
  const text = [
    `Payment of ${money(amount, inv.currency)} ${why(input)}`,
    charge ? `bank charge for the returned payment ${money(charge, inv.currency)}` : undefined,
    `${money(amountDue(after), inv.currency)} due again${reopened ? ': the chase resumes' : ` (invoice ${STATUS_WORDS[inv.status]})`}`,
  ]
    .filter(Boolean)
    .join('; ');
  return {
    invoice: after,
    events: [
      event(inv, ctx, 'payment_reversed', {
        paymentId,
        amount,
        currency: inv.currency,
        kind: reason.kind,
        reason: reversal.reason,
        reasonText: reversal.reasonText,
        charge: reversal.charge,
        creditId: input.creditId,
        amountDue: amountDue(after),
        from: inv.status,
        to: after.status,
        text: `${text}.`,
      }),
    ],
    reversal: {
      paymentId,
      amount,
      reversed: { at: reversal.at, by: reversal.by, kind: reversal.kind, ...(reversal.reason ? { reason: reversal.reason } : {}), ...(reversal.creditId ? { creditId: reversal.creditId } : {}) },
    },
  };
};
