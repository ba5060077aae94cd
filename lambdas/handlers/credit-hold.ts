/**
 * PlaceCreditHold (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/place-credit-hold.ts --> domain/messages/reminder.ts (the final notice's facts)
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { placeCreditHold, type CreditHoldDeps } from '../app/timeline/place-credit-hold.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { StageTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export type { CreditHoldResult } from '../app/timeline/place-credit-hold.js';

export const makeCreditHoldHandler = (d: CreditHoldDeps) =>
  middy((event: unknown) => inTaskState('PlaceCreditHold', () => placeCreditHold(d, parseTaskInput(StageTaskInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeCreditHoldHandler(messagingWith({ ...caseDeps(), events: deps.events(), tasks: deps.tasks(), bankCredits: deps.bankCredits(), statementFeed: deps.statementFeed(), digests: deps.digests(), workflow: deps.workflow() })));
