/**
 * PlaceCreditHold:
 * 1. A stage the plan skips returns at once; an invoice no longer open for this execution ends it.
 *    Held by the bank truth (app/timeline/bank-truth.ts) unless placed already: a credit that could
 *    be the customer's payment waits for the finance team, and stale statements wait for a current one.
 * 2. The final notice to the customer first (interest to date and the fixed compensation, where the
 *    policy shows them): if it has to be retried, nothing else has happened yet.
 * 3. The customer's credit line suspended, with the sales representative's notice, under the send guard.
 * 4. CreditHoldPlaced on EventBridge (at least once: a retry publishes the same holdId).
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import { decideReminder, guardKeyFor } from '../../domain/messages/reminder.js';
import { sendGuardedMessage, type ChannelOutcome } from '../messaging/send-guarded-message.js';
import { salesRepHoldNoticeFor } from '../messaging/sales-rep-notices.js';
import { InvoiceClosedError } from '../task-errors.js';
import { isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCase } from './invoice-case.js';
import { deferUnlessBankAgrees, type FirmStageDeps } from './bank-truth.js';
import type { MessagingDeps, TimelinePorts } from './ports.js';

export type CreditHoldDeps = FirmStageDeps & MessagingDeps & Pick<TimelinePorts, 'events'>;

export interface CreditHoldResult {
  stage: 'creditHold';
  outcome: 'skipped' | 'placed' | 'alreadyPlaced';
  notice: { outcome: string; channels: ChannelOutcome[] };
}

export const placeCreditHold = async (deps: CreditHoldDeps, input: StageRequest): Promise<CreditHoldResult> => {
  // 1. Skipped, or no longer this execution's
  if (isSkipped(input)) return { stage: 'creditHold', outcome: 'skipped', notice: { outcome: 'skipped', channels: [] } };
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  const exec = { revision: input.revision, run: input.run };
  if (!c.view.stagesDone.some((s) => s.stage === 'creditHold')) await deferUnlessBankAgrees(deps, c, input, deps.clock.now());

  // 2. The final notice
  const notice = await sendGuardedMessage(deps, {
    invoice: inv,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: 'creditHold',
    guardKey: guardKeyFor('creditHoldNotice'),
    requiredStatus: 'open',
    payments: c.view.payments,
    ...exec,
  });

  // 3. The hold and the sales rep's notice, once
  const now = deps.clock.now();
  const { line } = decideReminder({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'creditHold', now, payments: c.view.payments });
  const amounts = {
    currency: inv.currency,
    amountDue: line.amountDue,
    daysPastDue: line.daysLate,
    ...(line.interest !== undefined ? { interest: line.interest, compensation: line.compensation } : {}),
  };
  const holdEvent = contactEvent({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    at: now.toISOString(),
    type: 'credit_hold',
    channel: 'system',
    actor: 'system',
    stage: 'creditHold',
    outcome: 'recorded',
    details: { customerId: inv.customerId, ...amounts },
  });
  const salesRep = salesRepHoldNoticeFor(deps, { invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy }, now, amounts);
  const claim = await deps.sendGuard.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    guardKey: 'creditHold',
    events: [holdEvent, ...(salesRep ? [salesRep.event] : [])],
    alsoWrite: [
      deps.customers.creditHoldWrite(inv.tenantId, inv.customerId, {
        placedAt: now.toISOString(),
        invoiceId: inv.invoiceId,
        reason: `invoice ${inv.number} unpaid ${line.daysLate} days after its due date`,
      }),
    ],
  });
  if (claim.outcome === 'claimed') {
    await deps.sendGuard.completeSend(claim.lease, salesRep ? [await salesRep.send()] : []);
    deps.count('CreditHoldsPlaced');
  }

  // 4. CreditHoldPlaced: at least once, with the same holdId for consumers to de-duplicate
  const holdId = claim.outcome === 'claimed' ? holdEvent.eventId : (claim.eventIds[0] ?? `${inv.invoiceId}#creditHold`);
  await deps.events.publish('CreditHoldPlaced', {
    tenantId: inv.tenantId,
    customerId: inv.customerId,
    invoiceId: inv.invoiceId,
    holdId,
    placedAt: claim.outcome === 'claimed' ? now.toISOString() : (claim.claimedAt ?? now.toISOString()),
    ...amounts,
  });
  deps.logger.info('credit hold', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, customerId: inv.customerId, outcome: claim.outcome });
  return {
    stage: 'creditHold',
    outcome: claim.outcome === 'claimed' ? 'placed' : 'alreadyPlaced',
    notice: { outcome: notice.outcome, channels: notice.channels },
  };
};
