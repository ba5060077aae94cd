/**
 * PlacePhoneCall (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/place-call.ts --> domain/timeline/calls.ts, domain/timeline/customer-call.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { clock } from '../adapters/clock.js';
import { placeCall, type PlaceCallDeps } from '../app/timeline/place-call.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, observability } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { StageTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export type { CallResult } from '../app/timeline/place-call.js';

export const makePlaceCallHandler = (d: PlaceCallDeps) =>
  middy((event: unknown) => inTaskState('PlacePhoneCall', () => placeCall(d, parseTaskInput(StageTaskInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() =>
  makePlaceCallHandler({ ...caseDeps(), ...observability(), sendGuard: deps.sendGuard(), callQueue: deps.callQueue(), clock, tasks: deps.tasks(), bankCredits: deps.bankCredits() }),
);
