/**
 * When a credit hold may be lifted: once no invoice of the customer is past the policy's
 * credit-hold threshold any more (the creditHold stage's days after the due date). Pure.
 *
 * An invoice counts while anything is still owed on it and it is not settled (paid, written off,
 * not chased): promised, disputed, paused, payment-claimed and escalated invoices keep the hold,
 * because the money has not arrived; the finance team can still lift it by hand.
 */
import { daysPastDue } from '../reports/ageing.js';
import { amountDue, type Invoice, type InvoiceStatus, type Policy } from '../model.js';
import { addDays } from '../shared/days.js';

const SETTLED: readonly InvoiceStatus[] = ['paid', 'written_off', 'not_chased'];
/** The standard policy's threshold, for a policy that has no creditHold stage at all. */
const DEFAULT_THRESHOLD_DAYS = 30;

/** Days after the due date from which an unpaid invoice justifies a hold. */
export const holdThresholdDays = (policy: Pick<Policy, 'stages'>): number => policy.stages.creditHold?.offsetDays ?? DEFAULT_THRESHOLD_DAYS;

/** The latest due date an invoice can have and be past the threshold on `today`. */
export const holdCutoffDueDate = (today: string, thresholdDays: number): string => addDays(today, -thresholdDays);

/** The invoices that still justify the hold on `today` (the customer's local date). */
export const invoicesHoldingCredit = (invoices: readonly Invoice[], thresholdDays: number, today: string): Invoice[] =>
  invoices.filter((i) => !SETTLED.includes(i.status) && amountDue(i) > 0 && daysPastDue(i.dueDate, today) >= thresholdDays);
