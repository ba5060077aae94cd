/**
 * SendReceiptCheck, SendPreDue, SendDueDate, SendFirstOverdue, SendSecondOverdue (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/send-stage-reminder.ts --> domain/timeline/stage-holds.ts,
 * domain/messages/reminder.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { sendStageReminder, type SendStageDeps } from '../app/timeline/send-stage-reminder.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { StageTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState, stageTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export type { StageResult } from '../app/timeline/send-stage-reminder.js';

export const makeSendReminderHandler = (d: SendStageDeps) =>
  middy((event: unknown) => {
    const input = parseTaskInput(StageTaskInput, event);
    return inTaskState(stageTaskState(input.stage), () => sendStageReminder(d, input));
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeSendReminderHandler(messagingWith({ ...caseDeps(), tasks: deps.tasks(), bankCredits: deps.bankCredits() })));
