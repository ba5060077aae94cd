/**
 * S3 ObjectCreated on the documents bucket (prefixes invoices/, customers/, config/):
 * - invoices/…  CSV, JSON, NDJSON, FatturaPA or UBL -> invoices in DynamoDB (the table stream starts them);
 * - customers/… CSV or JSON -> the customer directory;
 * - config/tenant.json -> the tenant record; config/csv-mapping.json -> checked (read at each CSV).
 * The object is streamed, never altered or deleted. Rejected records (or a rejected file) are
 * reported in `rejected/<key>.errors.json` and counted in the RecordsRejected metric. S3 delivers
 * at least once: every write is idempotent (adapters/dynamo-ingest.ts), so a duplicate event is harmless.
 * Config: TENANT_ID, TABLE_NAME; S3_FORCE_PATH_STYLE and the SDK's AWS_ENDPOINT_URL_S3 locally.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { Tenant } from '../domain/model.js';
import { customerDefaults, type CustomerDefaults } from '../domain/ingest/rules.js';
import { readDocument } from '../domain/parsers/bytes.js';
import { CsvMappingConfig } from '../domain/parsers/columns.js';
import { readCustomerFile, readInvoiceFile, type SourceFile } from '../domain/parsers/read-file.js';
import { FileRejected, LIMITS, type Parsed, type Rejection } from '../domain/parsers/types.js';
import type { CustomerBatchOutcome, CustomerDirectory, InvoiceBatchOutcome, InvoiceIngest } from '../app/ports/ingest.js';
import type { TenantRepository } from '../app/ports/tenants.js';
import { tableName } from '../adapters/dynamo/client.js';
import { S3Blobs } from '../adapters/s3-blobs.js';
import { clock } from '../adapters/clock.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

const S3Event = z.object({
  Records: z.array(
    z.object({
      eventName: z.string(),
      s3: z.object({
        bucket: z.object({ name: z.string().check(z.minLength(1)) }),
        object: z.object({
          key: z.string().check(z.minLength(1)),
          size: z.optional(z.number()),
          eTag: z.optional(z.string()),
          // A hex string in AWS; s3rver sends a number.
          sequencer: z.optional(z.union([z.string(), z.number()])),
        }),
      }),
    }),
  ),
});
type S3Event = z.infer<typeof S3Event>;

export const MAPPING_KEY = 'config/csv-mapping.json';
export const TENANT_KEY = 'config/tenant.json';
/** Records written per batch; batches overlap with parsing, two at a time. */
const BATCH = 500;
const BATCHES_IN_FLIGHT = 2;
/** Left for writing the report when a huge file meets the Lambda's time limit. */
const TIME_RESERVE_MS = 20_000;

let s3: S3Client | undefined;
const s3Client = () => (s3 ??= new S3Client({ forcePathStyle: process.env.S3_FORCE_PATH_STYLE === 'true', maxAttempts: 4 }));

/** S3 event keys are URL-encoded, spaces as '+'. */
export const decodeKey = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

export const reportKey = (key: string): string => `rejected/${key}.errors.json`;

const tenantId = (): string => {
  const t = process.env.TENANT_ID;
  if (!t) throw new Error('TENANT_ID is not set');
  return t;
};

/** The object's bytes as a stream (undefined when it is gone: a delete raced the event). */
const openObject = async (bucket: string, key: string): Promise<SourceFile | undefined> => {
  try {
    const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!out.Body) return undefined;
    return { key, size: out.ContentLength, body: out.Body as AsyncIterable<Uint8Array> };
  } catch (err) {
    if (err instanceof NoSuchKey || (err as Error).name === 'NoSuchKey') return undefined;
    throw err;
  }
};

export class Report {
  readonly errors: Rejection[] = [];
  total = 0;
  add(...rs: Rejection[]) {
    for (const r of rs) {
      this.total++;
      if (this.errors.length < LIMITS.maxReportedErrors) this.errors.push(r);
    }
  }
  fileError(err: FileRejected) {
    this.add({ ...err.at, field: err.at.field ?? 'file', reason: err.reason });
  }
}

export interface IngestSummary {
  key: string;
  kind: 'invoices' | 'customers' | 'tenant' | 'mapping' | 'ignored';
  records: number;
  rejected: number;
  fileRejected: boolean;
  invoices?: Omit<InvoiceBatchOutcome, 'rejections'>;
  customers?: Omit<CustomerBatchOutcome, 'rejections'>;
}

const readMapping = async (bucket: string): Promise<CsvMappingConfig | undefined> => {
  const file = await openObject(bucket, MAPPING_KEY);
  if (!file) return undefined;
  const parsed = z.safeParse(CsvMappingConfig, safeJson(await readDocument(file.body, 1024 * 1024)));
  if (!parsed.success) throw new FileRejected(`${MAPPING_KEY} is not valid (${z.prettifyError(parsed.error).slice(0, 300)}): fix it, then upload this file again`);
  return parsed.data;
};

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FileRejected(`not valid JSON (${(err as Error).message.slice(0, 160)})`);
  }
};

