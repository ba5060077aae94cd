/**
 * The table's stream (NEW_AND_OLD_IMAGES, filtered to invoice items by the event source mapping):
 * - a new chaseable invoice, or a higher revision or run: start its execution (named by
 *   executionName, so a duplicate start is a no-op) and stop the one it replaces;
 * - an invoice that became paid: stop its execution and thank the customer, through the send guard.
 * Invoices flagged needsContact are not started: ingest bumps `run` once a contact is added.
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
import { ACTIVE_STATUSES, InvoiceStatus } from '../domain/model.js';
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
const InvoiceImage = z.object({
  entity: z.literal('invoice'),
  tenantId: z.string(),
  invoiceId: z.string(),
  status: InvoiceStatus,
  revision: z._default(z.int(), 1),
  run: z._default(z.int(), 0),
  needsContact: z._default(z.boolean(), false),
  amountPaid: z._default(z.int(), 0),
});
type InvoiceImage = z.infer<typeof InvoiceImage>;

const image = (raw: Record<string, unknown> | undefined): InvoiceImage | undefined => {
  if (!raw) return undefined;
  const out = z.safeParse(InvoiceImage, unmarshall(raw as Record<string, AttributeValue>));
  return out.success ? out.data : undefined;
};

const chaseable = (i: InvoiceImage) => ACTIVE_STATUSES.includes(i.status) && !i.needsContact;
const nameOf = (i: InvoiceImage) => executionName(i.tenantId, i.invoiceId, i.revision, i.run);

const RESTART_CAUSE: Partial<Record<InvoiceStatus, string>> = {
  promised: 'promise',
  paused: 'pause',
  payment_claimed: 'payment claimed',
  disputed: 'dispute',
  open: 'resume',
};

export type StreamAction = 'start' | 'restart' | 'stop' | 'thankYou';

/** What one record asks for (pure, exported for tests). */
export const actionsFor = (eventName: DynamoDBRecord['eventName'], oldI: InvoiceImage | undefined, newI: InvoiceImage | undefined): StreamAction[] => {
  if (!newI) return [];
  if (eventName === 'INSERT') return chaseable(newI) ? ['start'] : [];
  if (eventName !== 'MODIFY' || !oldI) return [];
  const actions: StreamAction[] = [];
  if (newI.revision > oldI.revision || newI.run > oldI.run) actions.push(chaseable(newI) ? 'restart' : 'stop');
  if (newI.status === 'paid' && oldI.status !== 'paid') actions.push('stop', 'thankYou');
  return [...new Set(actions)];
};

const startFor = async (i: InvoiceImage) => {
  const out = await deps.workflow().start(nameOf(i), { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run });
  if (!out.alreadyStarted) count('ExecutionsStarted');
  logger.info('execution started', { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run, alreadyStarted: out.alreadyStarted });
};

const thankYou = async (oldI: InvoiceImage, newI: InvoiceImage) => {
  const c = await loadCase(newI.tenantId, newI.invoiceId);
  if (!c || c.view.invoice.status !== 'paid') return;
  const now = clock.now();
  const paid = newI.amountPaid - oldI.amountPaid;
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
  for (const action of actionsFor(record.eventName, oldI, newI)) {
    switch (action) {
      case 'start':
        await startFor(newI!);
        break;
      case 'restart': {
        const cause =
          newI!.revision > oldI!.revision ? `superseded by revision ${newI!.revision}` : `restarted: ${RESTART_CAUSE[newI!.status] ?? newI!.status}`;
        await deps.workflow().stop(nameOf(oldI!), cause);
        await startFor(newI!);
        break;
      }
      case 'stop': {
        const paidNow = newI!.status === 'paid' && oldI!.status !== 'paid';
        const cause = paidNow ? 'paid' : newI!.revision > oldI!.revision ? `superseded by revision ${newI!.revision}` : `no longer chased: ${newI!.status}`;
        await deps.workflow().stop(nameOf(oldI!), cause);
        if (nameOf(newI!) !== nameOf(oldI!)) await deps.workflow().stop(nameOf(newI!), cause);
        break;
      }
      case 'thankYou':
        await thankYou(oldI!, newI!);
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
