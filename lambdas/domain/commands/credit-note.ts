/**
 * A credit note that names an invoice nets off against it. The invoice's `amount` (what the
 * customer owes) is lowered by what the credit note takes off, and the credit note is kept in
 * `creditNotes` (the invoice as issued is `amount` + their sum, model.ts originalAmount), so
 * amountDue() and every rule that reads `amount` stay right without knowing about credit notes.
 *
 * - Nothing left due: the invoice is settled. `paid` when the customer paid the rest (the stream
 *   stops the chase and thanks them), `not_chased` when the credit note cancelled it all (no
 *   thank-you for a payment nobody made); either way `run` is bumped so the stream stops the
 *   execution, and every later send claim fails on the new status from the commit on.
 * - Something left due: `run` is bumped so the stream restarts the timeline on the lower amount. A
 *   promise is capped at the new amount; an instalment plan loses the credit from its last
 *   instalments, so the instalment the customer is paying now keeps its date and amount.
 * - More than was due: the rest is returned (`rest`) for the customer's credit.
 * - The same credit note twice: it is found in `creditNotes` and nothing changes (idempotent).
 * No stopCause: the ingest function has no right to stop executions, and needs none (the stream does).
 */
import { ACTIVE_STATUSES, amountDue, type Invoice, type InstalmentPlan, type PromiseToPay } from '../model.js';
import { bump, conflict, event, money, touched, unprocessable, without, type CommandContext, type Decision } from './decision.js';

export interface CreditNoteInput {
  /** The credit note's own invoice id: what makes applying it once. */
  creditNoteId: string;
  creditNoteNumber: string;
  /** What the credit note still has to give, minor units (> 0). */
  amount: number;
  /** The credit note's issue date. */
  date: string;
  currency: string;
}

export interface CreditNoteDecision extends Decision {
  /** Taken off this invoice (now or, when `alreadyApplied`, the first time). */
  applied: number;
  /** What is left of `input.amount` for another invoice or the customer's credit. */
  rest: number;
  alreadyApplied: boolean;
  /** The credit note left the invoice with nothing due (it was being chased). */
  settled: boolean;
}

/** The plan without `credit`, taken from its last instalments (those that drop to zero go). */
const planLess = (plan: InstalmentPlan, credit: number): InstalmentPlan => {
  const instalments = [...plan.instalments];
  let left = credit;
  for (let i = instalments.length - 1; i >= 0 && left > 0; i--) {
    const take = Math.min(left, instalments[i]!.amount);
    instalments[i] = { ...instalments[i]!, amount: instalments[i]!.amount - take };
    left -= take;
  }
  return { ...plan, instalments: instalments.filter((x) => x.amount > 0) };
};

/** A promise can ask for no more than the invoice now asks for. */
const promiseCapped = (promise: PromiseToPay, amount: number): PromiseToPay => {
  const expected = promise.expectedPaid ?? Number.POSITIVE_INFINITY;
  if (expected <= amount) return promise;
  const cut = promise.expectedPaid === undefined ? 0 : expected - amount;
  const promised = promise.amount === undefined ? undefined : promise.amount - cut;
  const { amount: _a, ...rest } = promise;
  return { ...rest, expectedPaid: amount, ...(promised !== undefined && promised > 0 ? { amount: promised } : {}) };
};

export const applyCreditNote = (inv: Invoice, input: CreditNoteInput, ctx: CommandContext): CreditNoteDecision => {
  const seen = inv.creditNotes?.find((c) => c.creditNoteId === input.creditNoteId);
  if (seen) return { invoice: inv, events: [], applied: seen.amount, rest: Math.max(0, input.amount - seen.amount), alreadyApplied: true, settled: false };
  if (input.currency !== inv.currency) {
    unprocessable('currency_mismatch', `Credit note ${input.creditNoteNumber} is in ${input.currency} but invoice ${inv.number} is in ${inv.currency}.`, 'currency');
  }
  if (!(input.amount > 0)) unprocessable('amount_not_positive', `Credit note ${input.creditNoteNumber} credits nothing.`, 'amount');
  if (inv.status === 'escalated' || inv.status === 'written_off') {
    conflict(
      `invoice_${inv.status}`,
      `Credit note ${input.creditNoteNumber} names invoice ${inv.number}, which was ${inv.status === 'escalated' ? 'handed to the collection agency' : 'written off'}: apply it by hand (and tell the agency).`,
    );
  }

  const due = Math.max(0, amountDue(inv));
  const applied = Math.min(input.amount, due);
  const rest = input.amount - applied;
  const amount = inv.amount - applied;
  const record = { creditNoteId: input.creditNoteId, number: input.creditNoteNumber, date: input.date, amount: applied, appliedAt: ctx.now.toISOString() };
  const creditNotes = [...(inv.creditNotes ?? []), record];
  const left = amountDue({ ...inv, amount });
  const events = [
    event(inv, ctx, 'credit_note', {
      creditNoteId: input.creditNoteId,
      number: input.creditNoteNumber,
      date: input.date,
      credited: applied,
      currency: inv.currency,
      previousAmount: inv.amount,
      amount,
      amountDue: left,
      // The rest goes to the next invoice the credit note names, else to the customer's credit.
      ...(rest > 0 ? { creditLeft: rest, text: `${money(rest, inv.currency)} more than was due on this invoice.` } : {}),
    }),
  ];

  // Paid (nothing due), or a document never chased: the note is recorded, the chase is untouched.
  if (applied === 0 || !ACTIVE_STATUSES.includes(inv.status)) {
    return { invoice: touched(inv, ctx, { amount, creditNotes }), events, applied, rest, alreadyApplied: false, settled: false };
  }
  if (left === 0) {
    const paid = inv.amountPaid > 0;
    const settled = touched(without(inv, 'promise', 'plan', 'pause'), ctx, {
      amount,
      creditNotes,
      status: paid ? 'paid' : 'not_chased',
      needsContact: false,
      ...bump(inv),
      ...(paid ? {} : { notChasedReason: `credited in full by credit note ${input.creditNoteNumber}: nothing to collect` }),
    });
    return { invoice: settled, events, applied, rest, alreadyApplied: false, settled: true };
  }
  // An invoice waiting for a contact has no timeline to re-plan yet.
  const changes: Partial<Invoice> = { amount, creditNotes, ...(inv.needsContact ? {} : bump(inv)) };
  if (inv.plan) changes.plan = planLess(inv.plan, applied);
  if (inv.promise) changes.promise = promiseCapped(inv.promise, amount);
  return { invoice: touched(inv, ctx, changes), events, applied, rest, alreadyApplied: false, settled: false };
};
