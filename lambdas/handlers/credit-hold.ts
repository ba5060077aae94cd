/**
 * PlaceCreditHold: the final notice to the customer (interest to date and the fixed compensation,
 * where the policy shows them), then the customer's credit line suspended and sales told through
 * EventBridge (CreditHoldPlaced). Each step is guarded or idempotent, so a retry finishes the job.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { contactEvent } from '../domain/shared/contact-event.js';
import { decideReminder, guardKeyFor } from '../domain/messages/reminder.js';
import { clock } from '../adapters/clock.js';
import { InvoiceClosedError } from '../adapters/workflow-errors.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase } from './lib/load.js';
import { sendGuardedMessage, type ChannelOutcome } from './lib/send-message.js';
import { inTaskState } from './lib/task-state.js';
import { salesRepHoldNoticeFor } from './lib/sales-rep.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

export interface CreditHoldResult {
  stage: 'creditHold';
  outcome: 'skipped' | 'placed' | 'alreadyPlaced';
  notice: { outcome: string; channels: ChannelOutcome[] };
}

export const placeCreditHold = async (input: StageTaskInput): Promise<CreditHoldResult> => {
  if (isSkipped(input)) return { stage: 'creditHold', outcome: 'skipped', notice: { outcome: 'skipped', channels: [] } };
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  const exec = { revision: input.revision, run: input.run };

  // The notice first: if it has to be retried, nothing else has happened yet.
  const notice = await sendGuardedMessage({
    invoice: inv,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: 'creditHold',
    guardKey: guardKeyFor('creditHoldNotice'),
    requiredStatus: 'open',
    ...exec,
  });

  const now = clock.now();
  const { line } = decideReminder({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'creditHold', now });
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
  const store = deps.sendGuard();
  const salesRep = salesRepHoldNoticeFor({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy }, now, amounts);
  const claim = await store.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    guardKey: 'creditHold',
    events: [holdEvent, ...(salesRep ? [salesRep.event] : [])],
    alsoWrite: [
      deps.customers().creditHoldWrite(inv.tenantId, inv.customerId, {
        placedAt: now.toISOString(),
        invoiceId: inv.invoiceId,
        reason: `invoice ${inv.number} unpaid ${line.daysLate} days after its due date`,
      }),
    ],
  });
  if (claim.outcome === 'claimed') {
    await store.completeSend(claim.lease, salesRep ? [await salesRep.send()] : []);
    count('CreditHoldsPlaced');
  }

  // At least once: a retry after a crash publishes again with the same holdId for consumers to de-duplicate.
  const holdId = claim.outcome === 'claimed' ? holdEvent.eventId : (claim.eventIds[0] ?? `${inv.invoiceId}#creditHold`);
  await deps.events().publish('CreditHoldPlaced', {
    tenantId: inv.tenantId,
    customerId: inv.customerId,
    invoiceId: inv.invoiceId,
    holdId,
    placedAt: claim.outcome === 'claimed' ? now.toISOString() : (claim.claimedAt ?? now.toISOString()),
    ...amounts,
  });
  logger.info('credit hold', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, customerId: inv.customerId, outcome: claim.outcome });
  return {
    stage: 'creditHold',
    outcome: claim.outcome === 'claimed' ? 'placed' : 'alreadyPlaced',
    notice: { outcome: notice.outcome, channels: notice.channels },
  };
};

export const run = (event: unknown): Promise<CreditHoldResult> =>
  inTaskState('PlaceCreditHold', () => placeCreditHold(parseTaskInput(StageTaskInput, event)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
