/**
 * A table-stream batch that failed every retry: the event source mapping leaves only its shard and
 * sequence numbers in the StreamFailures queue. This reads the records back from the stream (they
 * stay 24 hours) and writes the failure on each invoice they were about, and in its contact log, as
 * RecordFailure does for a timeline step: the finance team sees in the API that the invoice's
 * timeline may not have started or stopped, instead of an open invoice nobody chases.
 * StreamRecordsAbandoned counts them (alarmed). A message that cannot be handled (records already
 * trimmed, an outage) goes back to the queue, and after its retries to StreamFailuresUnhandled (alarmed).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { contactEvent } from '../domain/shared/contact-event.js';
import { clock } from '../adapters/clock.js';
import type { StreamChange } from '../adapters/stream-reader.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

/** The on-failure record Lambda writes for a stream batch (the fields used here). */
export const StreamFailureMessage = z.object({
  requestContext: z.object({ condition: z.string(), approximateInvokeCount: z.optional(z.number()) }),
  timestamp: z.optional(z.string()),
  DDBStreamBatchInfo: z.object({ streamArn: z.string(), shardId: z.string(), startSequenceNumber: z.string(), endSequenceNumber: z.string() }),
});

export const FAILED_STATE = 'TableStream';
const CAUSE =
  'The table stream could not act on this change after every retry: the invoice timeline may not have been started, stopped or restarted. Check the invoice, then resume or restart its chase.';

interface InvoiceRef {
  tenantId: string;
  invoiceId: string;
  sequenceNumber: string;
}

const invoicesIn = (changes: readonly StreamChange[]): InvoiceRef[] => {
  const seen = new Map<string, InvoiceRef>();
  for (const c of changes) {
    const item = c.newImage ?? c.oldImage;
    if (item?.entity !== 'invoice' || typeof item.tenantId !== 'string' || typeof item.invoiceId !== 'string') continue;
    seen.set(`${item.tenantId}#${item.invoiceId}`, { tenantId: item.tenantId, invoiceId: item.invoiceId, sequenceNumber: c.sequenceNumber });
  }
  return [...seen.values()];
};

/** True when the write was refused: already marked, this very entry already written, or the invoice gone. */
const alreadyOrGone = (err: unknown): boolean =>
  err instanceof TransactionCanceledException && (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');

const markInvoices = async (record: SQSRecord): Promise<void> => {
  const message = StreamFailureMessage.parse(JSON.parse(record.body));
  const batch = message.DDBStreamBatchInfo;
  const condition = message.requestContext.condition;
  const at = message.timestamp ?? clock.now().toISOString();
  const invoices = invoicesIn(await deps.streamReader().changesIn(batch));
  let marked = 0;
  for (const inv of invoices) {
    try {
      await deps.invoices().recordFailure(
        inv.tenantId,
        inv.invoiceId,
        { at, state: FAILED_STATE, error: condition, cause: CAUSE },
        // One entry per record: a redelivered message finds it written and leaves it.
        contactEvent({
          tenantId: inv.tenantId,
          invoiceId: inv.invoiceId,
          eventId: `stream-${inv.sequenceNumber}`,
          at,
          type: 'failure',
          channel: 'system',
          actor: 'system',
          outcome: 'recorded',
          details: { state: FAILED_STATE, error: condition, sequenceNumber: inv.sequenceNumber },
        }),
        // Marking changes the invoice, which the stream carries to table-stream again: if that change
        // fails too, the invoice is already marked and this writes nothing, so the chain ends there.
        { once: true },
      );
      marked++;
    } catch (err) {
      if (!alreadyOrGone(err)) throw err;
    }
  }
  count('StreamRecordsAbandoned', invoices.length);
  logger.error('stream records abandoned after every retry', {
    condition,
    shardId: batch.shardId,
    startSequenceNumber: batch.startSequenceNumber,
    endSequenceNumber: batch.endSequenceNumber,
    invoices: invoices.map((i) => i.invoiceId),
    marked,
  });
};

export const run = (event: SQSEvent): Promise<SQSBatchResponse> =>
  processPartialResponse(event, markInvoices, new BatchProcessor(EventType.SQS), { throwOnFullBatchFailure: false });

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
