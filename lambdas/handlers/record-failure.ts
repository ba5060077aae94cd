/**
 * RecordFailure (statemachines/dunning.tasks.ts): the Catch of every other task.
 * (adapter) --> use case app/timeline/record-failure.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { clock } from '../adapters/clock.js';
import { recordFailure, type RecordFailureDeps } from '../app/timeline/record-failure.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { observability } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { FailureTaskInput, parseTaskInput } from './lib/task-input.js';
import { failedStateOf, inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export type { FailureResult } from '../app/timeline/record-failure.js';

export const makeRecordFailureHandler = (d: RecordFailureDeps) =>
  middy((event: unknown) => {
    const input = parseTaskInput(FailureTaskInput, event);
    return inTaskState('RecordFailure', () => recordFailure(d, { ...input, state: failedStateOf(input.error.Cause) }));
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeRecordFailureHandler({ ...observability(), invoices: deps.invoices(), clock }));
