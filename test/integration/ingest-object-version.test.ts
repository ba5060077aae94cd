/**
 * Ingest reads the object version its S3 event announced (issue 20), not whatever the key holds
 * by the time the event is handled: upload v1, upload v2, handle v1's event → v1's invoices.
 *
 * s3rver keeps no versions (PutBucketVersioning answers NotImplemented, a GET ignores versionId:
 * the first test shows it), so the version itself is played by aws-sdk-client-mock on the S3
 * client alone, answering GetObject per VersionId as a versioned bucket does; the production
 * handler, the S3Blobs adapter and DynamoDB Local do the rest. The unversioned path (s3rver's
 * events carry no versionId) is the one test/integration/ingest.test.ts walks end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetObjectCommand, NoSuchKey, PutBucketVersioningCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { localContext } from '../../local/lambda-context.js';
import { clock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { invoiceIdFor } from '../../lambdas/domain/ingest/rules.js';
import { makeIngestHandler } from '../../lambdas/handlers/ingest.js';

const { tableName } = await useLocalTable();
const BUCKET = 'versioned-documents';
const KEY = 'invoices/resent.csv';
const HEADER = 'Invoice number,Customer code,Invoice date,Due date,Amount,Currency';
const V1 = `${HEADER}\nVER-1,C-VER,2026-01-05,2026-02-04,100.00,EUR\n`;
const V2 = `${HEADER}\nVER-1,C-VER,2026-01-05,2026-02-04,999.00,EUR\nVER-2,C-VER,2026-01-05,2026-02-04,5.00,EUR\n`;

let store: DynamoRepositories;
const observability = testObservability('ingest-version');

const handlerOver = (client: S3Client, tenantId: string) =>
  makeIngestHandler({
    tenants: store.tenants,
    invoiceWriter: () => new DynamoInvoiceWriter(store),
    customerDirectory: () => new DynamoCustomerDirectory(store),
    now: () => clock.now(),
    creditNotes: { commands: new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name }), bankCredits: store.bankCredits },
    ...observability,
    tenantId,
    documents: new S3Blobs(BUCKET, client),
    idempotencyStore: new DynamoDBPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
  });

/** An ObjectCreated:Put record as S3 sends it for a versioned bucket (versionId absent: unversioned). */
const putEvent = (sequencer: string, versionId?: string) => ({
  Records: [
    {
      eventName: 'ObjectCreated:Put',
      s3: { bucket: { name: BUCKET }, object: { key: KEY, size: 1, eTag: `etag-${sequencer}`, sequencer, ...(versionId ? { versionId } : {}) } },
    },
  ],
});

const invoice = (tenantId: string, number: string) => store.invoices.getInvoice(tenantId, invoiceIdFor(tenantId, 'C-VER', number));

beforeAll(() => {
  store = dynamoRepositories();
});

describe('s3rver, the local bucket', () => {
  let s3: RunningS3;
  let dir: string;
  let client: S3Client;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sollecito-version-'));
    s3 = await startS3({ directory: dir, bucket: BUCKET, onObjectCreated: () => undefined });
    client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint, region: 'eu-south-1', credentials: S3_LOCAL_CREDENTIALS, maxAttempts: 1 });
  });
  afterAll(async () => {
    client?.destroy();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps no versions: versioning cannot be turned on and a PUT names no version, so the version is played by a mock below', async () => {
    // s3rver 3.7 takes PutBucketVersioning for a bucket creation (BucketAlreadyExists).
    await expect(client.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }))).rejects.toThrow();
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: V1 }));
    expect(put.VersionId).toBeUndefined();
  });
});

describe('a versioned bucket (GetObject per VersionId)', () => {
  // This one client only: the s3rver client above stays real.
  const client = new S3Client({ region: 'eu-south-1', credentials: S3_LOCAL_CREDENTIALS });
  const s3 = mockClient(client);
  const body = (text: string) => ({ Body: Readable.from([Buffer.from(text)]) as never, ContentLength: Buffer.byteLength(text) });
  const noKey = () => new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } });
  afterEach(() => s3.reset());
  const versioned = () => {
    // v2 is the latest; v1 is still there under its version id; there is no CSV mapping.
    s3.on(GetObjectCommand).rejects(noKey());
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY }).resolves(body(V2));
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY, VersionId: 'v1' }).resolves(body(V1));
    s3.on(PutObjectCommand).resolves({});
  };

  it("v1's event, handled after v2 was uploaded, ingests v1's content", async () => {
    versioned();
    const [summary] = await handlerOver(client, 'versions')(putEvent('0001', 'v1'), localContext('ingest'));
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: BUCKET, Key: KEY, VersionId: 'v1' });
    expect(summary).toMatchObject({ key: KEY, records: 1, rejected: 0 });
    expect(await invoice('versions', 'VER-1')).toMatchObject({ amount: 10_000, revision: 1 });
    expect(await invoice('versions', 'VER-2')).toBeUndefined();

    // v2's own event then reads v2: its correction supersedes, its new invoice is created.
    const [second] = await handlerOver(client, 'versions')(putEvent('0002', 'v2'), localContext('ingest'));
    expect(second).toMatchObject({ records: 2, invoices: expect.objectContaining({ superseded: 1, created: 1 }) });
    expect(await invoice('versions', 'VER-1')).toMatchObject({ amount: 99_900, revision: 2 });
  });

  it('an event without a versionId (an unversioned bucket, s3rver) reads the key as it is, with no VersionId', async () => {
    versioned();
    await handlerOver(client, 'unversioned')(putEvent('0003'), localContext('ingest'));
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input);
    expect(gets.filter((g) => g.Key === KEY)).toEqual([{ Bucket: BUCKET, Key: KEY }]);
    expect(await invoice('unversioned', 'VER-1')).toMatchObject({ amount: 99_900 });
  });

  it('a version deleted before its event is handled is gone like a deleted key: nothing ingested, nothing thrown', async () => {
    s3.on(GetObjectCommand).rejects(noKey());
    s3.on(GetObjectCommand, { Bucket: BUCKET, Key: KEY, VersionId: 'deleted' }).rejects(
      new S3ServiceException({ name: 'NoSuchVersion', $fault: 'client', message: 'The specified version does not exist.', $metadata: { httpStatusCode: 404 } }),
    );
    const [summary] = await handlerOver(client, 'gone')(putEvent('0004', 'deleted'), localContext('ingest'));
    expect(summary).toMatchObject({ key: KEY, records: 0, rejected: 0, fileRejected: false });
    expect(await invoice('gone', 'VER-1')).toBeUndefined();
  });
});
