/**
 * The collection dossier, off the hot paths: a second consumer of the table's stream that the event
 * filter (infra/constructs/dossier.ts) only wakes for invoices that are escalated, whether by the
 * timeline's EscalateToAgency or by the finance team. The PDF library lives in this function alone:
 * the stream consumer and the timeline's tasks, which run far more often, do not load it.
 * (adapter) --> use case app/dossier/hand-over-dossier.ts --> domain/reports/dossier.ts
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { clock } from '../adapters/clock.js';
import { envDossierLinks } from '../adapters/dossier-links.js';
import { invoiceChangeOf } from '../adapters/dynamo/stream-images.js';
import { becameEscalated } from '../domain/timeline/invoice-reactions.js';
import { handOverDossier, type DossierDeps } from '../app/dossier/hand-over-dossier.js';
import type { DomainEvents } from '../app/ports/domain-events.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import { caseDeps, observability } from './lib/compose.js';
import { processStreamBatch } from './lib/stream-batch.js';
import * as deps from './lib/deps.js';
import { logger, metrics } from './lib/powertools.js';

export interface Escalation {
  tenantId: string;
  invoiceId: string;
  revision: number;
  run: number;
}

/** The invoice a record shows becoming escalated; undefined for any other change. */
export const escalationIn = (record: DynamoDBRecord): Escalation | undefined => {
  const change = invoiceChangeOf(record);
  if (typeof change === 'string' || !change.after || !becameEscalated(change.before, change.after)) return undefined;
  const { tenantId, invoiceId, revision, run } = change.after;
  return { tenantId, invoiceId, revision, run };
};

/** Time kept back before the function's timeout: one dossier (PDF, S3, SES with their retries) fits in it. */
export const DOSSIER_TIME_RESERVE_MS = 20_000;

type DossierHandlerDeps = DossierDeps & { events: DomainEvents };
type Run = (event: DynamoDBStreamEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<DynamoDBBatchResponse>;

const handOver = async (d: DossierHandlerDeps, record: DynamoDBRecord): Promise<void> => {
  const escalation = escalationIn(record);
  if (!escalation) return;
  const out = await handOverDossier(d, escalation);
  if (out.delivery !== 'skipped') {
    await d.events.publish('DossierHandedOver', { tenantId: escalation.tenantId, invoiceId: escalation.invoiceId, key: out.key, delivery: out.delivery });
  }
  logger.info('dossier', { tenantId: escalation.tenantId, invoiceId: escalation.invoiceId, delivery: out.delivery });
};

export const makeDossierRun =
  (d: DossierHandlerDeps): Run =>
  (event, context) =>
  processStreamBatch(event, (record) => handOver(d, record), {
    context,
    reserveMs: DOSSIER_TIME_RESERVE_MS,
    // The error's name only: a provider's message can quote the agency's address.
    onFailure: (record, err) => logger.error('dossier hand-over failed', { ...escalationIn(record), error: err.name }),
    onOutOfTime: (records) => logger.warn('dossier batch handed back for lack of time', { records }),
  });

const fromEnvironment = (): DossierHandlerDeps => ({
  ...caseDeps(),
  ...observability(),
  blobs: deps.blobs(),
  dossierLinks: envDossierLinks,
  mailer: deps.mailer(),
  sender: deps.sender,
  sendGuard: deps.sendGuard(),
  events: deps.events(),
  digests: deps.digests(),
  workflow: deps.workflow(),
  clock,
});

/** The deployed batch loop, built from the environment on its first batch. */
export const run: Run = builtOnFirstCall(() => makeDossierRun(fromEnvironment()));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
