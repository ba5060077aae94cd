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
import { ignoredEmailsInARow } from '../domain/timeline/engagement.js';
import { stageHold } from '../domain/timeline/stage-holds.js';
import { DeferredError, InvoiceClosedError } from '../adapters/workflow-errors.js';
import { clock } from '../adapters/clock.js';
import { answerTaskPrefixes } from '../domain/commands/tasks.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase } from './lib/load.js';
import { sendGuardedMessage, type ChannelOutcome } from './lib/send-message.js';
import { inTaskState, stageTaskState } from './lib/task-state.js';
import * as deps from './lib/deps.js';
import { logger, metrics } from './lib/powertools.js';

export interface StageResult {
  stage: Stage;
  outcome: 'skipped' | 'sent' | 'failed' | 'unreachable' | 'alreadyDone';
  channels: ChannelOutcome[];
}

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
  // Held back: the customer's answer is still with the finance team, or the call comes forward (domain/timeline/stage-holds.ts).
  const waiting = await deps.tasks().openWithPrefixes(inv.tenantId, answerTaskPrefixes(inv.invoiceId, inv.customerId));
  const ignoredEmails = ignoredEmailsInARow(c.view.events);
  const now = clock.now();
  const hold = stageHold({
    stage: input.stage,
    invoice: inv,
    customer: c.customer,
    policy: c.policy,
    events: c.view.events,
    stagesDone: c.view.stagesDone,
    ignoredEmails,
    waitingAnswers: waiting.map((t) => t.kind),
    now,
  });
  if (hold) {
    await deps.invoices().deferStage({ ...ids, revision: input.revision, run: input.run, stage: input.stage, until: hold.until.toISOString(), reason: hold.reason, at: now.toISOString() });
    throw new DeferredError(
      hold.hold === 'waitingForFinance'
        ? `${input.stage} held: the customer's answer is still with the finance team`
        : `${input.stage} gives way to the phone call: two e-mails ignored, no SMS possible`,
    );
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
  const input = parseTaskInput(StageTaskInput, event);
  return inTaskState(stageTaskState(input.stage), () => sendStageReminder(input));
};

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
