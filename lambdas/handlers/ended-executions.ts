/**
 * Ended executions of the dunning state machine (issue 19): an EventBridge rule on the default bus
 * for "Step Functions Execution Status Change" with status FAILED, TIMED_OUT or ABORTED
 * (infra/constructs/ended-executions.ts); locally the engine's onStatusChange, in the same shape
 * (local/execution-status-event.ts).
 * (adapter) --> use case --> domain: this event --> app/timeline/record-ended-execution.ts -->
 * domain/timeline/ended-execution.ts.
 * An event that is not one is logged and dropped (it would never parse); any other failure is
 * thrown for the async invocation's retries, then the dead-letter queue. The write is conditional,
 * so a redelivered event changes nothing.
 * Config: TABLE_NAME.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { recordEndedExecution, type EndedExecutionResult, type RecordEndedExecutionDeps } from '../app/timeline/record-ended-execution.js';
import { STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from '../domain/timeline/ended-execution.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

/** The fields of the status-change event used here (the service sends null for what is absent). */
export const ExecutionStatusChangeEvent = lazySchema(() => z.object({
  source: z.literal(STATUS_CHANGE_SOURCE),
  'detail-type': z.literal(STATUS_CHANGE_DETAIL_TYPE),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    executionArn: z.string(),
    name: z.string(),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
    stopDate: z.nullish(z.number()),
    input: z.nullish(z.string()),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
  }),
}));

export interface EndedExecutionsDeps extends RecordEndedExecutionDeps {
  logger: Logger;
  metrics: Metrics;
}

export const makeEndedExecutionsHandler = (d: EndedExecutionsDeps) =>
  middy(async (event: unknown): Promise<EndedExecutionResult | { recorded: false; reason: 'not-a-status-change' }> => {
    const parsed = z.safeParse(ExecutionStatusChangeEvent, event);
    if (!parsed.success) {
      d.logger.error('not a Step Functions status-change event', { issues: parsed.error.issues.length });
      return { recorded: false, reason: 'not-a-status-change' };
    }
    const { detail, time } = parsed.data;
    return recordEndedExecution(d, {
      name: detail.name,
      status: detail.status,
      input: detail.input,
      error: detail.error,
      cause: detail.cause,
      at: new Date(detail.stopDate ?? Date.parse(time)).toISOString(),
    });
  })
    .use(injectLambdaContext(d.logger))
    .use(logMetrics(d.metrics));

export const handler = builtOnFirstCall(() => makeEndedExecutionsHandler({ invoices: deps.invoices(), logger, metrics, count }));