/**
 * Records in batches, written while the next batch is parsed (two in flight at most, so memory
 * stays flat whatever the file's size).
 */
const pump = async <T>(
  records: AsyncIterable<Parsed<T>>,
  report: Report,
  write: (batch: T[]) => Promise<Rejection[]>,
  deadline: () => boolean,
): Promise<{ records: number; stoppedAt?: number }> => {
  let batch: T[] = [];
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = async () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    const p = write(b).then((rs) => report.add(...rs));
    const tracked = p.finally(() => inFlight.delete(tracked));
    tracked.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled meanwhile
    inFlight.add(tracked);
    if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
  };
  try {
    for await (const r of records) {
      n++;
      if (r.ok) batch.push(r.value);
      else report.add(...r.rejections);
      if (batch.length >= BATCH) {
        await flush();
        if (deadline()) return { records: n, stoppedAt: n };
      }
    }
    await flush();
  } finally {
    await Promise.all(inFlight);
  }
  return { records: n };
};

const emptyInvoiceOutcome = (): Omit<InvoiceBatchOutcome, 'rejections'> => ({
  created: 0,
  unchanged: 0,
  superseded: 0,
  amended: 0,
  notChased: 0,
  needsContact: 0,
  customersCreated: 0,
});

const add = <T extends Record<string, number>>(into: T, from: T) => {
  for (const k of Object.keys(into) as (keyof T)[]) (into[k] as number) += from[k] as number;
};

const defaultsFor = async (store: TenantRepository, t: string): Promise<CustomerDefaults> => customerDefaults(await store.getTenant(t));

export const kindOf = (key: string): IngestSummary['kind'] =>
  key.startsWith('invoices/')
    ? 'invoices'
    : key.startsWith('customers/')
      ? 'customers'
      : key === TENANT_KEY
        ? 'tenant'
        : key === MAPPING_KEY
          ? 'mapping'
          : 'ignored';

export interface IngestFileOptions {
  tenantId: string;
  /** The CSV header mapping, read only when the file needs it. */
  mapping?: () => Promise<CsvMappingConfig | undefined>;
  /** True when the Lambda must stop taking new batches. */
  deadline?: () => boolean;
  tenants?: TenantRepository;
  /** Writers for this file alone (deps.invoiceWriter(), deps.customerDirectory() when absent). */
  invoiceWriter?: InvoiceIngest;
  customerDirectory?: CustomerDirectory;
}

/**
 * Reads one file and writes what it holds; the rejections come back in the report. No S3 here:
 * `ingestObject` brings the bytes, the benchmark a local file.
 */
export const ingestFile = async (file: SourceFile, opts: IngestFileOptions): Promise<{ summary: IngestSummary; report: Report }> => {
  const { key } = file;
  const t = opts.tenantId;
  const kind = kindOf(key);
  const report = new Report();
  const summary: IngestSummary = { key, kind, records: 0, rejected: 0, fileRejected: false };
  const deadline = opts.deadline ?? (() => false);
  const store = opts.tenants ?? deps.tenants();
  const mapping = opts.mapping ?? (async () => undefined);
  const ctx = { tenantId: t, now: clock.now(), sourceKey: key };
  try {
    switch (kind) {
      case 'ignored':
        break;
      case 'tenant': {
        summary.records = 1;
        const json = safeJson(await readDocument(file.body, 1024 * 1024));
        const parsed = z.safeParse(Tenant, { ...(json as object), tenantId: t });
        const given = (json as { tenantId?: unknown } | null)?.tenantId;
        if (given !== undefined && given !== t) {
          report.add({ field: 'tenantId', value: String(given), reason: `this deployment serves tenant "${t}"` });
        } else if (!parsed.success) {
          report.add(...parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'tenant', reason: i.message })));
        } else {
          await store.putTenant(parsed.data);
        }
        break;
      }
      case 'mapping': {
        summary.records = 1;
        const parsed = z.safeParse(CsvMappingConfig, safeJson(await readDocument(file.body, 1024 * 1024)));
        if (!parsed.success) report.add(...parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'mapping', reason: i.message })));
        break;
      }
      case 'invoices': {
        const csvMapping = key.toLowerCase().endsWith('.xml') ? undefined : await mapping();
        const defaults = await defaultsFor(store, t);
        const totals = emptyInvoiceOutcome();
        const writer = opts.invoiceWriter ?? deps.invoiceWriter();
        const out = await pump(
          readInvoiceFile(file, { mapping: csvMapping }),
          report,
          async (batch) => {
            const { rejections, ...counts } = await writer.ingestInvoices(batch, { ...ctx, defaults });
            add(totals, counts);
            return rejections;
          },
          deadline,
        );
        summary.records = out.records;
        summary.invoices = totals;
        if (out.stoppedAt !== undefined) stoppedEarly(report, out.stoppedAt);
        count('InvoicesCreated', totals.created);
        count('InvoicesSuperseded', totals.superseded);
        count('InvoicesNeedingContact', totals.needsContact);
        break;
      }
      case 'customers': {
        const csvMapping = await mapping();
        const defaults = await defaultsFor(store, t);
        const totals = { created: 0, updated: 0, unchanged: 0, activated: 0 };
        const directory = opts.customerDirectory ?? deps.customerDirectory();
        const out = await pump(
          readCustomerFile(file, { mapping: csvMapping }),
          report,
          async (batch) => {
            const { rejections, ...counts } = await directory.upsertCustomers(batch, { ...ctx, defaults });
            add(totals, counts);
            return rejections;
          },
          deadline,
        );
        summary.records = out.records;
        summary.customers = totals;
        if (out.stoppedAt !== undefined) stoppedEarly(report, out.stoppedAt);
        count('CustomersUpserted', totals.created + totals.updated);
        count('InvoicesActivated', totals.activated);
        break;
      }
    }
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    report.fileError(err);
    summary.fileRejected = true;
    count('FilesRejected');
  }
  summary.rejected = report.total;
  return { summary, report };
};

