/**
 * PlanTimeline (statemachines/dunning.tasks.ts).
 * (adapter) --> use case app/timeline/plan-timeline.ts --> domain/timeline/planner.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { clock } from '../adapters/clock.js';
import { sendSpreadFromEnv } from '../adapters/send-spread-config.js';
import { planFor, type PlanDeps } from '../app/timeline/plan-timeline.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, observability } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { PlanTaskInput, parseTaskInput } from './lib/task-input.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export const makePlanTimelineHandler = (deps: PlanDeps) =>
  middy((event: unknown) => inTaskState('PlanTimeline', () => planFor(deps, parseTaskInput(PlanTaskInput, event))))
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));

export const handler = builtOnFirstCall(() => {
  const sendSpread = sendSpreadFromEnv();
  return makePlanTimelineHandler({ ...caseDeps(), ...observability(), clock, wakeUps: deps.wakeUps(), ...(sendSpread ? { sendSpread } : {}) });
});
