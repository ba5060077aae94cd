/**
 * The table's stream (NEW_AND_OLD_IMAGES, filtered to invoice items by the event source mapping).
 * (adapter) --> use case app/timeline/react-to-invoice-change.ts --> domain/timeline/invoice-reactions.ts,
 * then the invoice's share of the ageing histogram: app/reports/apply-ageing-change.ts.
 * Failed records are reported one by one (partial batch response), so a poison record does not
 * hold the shard back; the mapping's retry limit and on-failure destination take it from there.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { invoiceChangeOf } from '../adapters/dynamo/stream-images.js';
import { ageingChangeOf } from '../adapters/dynamo/ageing-stream.js';
import { applyAgeingChange, type ApplyAgeingDeps } from '../app/reports/apply-ageing-change.js';
import { reactToInvoiceChange, type InvoiceChangeDeps } from '../app/timeline/react-to-invoice-change.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, messagingWith } from './lib/compose.js';
import * as deps from './lib/deps.js';
import { processStreamBatch } from './lib/stream-batch.js';
import { logger, metrics } from './lib/powertools.js';

/** Time kept back before the function's timeout: one record can take this long when StartExecution is throttled through every SDK retry. */
export const STREAM_TIME_RESERVE_MS = 15_000;

type Run = (event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<DynamoDBBatchResponse>;

/** The batch loop over any dependencies (what the middy handler runs). */
export const makeTableStreamRun =
  (d: InvoiceChangeDeps, ageing: ApplyAgeingDeps = { ageingDays: deps.ageingDays() }): Run =>
  (event, context) =>
    processStreamBatch(
      event,
      async (record) => {
        const change = invoiceChangeOf(record);
        if (change === 'other') return;
        if (change === 'unreadable') {
          // A malformed item never gets better by retrying: visible in logs and metrics, not blocking the shard.
          d.logger.error('invoice stream image not understood', { eventId: record.eventID });
          d.count('StreamRecordsRejected');
          return;
        }
        await reactToInvoiceChange(d, change);
        const share = ageingChangeOf(record);
        if (share && (await applyAgeingChange(ageing, share)) === 'applied') d.count('AgeingSharesMoved');
      },
      {
        context,
        reserveMs: STREAM_TIME_RESERVE_MS,
        onFailure: (record, err) => {
          d.logger.error('stream record failed', { eventId: record.eventID, error: err.name, errorMessage: err.message });
          d.count('StreamRecordsFailed');
        },
        onOutOfTime: (records) => {
          d.logger.warn('stream batch handed back for lack of time', { records });
          d.count('StreamRecordsDeferred', records);
        },
      },
    );

const fromEnvironment = (): InvoiceChangeDeps =>
  messagingWith({ ...caseDeps(), workflow: deps.workflow(), reports: deps.reports(), commands: deps.commands(), events: deps.events(), digests: deps.digests() });

export const makeTableStreamHandler = (d: InvoiceChangeDeps) => middy(makeTableStreamRun(d)).use(injectLambdaContext(logger)).use(logMetrics(metrics));

/** The deployed batch loop, built from the environment on its first batch. */
export const run: Run = builtOnFirstCall(() => makeTableStreamRun(fromEnvironment()));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
