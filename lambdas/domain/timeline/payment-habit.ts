/**
 * Habitual late payers: from the customer's own history (Customer.paymentHistory, how its last
 * settled invoices ended), whether it usually pays late under its policy's rule (Policy.habitual,
 * e.g. 3 of its last 5 at least a day late), and the policy such a customer is chased under: the
 * pre-due reminder the practice recommends for them, where the policy asks for it. Pure.
 */
import { HABIT_HISTORY, amountDue, type Customer, type Invoice, type PaymentOutcome, type Policy } from '../model.js';
import { daysBetween } from '../shared/days.js';

export interface PaymentHabit {
  habitual: boolean;
  /** Of the `counted` latest settled invoices, those at least `minDaysLate` days late. */
  late: number;
  counted: number;
  rule: { lateOf: number; outOf: number; minDaysLate: number };
  /** In English, for the API and the execution history. */
  reason: string;
}

type Settled = { invoiceId: string } & PaymentOutcome;

const newestFirst = (a: Settled, b: Settled): number =>
  b.settledOn.localeCompare(a.settledOn) || b.dueDate.localeCompare(a.dueDate) || b.invoiceId.localeCompare(a.invoiceId);

const settled = (history: Customer['paymentHistory']): Settled[] =>
  Object.entries(history).map(([invoiceId, o]) => ({ invoiceId, ...o })).sort(newestFirst);

/** How an invoice that just left the chase ended; undefined while it is still owed (or it never was). */
export const outcomeOf = (
  invoice: Pick<Invoice, 'status' | 'dueDate' | 'amount' | 'amountPaid'>,
  payments: readonly { date: string }[],
  today: string,
): PaymentOutcome | undefined => {
  const how = invoice.status;
  if (how !== 'paid' && how !== 'written_off' && how !== 'escalated') return undefined;
  if (how === 'paid' && amountDue(invoice as Invoice) > 0) return undefined;
  const lastPayment = payments.map((p) => p.date).sort().at(-1);
  const settledOn = how === 'paid' && lastPayment ? lastPayment : today;
  return { dueDate: invoice.dueDate, settledOn, daysLate: Math.max(0, daysBetween(invoice.dueDate, settledOn)), how };
};

/** The ids to drop so that the history keeps its newest HABIT_HISTORY entries. */
export const beyondHistory = (history: Customer['paymentHistory']): string[] => settled(history).slice(HABIT_HISTORY).map((s) => s.invoiceId);

/** Whether the customer habitually pays late under the policy's rule. A written-off or escalated invoice counts as late. */
export const habitOf = (history: Customer['paymentHistory'], policy: Pick<Policy, 'habitual'>): PaymentHabit => {
  const rule = { lateOf: policy.habitual.lateOf, outOf: policy.habitual.outOf, minDaysLate: policy.habitual.minDaysLate };
  const latest = settled(history).slice(0, rule.outOf);
  const late = latest.filter((s) => s.how !== 'paid' || s.daysLate >= rule.minDaysLate).length;
  const habitual = late >= rule.lateOf;
  const reason = `${late} of the last ${latest.length} settled invoices ${rule.minDaysLate === 1 ? 'late' : `${rule.minDaysLate}+ days late`} (rule: ${rule.lateOf} of ${rule.outOf})`;
  return { habitual, late, counted: latest.length, rule, reason };
};

/**
 * The policy a habitual late payer is chased under: with `extraBeforeDue`, the pre-due reminder is
 * switched on at its offset where the policy sends none, and carries a short SMS where asked. Any
 * other customer, or a policy without the extra, is chased under the policy as it is.
 */
export const policyForHabit = (policy: Policy, habit: Pick<PaymentHabit, 'habitual'>): Policy => {
  const extra = policy.habitual.extraBeforeDue;
  if (!habit.habitual || !extra) return policy;
  const preDue = policy.stages.preDue;
  const dueOffset = policy.stages.dueDate?.enabled ? policy.stages.dueDate.offsetDays : 0;
  // Never on or after the due-date reminder: the extra comes before it, as the practice means it.
  const offsetDays = preDue?.enabled ? preDue.offsetDays : Math.min(extra.offsetDays, dueOffset - 1);
  return {
    ...policy,
    stages: { ...policy.stages, preDue: { ...preDue, enabled: true, offsetDays, sms: (preDue?.enabled === true && preDue.sms) || extra.sms } },
  };
};