/** Ingests one object of the bucket and writes its rejection report next to it. */
export const ingestObject = async (bucket: string, key: string, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<IngestSummary> => {
  if (kindOf(key) === 'ignored') {
    logger.info('object ignored: not an ingest key', { key });
    return { key, kind: 'ignored', records: 0, rejected: 0, fileRejected: false };
  }
  const file = await openObject(bucket, key);
  if (!file) {
    logger.warn('object gone before it could be read', { key });
    return { key, kind: kindOf(key), records: 0, rejected: 0, fileRejected: false };
  }
  const { summary, report } = await ingestFile(file, {
    tenantId: tenantId(),
    mapping: () => readMapping(bucket),
    deadline: () => (context ? context.getRemainingTimeInMillis() < TIME_RESERVE_MS : false),
  });
  if (report.total > 0) {
    count('RecordsRejected', report.total);
    await new S3Blobs(bucket).put(
      reportKey(key),
      JSON.stringify(
        {
          file: key,
          errors: report.errors,
          ...(report.total > report.errors.length ? { errorsNotListed: report.total - report.errors.length } : {}),
        },
        null,
        2,
      ),
      'application/json',
    );
  }
  logger.info('ingested', { ...summary });
  return summary;
};

const stoppedEarly = (report: Report, at: number) =>
  report.add({
    field: 'file',
    reason: `the file is too large to finish within one Lambda run: stopped after record ${at} (the records before it are stored). Split the file and upload the rest.`,
  });

/** One PUT of one object: S3 gives every PUT a new sequencer, and a duplicate delivery the same one. */
interface ObjectVersion {
  bucket: string;
  key: string;
  eTag?: string;
  sequencer?: string;
}

const idempotencyConfig = new IdempotencyConfig({ expiresAfterSeconds: 24 * 3600 });
let ingestOnce: ((v: ObjectVersion) => Promise<IngestSummary>) | undefined;
let currentContext: Context | undefined;

/**
 * A duplicate delivery of an event already ingested returns the stored summary; one arriving while
 * the first is still running fails with IdempotencyAlreadyInProgressError, so Lambda retries it
 * later instead of two invocations writing the same file at once. A re-upload is a new PUT: it is ingested.
 */
const ingestVersion = (v: ObjectVersion): Promise<IngestSummary> => {
  ingestOnce ??= makeIdempotent((o: ObjectVersion) => ingestObject(o.bucket, o.key, currentContext), {
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: tableName(), keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
    config: idempotencyConfig,
    keyPrefix: 'ingest',
  });
  return ingestOnce(v);
};

export const run = async (event: unknown, context?: Context): Promise<IngestSummary[]> => {
  const parsed = z.safeParse(S3Event, event);
  if (!parsed.success) {
    logger.error('not an S3 event', { issues: parsed.error.issues.length });
    return [];
  }
  currentContext = context;
  if (context) idempotencyConfig.registerLambdaContext(context);
  const out: IngestSummary[] = [];
  for (const r of parsed.data.Records) {
    if (!r.eventName.startsWith('ObjectCreated')) continue;
    const { eTag, sequencer } = r.s3.object;
    out.push(await ingestVersion({ bucket: r.s3.bucket.name, key: decodeKey(r.s3.object.key), ...(eTag ? { eTag } : {}), ...(sequencer !== undefined ? { sequencer: String(sequencer) } : {}) }));
  }
  return out;
};

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
export type { S3Event };
