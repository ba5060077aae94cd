/**
 * CheckPromise (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/check-promise.ts --> domain/timeline/promise-check.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { checkPromise, type CheckPromiseDeps } from '../app/timeline/check-promise.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { PromiseTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export const makeCheckPromiseHandler = (d: CheckPromiseDeps) =>
  middy((event: unknown) => inTaskState('CheckPromise', () => checkPromise(d, parseTaskInput(PromiseTaskInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => makeCheckPromiseHandler(messagingWith({ ...caseDeps(), tasks: deps.tasks(), wakeUps: deps.wakeUps() })));
