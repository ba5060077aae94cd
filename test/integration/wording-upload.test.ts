/**
 * The company's wording uploaded to config/templates/<kind>.<tone>.json on local services: the file
 * PUT to s3rver, its event handed to the production ingest handler, accepted overrides landing in
 * DynamoDB Local, a refused file's every reason in rejected/<key>.errors.json and nothing kept changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { testObservability } from '../support/observability.js';
import { until } from '../support/until.js';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { localContext } from '../../local/lambda-context.js';
import { clock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { makeIngestHandler } from '../../lambdas/handlers/ingest.js';

const { tableName } = await useLocalTable();
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
const T = 'wording-upload';
const BUCKET = 'wording-upload';
const store = dynamoRepositories();

let s3: RunningS3;
let s3Dir: string;
let client: S3Client;
const events: S3Event[] = [];
const pending: Promise<unknown>[] = [];
let handler: ReturnType<typeof makeIngestHandler>;

const upload = async (key: string, body: unknown) => {
  const before = events.length;
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: typeof body === 'string' ? body : JSON.stringify(body) }));
  await until(() => events.length > before, { what: `s3rver's event for ${key}`, timeoutMs: 5000, intervalMs: 5 });
  await Promise.all(pending);
};
const report = async (key: string) => {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: `rejected/${key}.errors.json` }));
    return JSON.parse(await out.Body!.transformToString()) as { errors: { field: string; value?: string; reason: string }[] };
  } catch {
    return undefined;
  }
};

const en = {
  subject: 'Invoice {{invoiceNumber}}: {{amountDue}} by {{dueDate}}',
  body: ['Invoice {{invoiceNumber}} of {{issueDate}} for {{amountDue}} is due on {{dueDate}}.', 'Pay to {{iban}}, reference {{paymentReference}}.'],
  sms: '{{supplierShort}}: {{invoiceShort}}, {{amountDue}}, due {{dueDateShort}}.',
};
const it_ = { ...en, subject: 'Fattura {{invoiceNumber}}: {{amountDue}} entro il {{dueDate}}' };

beforeAll(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'sollecito-wording-'));
  s3 = await startS3({
    directory: s3Dir,
    bucket: BUCKET,
    onObjectCreated: (event) => {
      events.push(event);
      pending.push(handler(event, localContext('ingest')));
    },
  });
  client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint, region: 'eu-south-1', credentials: S3_LOCAL_CREDENTIALS, maxAttempts: 4 });
  const observability = testObservability('ingest');
  handler = makeIngestHandler({
    ...observability,
    tenantId: T,
    tenants: store.tenants,
    invoiceWriter: () => new DynamoInvoiceWriter(store),
    customerDirectory: () => new DynamoCustomerDirectory(store),
    now: () => clock.now(),
    creditNotes: { commands: new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name }), bankCredits: store.bankCredits },
    wording: store.wording,
    documents: new S3Blobs(BUCKET, client),
    idempotencyStore: new DynamoDBPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
  });
  await store.tenants.putTenant(supplier(T));
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  rmSync(s3Dir, { recursive: true, force: true });
});

describe('config/templates/<kind>.<tone>.json', () => {
  it('keeps every language of an accepted file, marked as uploaded', async () => {
    await upload('config/templates/firstOverdue.firm.json', { en, it: it_ });
    const kept = await store.wording.list(T);
    expect(kept.map((w) => `${w.kind}.${w.tone}.${w.language}`).sort()).toEqual(['firstOverdue.firm.en', 'firstOverdue.firm.it']);
    expect(kept[0]!.updatedBy).toBe('upload:config/templates/firstOverdue.firm.json');
    expect(await report('config/templates/firstOverdue.firm.json')).toBeUndefined();
  });

  it('refuses a file with a missing IBAN placeholder, an unknown placeholder and unescaped tags and markup (the subject still names the amount), every reason in the report, and changes nothing', async () => {
    const before = await store.wording.list(T);
    await upload('config/templates/firstOverdue.firm.json', {
      en: { ...en, body: ['Invoice {{invoiceNumber}} of {{issueDate}} for {{{amountDue}}} is due on {{dueDate}}.', 'Reference {{paymentReference}}, <i>{{vatNumber}}</i>.'] },
      it: it_,
    });
    expect((await report('config/templates/firstOverdue.firm.json'))!.errors).toEqual([
      { field: 'en.body.0', reason: expect.stringMatching(/would not be escaped/) },
      { field: 'en.body.1', reason: expect.stringMatching(/markup/) },
      { field: 'en.body.1', reason: 'unknown placeholder {{vatNumber}}' },
      { field: 'en.body', reason: expect.stringMatching(/IBAN is missing/) },
    ]);
    expect(await store.wording.list(T)).toEqual(before);
  });

  it('refuses a file whose name is not <kind>.<tone>.json, or names no kind of message', async () => {
    await upload('config/templates/firstOverdue.json', { en });
    expect((await report('config/templates/firstOverdue.json'))!.errors).toEqual([expect.objectContaining({ field: 'file', reason: expect.stringMatching(/<kind>\.<tone>\.json/) })]);
    await upload('config/templates/phoneCall.firm.json', { en });
    expect((await report('config/templates/phoneCall.firm.json'))!.errors).toEqual([expect.objectContaining({ field: 'file', reason: expect.stringMatching(/^the kind in the file name/) })]);
    expect((await store.wording.list(T)).map((w) => w.kind)).not.toContain('phoneCall');
  });
});
