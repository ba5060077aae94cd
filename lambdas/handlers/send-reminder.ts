/**
 * The e-mail (and SMS) stages of the timeline: receiptCheck, preDue, dueDate, firstOverdue,
 * secondOverdue. A stage the plan skips returns at once; otherwise the reminder goes out through
 * the send guard. The invoice's copy is not attached: each invoice's signed "view" link serves it
 * (customer pages), which keeps reminders light for spam filters, lets the copy expire with the
 * link instead of living on in forwarded mail, and keeps S3 out of this hot path's bundle.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Stage } from '../domain/timeline/stages.js';
import { ignoredEmailsInARow, unheardEscalation } from '../domain/timeline/engagement.js';
import { DeferredError, InvoiceClosedError } from '../adapters/workflow-errors.js';
import { clock } from '../adapters/clock.js';
import { nextSendMoment } from '../domain/timeline/calendar.js';
import { answerTaskPrefixes } from '../domain/commands/tasks.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase, type InvoiceCase } from './lib/load.js';
import { sendGuardedMessage, type ChannelOutcome } from './lib/send-message.js';
import { inTaskState, stageTaskState } from './lib/task-state.js';
import * as deps from './lib/deps.js';
import { logger, metrics } from './lib/powertools.js';
import { localDay } from '../domain/shared/days.js';

export interface StageResult {
  stage: Stage;
  outcome: 'skipped' | 'sent' | 'failed' | 'unreachable' | 'alreadyDone';
  channels: ChannelOutcome[];
}

const CALL_FORWARD = 'two e-mails ignored and no SMS possible: the phone call comes forward';

/**
 * The conditions under which the planner brings the call forward (overdue, call still ahead, nobody
 * to text). Once per stage: should the plan still name this stage, it is sent rather than deferred again.
 */
const callComesForward = (c: InvoiceCase, stage: Stage, ignoredEmails: number): boolean =>
  !c.view.events.some((e) => e.type === 'deferred' && e.stage === stage && e.details?.reason === CALL_FORWARD) &&
  c.policy.stages.phoneCall?.enabled === true &&
  !c.view.stagesDone.some((s) => s.stage === 'phoneCall') &&
  localDay(clock.now(), c.customer.timeZone) > c.view.invoice.dueDate &&
  unheardEscalation(ignoredEmails, c.policy, c.customer) === 'callForward';

export const sendStageReminder = async (input: StageTaskInput): Promise<StageResult> => {
  const ids = { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage };
  if (isSkipped(input)) {
    logger.info('stage skipped by the plan', ids);
    return { stage: input.stage, outcome: 'skipped', channels: [] };
  }
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  // Cheap early exit; the guard's transaction is what actually decides.
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);

  // Done already (by a message of another invoice of this customer, or before a crash): move on,
  // before the contact limits would count it again. The guard's transaction stays the authority.
  if (c.view.stagesDone.some((s) => s.stage === input.stage)) {
    logger.info('stage already done', ids);
    return { stage: input.stage, outcome: 'alreadyDone', channels: [] };
  }
  // The customer answered through a link (a plan request, another contact) and the finance team has
  // not dealt with it yet: no next reminder before they have, checked again the next business morning.
  const waiting = await deps.tasks().openWithPrefixes(inv.tenantId, answerTaskPrefixes(inv.invoiceId, inv.customerId));
  if (waiting.length > 0) {
    const now = clock.now();
    const until = nextSendMoment(new Date(now.getTime() + 86_400_000), { timeZone: c.customer.timeZone, country: c.customer.country, sendWindow: c.policy.sendWindow });
    await deps.store().deferStage({ ...ids, revision: input.revision, run: input.run, stage: input.stage, until: until.toISOString(), reason: `waiting for the finance team to see the customer's answer (${waiting.map((t) => t.kind).join(', ')})`, at: now.toISOString() });
    throw new DeferredError(`${input.stage} held: the customer's answer is still with the finance team`);
  }
  // Two e-mails ignored in a row and no SMS possible: this written reminder gives way to the phone
  // call, which PlanTimeline brings forward (domain/planner.ts); the deferral says why in the log.
  const ignoredEmails = ignoredEmailsInARow(c.view.events);
  if (callComesForward(c, input.stage, ignoredEmails)) {
    const now = clock.now();
    await deps.store().deferStage({ ...ids, revision: input.revision, run: input.run, stage: input.stage, until: now.toISOString(), reason: CALL_FORWARD, at: now.toISOString() });
    throw new DeferredError(`${input.stage} gives way to the phone call: two e-mails ignored, no SMS possible`);
  }
  const out = await sendGuardedMessage({
    invoice: inv,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: input.stage,
    guardKey: input.stage,
    requiredStatus: 'open',
    revision: input.revision,
    run: input.run,
    consolidate: true,
    ignoredEmails,
  });
  return { stage: input.stage, ...out };
};

export const run = (event: unknown): Promise<StageResult> => {
  const input = parseTaskInput(StageTaskInput, event) as StageTaskInput;
  return inTaskState(stageTaskState(input.stage), () => sendStageReminder(input));
};

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
