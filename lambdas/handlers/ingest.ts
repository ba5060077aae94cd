/**
 * S3 ObjectCreated on the documents bucket (prefixes invoices/, customers/, config/).
 * (adapter) --> use case --> domain: this S3 event --> app/ingest/ingest-document.ts -->
 * domain/ingest (keys, settings files, the rejection report) and domain/parsers.
 * S3 delivers at least once: every write is idempotent (adapters/dynamo-invoice-writer.ts), and a
 * duplicate delivery of one PUT is answered from its Powertools idempotency record.
 * The object is read from the bucket the Blobs adapter is configured with (BUCKET_NAME): the
 * function is notified by that bucket alone (infra/constructs/ingest.ts), so the event's bucket
 * name only tells PUTs apart.
 * Config: TENANT_ID, TABLE_NAME, BUCKET_NAME; S3_FORCE_PATH_STYLE and the SDK's AWS_ENDPOINT_URL_S3 locally.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { decodeKey } from '../domain/ingest/document-keys.js';
import { ingestDocument, type IngestDocumentDeps } from '../app/ingest/ingest-document.js';
import type { IngestSummary } from '../app/ingest/ingest-file.js';
import { clock } from '../adapters/clock.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { idempotencyStore } from './lib/idempotency-store.js';
import { requiredEnv } from './lib/env.js';
import { S3Event } from './lib/s3-event.js';
import { count, logger, metrics } from './lib/powertools.js';


export interface IngestDeps extends IngestDocumentDeps {
  tenantId: string;
  idempotencyStore: BasePersistenceLayer;
  logger: Logger;
  metrics: Metrics;
}

/** One PUT of one object: S3 gives every PUT a new sequencer, and a duplicate delivery the same one. */
interface ObjectVersion {
  bucket: string;
  key: string;
  eTag?: string;
  sequencer?: string;
  /** The version this PUT created (versioned bucket): the one read, whatever was uploaded since. */
  versionId?: string;
}

const versionOf = (r: S3Event['Records'][number]): ObjectVersion => {
  const { eTag, sequencer, versionId } = r.s3.object;
  return {
    bucket: r.s3.bucket.name,
    key: decodeKey(r.s3.object.key),
    ...(eTag ? { eTag } : {}),
    ...(sequencer !== undefined ? { sequencer: String(sequencer) } : {}),
    ...(versionId ? { versionId } : {}),
  };
};

/** The Lambda handler over any dependencies: tests pass theirs, the deployed function those of its environment. */
export const makeIngestHandler = (d: IngestDeps) => {
  const idempotencyConfig = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
  /**
   * A duplicate delivery of an event already ingested returns the stored summary; one arriving while
   * the first is still running fails with IdempotencyAlreadyInProgressError, so Lambda retries it
   * later instead of two invocations writing the same file at once. A re-upload is a new PUT: it is ingested.
   */
  const ingestVersion = makeIdempotent(
    (v: ObjectVersion, remainingTimeMs?: () => number): Promise<IngestSummary> =>
      ingestDocument(d, { tenantId: d.tenantId, key: v.key, ...(v.versionId ? { versionId: v.versionId } : {}), ...(remainingTimeMs ? { remainingTimeMs } : {}) }),
    { persistenceStore: d.idempotencyStore, config: idempotencyConfig, keyPrefix: 'ingest', dataIndexArgument: 0 },
  );

  const run = async (event: unknown, context?: Context): Promise<IngestSummary[]> => {
    const parsed = z.safeParse(S3Event, event);
    if (!parsed.success) {
      d.logger.error('not an S3 event', { issues: parsed.error.issues.length });
      return [];
    }
    if (context) idempotencyConfig.registerLambdaContext(context);
    const remaining = context ? () => context.getRemainingTimeInMillis() : undefined;
    const out: IngestSummary[] = [];
    for (const r of parsed.data.Records) {
      if (r.eventName.startsWith('ObjectCreated')) out.push(await ingestVersion(versionOf(r), remaining));
    }
    return out;
  };
  return middy(run).use(injectLambdaContext(d.logger)).use(logMetrics(d.metrics));
};

const fromEnvironment = (): IngestDeps => ({
  tenantId: requiredEnv('TENANT_ID'),
  tenants: deps.tenants(),
  invoiceWriter: deps.invoiceWriter,
  customerDirectory: deps.customerDirectory,
  documents: deps.blobs(),
  // Credit notes net off their invoices; the table stream re-plans or stops their executions.
  creditNotes: { commands: deps.commandsWithoutWorkflow(), bankCredits: deps.bankCredits(), customerCreditOffer: { tasks: deps.tasks(), invoices: deps.invoices() } },
  // SdI notifications under invoices/ change their invoices the same way (app/sdi/record-sdi-receipt.ts).
  sdi: { commands: deps.commandsWithoutWorkflow(), files: deps.sdiFiles() },
  // config/policies.json; a changed policy or default re-plans open invoices through the stream.
  policies: { policies: deps.policies(), restarts: deps.timelineRestarts() },
  // The company's wording (config/templates/…), kept once checked.
  wording: deps.wording(),
  idempotencyStore: idempotencyStore(),
  now: () => clock.now(),
  logger,
  metrics,
  count,
});

export const handler = builtOnFirstCall(() => makeIngestHandler(fromEnvironment()));
export type { S3Event };
