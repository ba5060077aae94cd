/**
 * What an invoice change means besides starting and stopping executions (react-to-invoice-change.ts):
 * 1. Only a change that can move the activity feed is read further (domain/timeline/invoice-reactions.ts).
 * 2. A new invoice: its issue, from the image alone (ingest writes thousands at once).
 * 3. Otherwise load the case and record what the change adds to the feed the weekly report reads
 *    (domain/reports/activity.ts: issued, paid, promised, broken, closed); a moved issue date is forgotten where it was.
 * 4. A change that may have cleared the customer's overdue invoices: lift the credit hold if clear (lift-credit-hold.ts).
 * 5. An invoice that left the chase (paid, written off, escalated): how late, in the customer's
 *    payment history, which tells a habitual late payer (domain/timeline/payment-habit.ts).
 * Idempotent: a retried record writes the same activity items and history entry, and finds the hold gone.
 */
import { activityFromChange, activityId } from '../../domain/reports/activity.js';
import type { Invoice, PaymentOutcome } from '../../domain/model.js';
import { mayLiftHold, mayMoveActivity } from '../../domain/timeline/invoice-reactions.js';
import { beyondHistory, outcomeOf } from '../../domain/timeline/payment-habit.js';
import { localDay } from '../../domain/shared/days.js';
import { MissingDataError, loadCase, type InvoiceCase } from './invoice-case.js';
import { liftCreditHoldIfClear, type HoldCheck, type LiftHoldDeps } from './lift-credit-hold.js';
import type { CaseDeps, TimelinePorts } from './ports.js';

export type ActivityDeps = CaseDeps & LiftHoldDeps & Pick<TimelinePorts, 'reports'>;

export const recordInvoiceActivity = async (
  deps: ActivityDeps,
  change: { before?: Invoice; after?: Invoice },
): Promise<{ activity: number; hold?: HoldCheck; settled?: PaymentOutcome }> => {
  const { before, after } = change;
  // 1. Worth reading
  if (!after || !mayMoveActivity(before, after)) return { activity: 0 };
  // 2. A new invoice
  if (!before && after.status === 'open' && after.amountPaid === 0) {
    // A new invoice: only its issue, which needs nothing but the image (ingest writes thousands at once).
    const items = activityFromChange({ after, stagesDone: [], payments: [], policy: '', timeZone: 'UTC' });
    await deps.reports.recordActivity(items);
    return { activity: items.length };
  }
  // 3. What the change adds to the feed
  let c: InvoiceCase | undefined;
  try {
    c = await loadCase(deps, after.tenantId, after.invoiceId);
  } catch (err) {
    if (!(err instanceof MissingDataError)) throw err;
    // The customer or tenant record is missing: a data problem for a person, not for a retry.
    deps.logger.warn('invoice activity not recorded', { invoiceId: after.invoiceId, error: err.message });
    return { activity: 0 };
  }
  if (!c) return { activity: 0 };

  const items = activityFromChange({
    before,
    after,
    stagesDone: c.view.stagesDone,
    payments: c.view.payments,
    policy: c.policy.id,
    timeZone: c.tenant.timeZone,
  });
  if (items.length > 0) await deps.reports.recordActivity(items);
  if (before && before.issueDate !== after.issueDate) {
    await deps.reports.forgetActivity(before.tenantId, before.issueDate, activityId({ ...before, kind: 'issued', date: before.issueDate }));
  }
  // 4. The credit hold
  const hold = c.customer.creditHold && mayLiftHold(before, after) ? await liftCreditHoldIfClear(deps, c) : undefined;
  // 5. The payment history
  const settled = before?.status !== after.status ? outcomeOf(after, c.view.payments, localDay(new Date(after.updatedAt), c.tenant.timeZone)) : undefined;
  if (settled) {
    const history = { ...c.customer.paymentHistory, [after.invoiceId]: settled };
    await deps.customers.recordPaymentOutcome(after.tenantId, after.customerId, after.invoiceId, settled, beyondHistory(history));
  }
  return { activity: items.length, ...(hold ? { hold } : {}), ...(settled ? { settled } : {}) };
};

