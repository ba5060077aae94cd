/**
 * Timelines to resume (issue 19): an EventBridge Scheduler schedule invokes this every hour
 * (infra/constructs/wake-ups.ts); locally the stand-in fires it at the next recorded wake-up
 * (local/stack.ts). An execution whose plan reached past its year ended after recording when its
 * next run is due (app/timeline/keep-within-year.ts); this starts the runs now due.
 * (adapter) --> use case app/timeline/wake-timelines.ts (conditional writes in
 * adapters/dynamo-timeline-wake-ups.ts: a repeated delivery starts nothing twice).
 * Input (the schedule's target input): `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`,
 * optionally `tenantId` (else TENANT_ID). Failures are thrown for the schedule's retries, then its
 * dead-letter queue; the next hour's turn finds what is still due anyway.
 * Config: TENANT_ID, TABLE_NAME.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { clock } from '../adapters/clock.js';
import { wakeTimelines, type WakeTimelinesDeps } from '../app/timeline/wake-timelines.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { requiredEnv } from './lib/env.js';
import { parseTaskInput } from './lib/task-input.js';
import { count, logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const WakeEvent = lazySchema(() => z.object({
  tenantId: z.optional(z.string().check(z.minLength(1))),
  scheduledTime: z.optional(z.string()),
}));

export interface WakeTimelinesHandlerDeps extends WakeTimelinesDeps {
  /** The deployment's tenant, when the input names none. */
  tenantId: string;
  logger: Logger;
  metrics: Metrics;
}

export const makeWakeTimelinesHandler = (d: WakeTimelinesHandlerDeps) =>
  middy((event: unknown) => wakeTimelines(d, { tenantId: parseTaskInput(WakeEvent, event ?? {}).tenantId ?? d.tenantId }))
    .use(injectLambdaContext(d.logger))
    .use(logMetrics(d.metrics));

export const handler = builtOnFirstCall(() =>
  makeWakeTimelinesHandler({ wakeUps: deps.wakeUps(), clock, tenantId: requiredEnv('TENANT_ID'), logger, metrics, count }),
);
