/**
 * The table's stream (NEW_AND_OLD_IMAGES, filtered to invoice items by the event source mapping):
 * what each change asks for is domain/timeline/invoice-reactions.ts; executions are named by
 * executionName, so a duplicate start is a no-op; the thank-you goes through the send guard.
 * Failed records are reported one by one (partial batch response), so a poison record does not
 * hold the shard back; the mapping's retry limit and on-failure destination take it from there.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { InvoiceStatus } from '../domain/model.js';
import { reactionsTo, type InvoiceImage } from '../domain/timeline/invoice-reactions.js';
import { executionName } from '../domain/timeline/execution-name.js';
import { guardKeyFor } from '../domain/messages/reminder.js';
import { clock } from '../adapters/clock.js';
import { loadCase } from './lib/load.js';
import { sendGuardedMessage } from './lib/send-message.js';
import { afterInvoiceChange } from './lib/invoice-activity.js';
import { processStreamBatch } from './lib/stream-batch.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';
import { localDay } from '../domain/shared/days.js';

/** The few invoice fields the stream reacts to; the rest is read from the table when needed. */
const InvoiceImageSchema = z.object({
  entity: z.literal('invoice'),
  tenantId: z.string(),
  invoiceId: z.string(),
  status: InvoiceStatus,
  revision: z._default(z.int(), 1),
  run: z._default(z.int(), 0),
  needsContact: z._default(z.boolean(), false),
  amountPaid: z._default(z.int(), 0),
});

const image = (raw: Record<string, unknown> | undefined): InvoiceImage | undefined => {
  if (!raw) return undefined;
  const out = z.safeParse(InvoiceImageSchema, unmarshall(raw as Record<string, AttributeValue>));
  return out.success ? out.data : undefined;
};

const nameOf = (i: InvoiceImage) => executionName(i.tenantId, i.invoiceId, i.revision, i.run);

const startFor = async (i: InvoiceImage) => {
  const out = await deps.workflow().start(nameOf(i), { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run });
  if (!out.alreadyStarted) count('ExecutionsStarted');
  logger.info('execution started', { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run, alreadyStarted: out.alreadyStarted });
};

const thankYou = async (newI: InvoiceImage, paid: number) => {
  const c = await loadCase(newI.tenantId, newI.invoiceId);
  if (!c || c.view.invoice.status !== 'paid') return;
  const now = clock.now();
  await sendGuardedMessage({
    invoice: c.view.invoice,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: 'thankYou',
    guardKey: guardKeyFor('thankYou'),
    requiredStatus: 'paid',
    revision: newI.revision,
    run: newI.run,
    facts: { ...(paid > 0 ? { paymentAmount: paid } : {}), paymentDate: localDay(now, c.customer.timeZone) },
  });
};

const handleRecord = async (record: DynamoDBRecord): Promise<void> => {
  const oldI = image(record.dynamodb?.OldImage);
  const newI = image(record.dynamodb?.NewImage);
  const raw = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
  if (raw?.entity?.S !== 'invoice') return;
  if (record.eventName !== 'REMOVE' && !newI) {
    // A malformed item never gets better by retrying: visible in logs and metrics, not blocking the shard.
    logger.error('invoice stream image not understood', { eventId: record.eventID });
    count('StreamRecordsRejected');
    return;
  }
  for (const reaction of reactionsTo(record.eventName, oldI, newI)) {
    switch (reaction.action) {
      case 'start':
        await startFor(newI!);
        break;
      case 'restart':
        await deps.workflow().stop(nameOf(oldI!), reaction.stopCause);
        await startFor(newI!);
        break;
      case 'stop':
        await deps.workflow().stop(nameOf(oldI!), reaction.cause);
        if (nameOf(newI!) !== nameOf(oldI!)) await deps.workflow().stop(nameOf(newI!), reaction.cause);
        break;
      case 'thankYou':
        await thankYou(newI!, reaction.paidNow);
        break;
    }
  }
  // The report's activity feed and the automatic lift of a credit hold (idempotent, like the above).
  await afterInvoiceChange(record);
};

/** Time kept back before the function's timeout: one record can take this long when StartExecution is throttled through every SDK retry. */
export const STREAM_TIME_RESERVE_MS = 15_000;

export const run = (event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<DynamoDBBatchResponse> =>
  processStreamBatch(event, handleRecord, {
    context,
    reserveMs: STREAM_TIME_RESERVE_MS,
    onFailure: (record, err) => {
      logger.error('stream record failed', { eventId: record.eventID, error: err.name, message: err.message });
      count('StreamRecordsFailed');
    },
    onOutOfTime: (records) => {
      logger.warn('stream batch handed back for lack of time', { records });
      count('StreamRecordsDeferred', records);
    },
  });

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
