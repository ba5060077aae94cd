/**
 * PlacePhoneCall: a task in the finance team's call queue for the day (tenant time zone) with the
 * number, the customer's office hours, the amount and the talking points; the customer is called
 * by a person, so nothing leaves here. The call task and its log entry are written once, with the
 * phoneCall stage's guard claim.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { contactEvent } from '../domain/events.js';
import { decideReminder, localDay } from '../domain/reminder.js';
import { renderCallSheet } from '../domain/rendering/render.js';
import { clock } from '../adapters/clock.js';
import type { CallTask } from '../adapters/dynamo-store.js';
import { InvoiceClosedError } from '../adapters/workflow-errors.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase } from './lib/load.js';
import { inTaskState } from './lib/task-state.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

export interface CallResult {
  stage: 'phoneCall';
  outcome: 'skipped' | 'queued' | 'alreadyQueued';
  day?: string;
}

export const placeCall = async (input: StageTaskInput): Promise<CallResult> => {
  if (isSkipped(input)) return { stage: 'phoneCall', outcome: 'skipped' };
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);

  const now = clock.now();
  const { line } = decideReminder({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'phoneCall', now });
  const sheet = renderCallSheet({
    kind: 'phoneCall',
    tone: c.policy.tone,
    language: c.tenant.language,
    tenant: c.tenant,
    customer: c.customer,
    lines: [line],
    now,
    ...(inv.promise ? { facts: { promiseDate: inv.promise.date } } : {}),
  });
  const contact = c.customer.billingContact;
  const phone = contact?.phone ?? c.customer.phone;
  const day = localDay(now, c.tenant.timeZone);
  const task: CallTask = {
    tenantId: inv.tenantId,
    day,
    customerId: inv.customerId,
    invoiceId: inv.invoiceId,
    invoiceNumber: inv.number,
    customerName: c.customer.name,
    ...(contact ? { contactName: contact.name } : {}),
    ...(phone ? { phone } : {}),
    timeZone: c.customer.timeZone,
    officeHours: c.customer.officeHours,
    callAt: input.plan.at.phoneCall,
    currency: inv.currency,
    amountDue: line.amountDue,
    daysPastDue: line.daysLate,
    summary: sheet.summary,
    talkingPoints: sheet.talkingPoints,
    salesNotes: c.customer.salesNotes,
    createdAt: now.toISOString(),
  };
  const event = contactEvent({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    at: now.toISOString(),
    type: 'call_task',
    channel: 'phone',
    actor: 'system',
    stage: 'phoneCall',
    ...(phone ? { to: phone } : {}),
    outcome: 'recorded',
    details: { day, callAt: task.callAt, currency: inv.currency, amountDue: line.amountDue, ...(phone ? {} : { warning: 'no phone number on file' }) },
  });
  const store = deps.store();
  const claim = await store.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    revision: input.revision,
    run: input.run,
    requiredStatus: 'open',
    guardKey: 'phoneCall',
    events: [event],
    alsoWrite: [store.callTaskWrite(task)],
  });
  if (claim.outcome === 'claimed') {
    await store.completeSend(claim.lease, []);
    count('CallTasksCreated');
  }
  logger.info('call task', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, day, outcome: claim.outcome, hasPhone: Boolean(phone) });
  return { stage: 'phoneCall', outcome: claim.outcome === 'claimed' ? 'queued' : 'alreadyQueued', day };
};

export const run = (event: unknown): Promise<CallResult> =>
  inTaskState('PlacePhoneCall', () => placeCall(parseTaskInput(StageTaskInput, event) as StageTaskInput));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
