/**
 * The StreamFailures queue: the on-failure record Lambda writes for a table-stream batch that
 * failed every retry (its shard and sequence numbers only).
 * (adapter) --> use case --> domain: this SQS message --> app/timeline/mark-stream-failures.ts -->
 * domain/timeline/stream-failure.ts.
 * A message that cannot be handled (records already trimmed, an outage) goes back to the queue,
 * and after its retries to StreamFailuresUnhandled (alarmed).
 * Config: TABLE_NAME; the SDK's AWS_ENDPOINT_URL_DYNAMODB_STREAMS locally.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { markStreamFailures, type MarkStreamFailuresDeps } from '../app/timeline/mark-stream-failures.js';
import { clock } from '../adapters/clock.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export { FAILED_STATE } from '../domain/timeline/stream-failure.js';

/** The on-failure record Lambda writes for a stream batch (the fields used here). */
export const StreamFailureMessage = lazySchema(() => z.object({
  requestContext: z.object({ condition: z.string(), approximateInvokeCount: z.optional(z.number()) }),
  timestamp: z.optional(z.string()),
  DDBStreamBatchInfo: z.object({ streamArn: z.string(), shardId: z.string(), startSequenceNumber: z.string(), endSequenceNumber: z.string() }),
}));

export interface StreamFailuresDeps extends MarkStreamFailuresDeps {
  logger: Logger;
  metrics: Metrics;
}

/** The message in the record's body; a body that is not one fails the record (it goes back to the queue). */
const messageOf = (record: SQSRecord) => {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error(`message ${record.messageId} is not JSON`);
  }
  return StreamFailureMessage.parse(body);
};

export const makeStreamFailuresHandler = (d: StreamFailuresDeps) =>
  middy((event: SQSEvent): Promise<SQSBatchResponse> =>
    processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const m = messageOf(record);
        await markStreamFailures(d, { batch: m.DDBStreamBatchInfo, condition: m.requestContext.condition, ...(m.timestamp ? { at: m.timestamp } : {}) });
      },
      new BatchProcessor(EventType.SQS),
      { throwOnFullBatchFailure: false },
    ),
  )
    .use(injectLambdaContext(d.logger))
    .use(logMetrics(d.metrics));

const fromEnvironment = (): StreamFailuresDeps => ({
  stream: deps.streamReader(),
  invoices: deps.invoices(),
  now: () => clock.now(),
  logger,
  metrics,
  count,
});

export const handler = builtOnFirstCall(() => makeStreamFailuresHandler(fromEnvironment()));
