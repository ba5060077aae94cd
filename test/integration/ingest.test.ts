/**
 * The ingest Lambda end to end on local services: files PUT to s3rver, its ObjectCreated events
 * (the same notification format as AWS) handed to the production handler, writes landing in
 * DynamoDB Local. Nothing is mocked.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { S3Event } from 'aws-lambda';
import { useLocalTable } from '../support/dynamo.js';
import { startS3, S3_LOCAL_CREDENTIALS, type RunningS3 } from '../../local/services/s3.js';
import { localContext } from '../../local/lambda-context.js';
import { invoiceIdFor } from '../../lambdas/domain/ingest/rules.js';
import type { Customer, Invoice } from '../../lambdas/domain/model.js';
import { until } from '../support/until.js';
import { testObservability } from '../support/observability.js';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { clock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { DynamoSdiFiles } from '../../lambdas/adapters/dynamo-sdi-files.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { makeIngestHandler } from '../../lambdas/handlers/ingest.js';

const { tableName } = await useLocalTable();

const ROOT = join(import.meta.dirname, '../..');
const FIXTURES = join(ROOT, 'test/fixtures/ingest');
// Real e-invoices written by others, read in place from shared/ beside the checkout (CI has it there too).
const CONFORMANCE = join(ROOT, '..', 'shared', 'conformance');
const SEED = join(ROOT, 'local/seed');
const BUCKET = 'ingest-test';

let s3: RunningS3;
let s3Dir: string;
let client: S3Client;
const events: S3Event[] = [];
const pending: Promise<unknown>[] = [];
const uploaded = new Map<string, string>();

let store: DynamoRepositories;
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
let currentTenant = 'demo';
const observability = testObservability('ingest');
const fileDeps = (): IngestFileDeps => ({
  tenants: store.tenants,
  invoiceWriter: () => new DynamoInvoiceWriter(store),
  customerDirectory: () => new DynamoCustomerDirectory(store),
  now: () => clock.now(),
  count: observability.count,
  creditNotes: { commands: new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name }), bankCredits: store.bankCredits },
  sdi: { commands: new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name }), files: new DynamoSdiFiles({ doc: store.doc, name: store.name }) },
});
/** The production handler as the deployed function wires it, one per tenant (a deployment serves one). */
const handlers = new Map<string, ReturnType<typeof makeIngestHandler>>();
const handlerFor = (t: string) => {
  let h = handlers.get(t);
  if (!h) {
    h = makeIngestHandler({
      ...fileDeps(),
      ...observability,
      tenantId: t,
      documents: new S3Blobs(BUCKET, client),
      idempotencyStore: new DynamoDBPersistenceLayer({ tableName, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
    });
    handlers.set(t, h);
  }
  return h;
};
/** The event delivered to the current tenant's function. */
const deliver = (event: unknown) => handlerFor(currentTenant)(event, localContext('ingest'));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** PUTs a file, lets s3rver emit its event and waits for the handler to finish with it. */
const upload = async (key: string, body: Uint8Array | string): Promise<S3Event> => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  uploaded.set(key, sha(bytes));
  const before = events.length;
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes }));
  await until(() => events.length > before, { what: `s3rver's event for ${key}`, timeoutMs: 5000, intervalMs: 5 });
  await Promise.all(pending);
  return events[events.length - 1]!;
};
const uploadFile = (key: string, path: string) => upload(key, readFileSync(path));

const object = async (key: string): Promise<Buffer | undefined> => {
  try {
    const out = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch {
    return undefined;
  }
};
const report = async (key: string) => {
  const body = await object(`rejected/${key}.errors.json`);
  return body ? (JSON.parse(body.toString('utf8')) as { file: string; errors: { row?: number; element?: string; field: string; value?: string; reason: string }[] }) : undefined;
};

const tenant = (t: string) => {
  currentTenant = t;
};
const invoice = (t: string, customerId: string, number: string, instalment?: number, kind: 'invoice' | 'credit_note' = 'invoice') =>
  store.invoices.getInvoice(t, invoiceIdFor(t, customerId, number, kind, instalment));
const view = (t: string, customerId: string, number: string) => store.invoices.getInvoiceView(t, invoiceIdFor(t, customerId, number));

beforeAll(async () => {
  s3Dir = mkdtempSync(join(tmpdir(), 'sollecito-ingest-'));
  s3 = await startS3({
    directory: s3Dir,
    bucket: BUCKET,
    onObjectCreated: (event) => {
      events.push(event);
      pending.push(deliver(event));
    },
  });
  client = new S3Client({ forcePathStyle: true, endpoint: s3.endpoint, region: 'eu-south-1', credentials: S3_LOCAL_CREDENTIALS, maxAttempts: 4 });
  store = dynamoRepositories();
  tenant('demo');
});

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  rmSync(s3Dir, { recursive: true, force: true });
});

describe('the sample company (local/seed), as the local stack ingests it', () => {
  it('stores the tenant, the directory and every invoice of the four files, with no rejection', async () => {
    tenant('demo');
    await uploadFile('config/tenant.json', join(SEED, 'tenant.json'));
    expect((await store.tenants.getTenant('demo'))?.name).toBe('Officine Rossi S.r.l.');
    await uploadFile('customers/customers.json', join(SEED, 'customers.json'));
    expect((await store.customers.getCustomer('demo', 'C-THAMES'))?.phone).toBe('+447700900123');
    for (const f of readdirSync(join(SEED, 'invoices')).sort()) {
      await uploadFile(`invoices/${f}`, join(SEED, 'invoices', f));
      expect(await report(`invoices/${f}`), f).toBeUndefined();
    }
    const bianchi = await invoice('demo', 'C-BIANCHI', '2025/0412');
    expect(bianchi).toMatchObject({ status: 'open', needsContact: false, revision: 1, run: 0, amount: 1_248_000, currency: 'EUR', dueDate: '2026-01-20' });
    expect(await invoice('demo', 'C-CARPATHIA', '2025/0433')).toMatchObject({ currency: 'RON', amount: 890_000 });
    expect(await invoice('demo', 'C-BRIGHTON', 'BHG-2026-08')).toMatchObject({ currency: 'GBP', amount: 31_845 });
    // The SdI's delivery receipt beside its FatturaPA: the invoice is delivered, its copy is the file.
    expect(await invoice('demo', 'C-LOMBARDI', '2026/0043')).toMatchObject({
      documentKey: 'invoices/IT01234567890_00043.xml',
      run: 1,
      sdi: { file: 'IT01234567890_00043', id: '7300112233', delivered: { at: '2026-01-12T08:05:40.000Z', by: 'RC' } },
    });
  });

  it('the FatturaPA buyer nobody knew becomes a customer without a contact, its invoice open and waiting', async () => {
    const moretti = await store.customers.getCustomer('demo', 'IT05678901234');
    expect(moretti).toMatchObject({ name: 'Edilizia Moretti S.r.l.', vatId: 'IT05678901234', country: 'IT', language: 'it', timeZone: 'Europe/Rome' });
    expect(moretti?.email).toBeUndefined();
    expect(await invoice('demo', 'IT05678901234', '2026/0001')).toMatchObject({ status: 'open', needsContact: true, amount: 488_000, source: { format: 'fatturapa' } });
  });
});

describe('SdI notifications through the handler', () => {
  it('one that comes before its FatturaPA waits, said so next to it; the upload of the FatturaPA applies it and replaces that report', async () => {
    tenant('sdi-early');
    await upload('customers/directory.csv', 'customer id,name,vat,email\nC-LOMBARDI,Studio Tecnico Lombardi S.r.l.,IT06789012345,a@lombardi.example\n');
    const mc = readFileSync(join(SEED, 'invoices', 'IT01234567890_00043_RC_001.xml'), 'utf8')
      .replace(/RicevutaConsegna/g, 'NotificaMancataConsegna')
      .replace(/<DataOraConsegna>.*<\/DataOraConsegna>/, '');
    await upload('invoices/IT01234567890_00043_MC_001.xml', mc);
    expect(await report('invoices/IT01234567890_00043_MC_001.xml')).toMatchObject({ errors: [], notices: [expect.objectContaining({ field: 'NomeFile', reason: expect.stringMatching(/kept and applied when that file is uploaded/) })] });
    await uploadFile('invoices/IT01234567890_00043.xml', join(SEED, 'invoices', 'IT01234567890_00043.xml'));
    expect((await invoice('sdi-early', 'C-LOMBARDI', '2026/0043'))?.sdi).toEqual({ file: 'IT01234567890_00043', id: '7300112233', fiscalDrawer: { at: '2026-01-12T08:02:11.000Z' } });
    expect(await report('invoices/IT01234567890_00043_MC_001.xml')).toEqual({ file: 'invoices/IT01234567890_00043_MC_001.xml', errors: [] });
  });
});

describe('nothing twice', () => {
  it('a duplicate S3 event and a re-upload of the same file change nothing', async () => {
    tenant('demo');
    const before = await view('demo', 'C-BIANCHI', '2025/0412');
    const event = await uploadFile('invoices/2026-01-fatture-italia.csv', join(SEED, 'invoices', '2026-01-fatture-italia.csv'));
    await deliver(event);
    const after = await view('demo', 'C-BIANCHI', '2025/0412');
    expect(after?.invoice).toEqual(before?.invoice);
    expect(after?.events).toEqual([]);
  });

  it('deliveries of one event arriving while it is being ingested are turned back for a later retry', async () => {
    tenant('race');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'invoices/race.ndjson', Body: readFileSync(join(SEED, 'invoices', '2026-01-uk.ndjson')) }));
    uploaded.set('invoices/race.ndjson', sha(readFileSync(join(SEED, 'invoices', '2026-01-uk.ndjson'))));
    await Promise.all(pending);
    const event = events[events.length - 1]!;
    // The first delivery (from s3rver) is done; three more arrive at once, as after a redelivery storm.
    const results = await Promise.allSettled([deliver(event), deliver(event), deliver(event)]);
    for (const r of results) expect(r.status === 'fulfilled' || (r.reason as Error).name === 'IdempotencyAlreadyInProgressError').toBe(true);
    const fresh = { Records: [{ ...event.Records[0]!, s3: { ...event.Records[0]!.s3, object: { ...event.Records[0]!.s3.object, sequencer: 'race-new-put' } } }] };
    const concurrent = await Promise.allSettled([deliver(fresh), deliver(fresh)]);
    expect(concurrent.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((concurrent.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.name).toBe('IdempotencyAlreadyInProgressError');
    for (const [customerId, n] of [
      ['C-THAMES', 'TVE-2025-118'],
      ['C-BRIGHTON', 'BHG-2026-01'],
    ] as const) {
      const v = await view('race', customerId, n);
      expect(v?.invoice.revision, n).toBe(1);
      expect(v?.events, n).toEqual([]);
    }
  });

  it('a row repeating an invoice of the same file, even batches later, is rejected naming both rows; the first one stands', async () => {
    tenant('repeat');
    const rows = Array.from({ length: 1200 }, (_, i) => `R-${i},C-ALFA,2026-01-05,2026-02-04,10.00,EUR`);
    rows.push('R-3,C-ALFA,2026-01-05,2026-02-04,12.00,EUR', 'R-5,C-ALFA,2026-01-05,2026-02-04,10.00,EUR');
    await upload('invoices/repeat.csv', `Invoice number,Customer code,Date,Due date,Amount,Currency\n${rows.join('\n')}\n`);
    expect(await invoice('repeat', 'C-ALFA', 'R-3')).toMatchObject({ revision: 1, amount: 1000 });
    expect(await invoice('repeat', 'C-ALFA', 'R-5')).toMatchObject({ revision: 1, amount: 1000 });
    expect(await invoice('repeat', 'C-ALFA', 'R-1199')).toMatchObject({ revision: 1 });
    const r = await report('invoices/repeat.csv');
    expect(r?.errors).toEqual([
      expect.objectContaining({ row: 1202, field: 'number', value: 'R-3', reason: expect.stringContaining('row 5') }),
      expect.objectContaining({ row: 1203, field: 'number', value: 'R-5', reason: expect.stringContaining('row 7') }),
    ]);
  });

  it('the same invoice in another file is recognised as the same invoice', async () => {
    tenant('demo');
    const summary = await upload(
      'invoices/resent-by-email.csv',
      'Invoice number,Customer code,Invoice date,Due date,Amount,Currency\n2025/0412,C-BIANCHI,2025-12-21,2026-01-20,"12,480.00",EUR\n',
    );
    expect(summary.Records).toHaveLength(1);
    const v = await view('demo', 'C-BIANCHI', '2025/0412');
    expect(v?.invoice.revision).toBe(1);
    expect(v?.invoice.source?.key).toBe('invoices/2026-01-fatture-italia.csv');
    expect(v?.events).toEqual([]);
  });

  it('a corrected invoice supersedes the first: revision 2, the log keeps both', async () => {
    tenant('demo');
    await upload('invoices/correction.csv', 'Numero fattura;Codice cliente;Data fattura;Data scadenza;Importo;Valuta\n2025/0412;C-BIANCHI;21/12/2025;30/01/2026;12.000,00;EUR\n');
    const v = await view('demo', 'C-BIANCHI', '2025/0412');
    expect(v?.invoice).toMatchObject({ revision: 2, run: 0, amount: 1_200_000, dueDate: '2026-01-30', status: 'open', source: { key: 'invoices/correction.csv' } });
    const superseded = v?.events.find((e) => e.type === 'superseded');
    expect(superseded?.details).toMatchObject({ revision: 2, previous: { revision: 1, amount: 1_248_000, dueDate: '2026-01-20' } });
    expect(v?.events.map((e) => e.type)).toEqual(['superseded']);
    // The open-by-due index follows the new due date.
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const byCustomer = await store.doc.send(
      new QueryCommand({ TableName: store.name, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :p', ExpressionAttributeValues: { ':p': 'T#demo#CUST#C-BIANCHI' } }),
    );
    expect(byCustomer.Items?.find((i) => i.number === '2025/0412')?.gsi2sk).toMatch(/^INV#2026-01-30#/);
  });

  it('a paid invoice is never reopened by a re-upload; the difference is reported', async () => {
    tenant('demo');
    const paid = (await invoice('demo', 'C-VERDI', '2025/0398'))!;
    await store.invoices.putInvoice({ ...paid, status: 'paid', amountPaid: paid.amount });
    await upload('invoices/verdi-again.csv', 'Numero fattura;Codice cliente;Data fattura;Data scadenza;Importo;Valuta\n2025/0398;C-VERDI;16/12/2025;15/02/2026;2.150,00;EUR\n');
    expect(await invoice('demo', 'C-VERDI', '2025/0398')).toMatchObject({ status: 'paid', revision: 1, dueDate: '2026-01-15' });
    const r = await report('invoices/verdi-again.csv');
    expect(r?.errors).toEqual([expect.objectContaining({ row: 2, field: 'number', value: '2025/0398', reason: expect.stringMatching(/already paid: a re-upload never reopens it/) })]);
  });
});

describe('bad records and bad files', () => {
  it('a file with bad rows stores the good ones and reports the others next to the original', async () => {
    tenant('bad-rows');
    await uploadFile('invoices/bad-rows.csv', join(FIXTURES, 'invoices-bad-rows.csv'));
    expect(await invoice('bad-rows', 'C-ALFA', 'OK-1')).toMatchObject({ amount: 10_000 });
    expect(await invoice('bad-rows', 'C-BETA', 'OK-2')).toMatchObject({ amount: 20_000 });
    const r = await report('invoices/bad-rows.csv');
    expect(r?.file).toBe('invoices/bad-rows.csv');
    expect(r?.errors.map((e) => [e.row, e.field])).toEqual([
      [3, 'number'],
      [4, 'issueDate'],
      [5, 'amount'],
      [6, 'currency'],
      [7, 'dueDate'],
      [8, 'amount'],
      [9, 'row'],
    ]);
    expect(r?.errors.every((e) => e.reason.length > 5)).toBe(true);
  });

  it('malformed files are rejected whole, with the reason, and nothing is stored', async () => {
    tenant('malformed');
    for (const [key, file, reason] of [
      ['invoices/bomb.xml', 'xml-bomb.xml', /DOCTYPE or entities/],
      ['invoices/truncated.xml', 'truncated.xml', /truncated/],
      ['invoices/not-xml.xml', 'not-xml.xml', /not XML/],
      ['invoices/latin1.csv', 'latin1.csv', /not UTF-8/],
    ] as const) {
      await uploadFile(key, join(FIXTURES, file));
      expect((await report(key))?.errors, key).toEqual([expect.objectContaining({ field: expect.any(String), reason: expect.stringMatching(reason) })]);
    }
    await upload('invoices/signed.xml.p7m', Buffer.from([0x30, 0x80, 0x06, 0x09, 0x2a]));
    expect((await report('invoices/signed.xml.p7m'))?.errors[0]?.reason).toMatch(/^not a signed envelope \(\.p7m\)/);
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const stored = await store.doc.send(
      new QueryCommand({ TableName: store.name, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': 'T#malformed#OPEN#0' } }),
    );
    expect(stored.Items).toEqual([]);
  });

  it('a tenant record for another tenant, or an invalid mapping, is reported', async () => {
    tenant('demo');
    await upload('config/tenant.json', JSON.stringify({ ...JSON.parse(readFileSync(join(SEED, 'tenant.json'), 'utf8')), tenantId: 'other' }));
    expect((await report('config/tenant.json'))?.errors[0]).toMatchObject({ field: 'tenantId', value: 'other' });
    expect((await store.tenants.getTenant('demo'))?.tenantId).toBe('demo');
    await upload('config/csv-mapping.json', '{"invoices":{"decimalMark":";"}}');
    expect((await report('config/csv-mapping.json'))?.errors[0]?.field).toBe('invoices.decimalMark');
    await uploadFile('config/csv-mapping.json', join(FIXTURES, 'csv-mapping.json'));
  });

  it('a custom header mapping uploaded to config/ is used for the next CSV', async () => {
    tenant('mapped');
    await uploadFile('invoices/custom.csv', join(FIXTURES, 'invoices-custom-headers.csv'));
    expect(await report('invoices/custom.csv')).toBeUndefined();
    // "Pay By" is empty on A-78: the customer's terms (30 days) run from 2026-01-06.
    expect(await invoice('mapped', 'C-BETA', 'A-78')).toMatchObject({ amount: 25_000, currency: 'EUR', dueDate: '2026-02-05' });
  });
});

describe('needs contact, then activation', () => {
  it('invoices of an unknown customer code wait; the directory gives an address and they start (run + 1)', async () => {
    tenant('contacts');
    await uploadFile('invoices/contacts.csv', join(FIXTURES, 'invoices-it-bom.csv'));
    expect(await invoice('contacts', 'C-ALFA', '2026/0001')).toMatchObject({ status: 'open', needsContact: true, run: 0 });
    expect(await store.customers.getCustomer('contacts', 'C-ALFA')).toMatchObject({ name: 'C-ALFA', country: 'IT' });
    await uploadFile('customers/contacts.csv', join(FIXTURES, 'customers.csv'));
    expect(await store.customers.getCustomer('contacts', 'C-ALFA')).toMatchObject({ name: 'Alfa S.r.l.', email: 'amministrazione@alfa.example', paymentTermsDays: 60 });
    expect(await invoice('contacts', 'C-ALFA', '2026/0001')).toMatchObject({ needsContact: false, run: 1, revision: 1 });
    expect(await invoice('contacts', 'C-ALFA', '2026/0002')).toMatchObject({ needsContact: false, run: 1 });
    // C-BETA got a record but still no address: its invoice keeps waiting.
    expect(await invoice('contacts', 'C-BETA', '2026/0003')).toMatchObject({ needsContact: true, run: 0 });
    expect((await report('customers/contacts.csv'))?.errors.every((e) => e.row === 4)).toBe(true);
  });

  it('activateInvoicesNeedingContact (for the admin API) releases each waiting invoice once', async () => {
    tenant('contacts');
    const beta = (await store.customers.getCustomer('contacts', 'C-BETA'))!;
    await store.customers.putCustomer({ ...beta, email: 'ap@beta.example' });
    expect(await store.invoices.activateInvoicesNeedingContact('contacts', 'C-BETA')).toBe(1);
    expect(await store.invoices.activateInvoicesNeedingContact('contacts', 'C-BETA')).toBe(0);
    expect(await invoice('contacts', 'C-BETA', '2026/0003')).toMatchObject({ needsContact: false, run: 1 });
  });

  it('a directory VAT number already held by another customer is reported, not stolen', async () => {
    tenant('contacts');
    await upload('customers/dup-vat.json', JSON.stringify([{ customerId: 'C-GAMMA', name: 'Gamma', vatId: 'IT02345678901', email: 'g@gamma.example' }]));
    expect((await report('customers/dup-vat.json'))?.errors[0]).toMatchObject({ field: 'vatId', value: 'IT02345678901', reason: expect.stringMatching(/already belongs to customer C-ALFA/) });
    expect(await store.customers.getCustomer('contacts', 'C-GAMMA')).toBeUndefined();
  });

  it('an e-invoice for a customer known by VAT lands on that customer', async () => {
    tenant('contacts');
    await uploadFile('invoices/instalments.xml', join(FIXTURES, 'fatturapa-instalments.xml'));
    const parts = await Promise.all([1, 2, 3].map((i) => invoice('contacts', 'C-ALFA', '2026/0100', i)));
    expect(parts.map((p) => [p?.instalment?.index, p?.dueDate, p?.amount, p?.needsContact])).toEqual([
      [1, '2026-02-10', 122_000, false],
      [2, '2026-03-10', 122_000, false],
      [3, '2026-04-10', 122_000, false],
    ]);
    expect(new Set(parts.map((p) => p?.invoiceId)).size).toBe(3);
    await uploadFile('invoices/nc.xml', join(FIXTURES, 'fatturapa-credit-note.xml'));
    expect(await invoice('contacts', 'C-ALFA', 'NC-5', undefined, 'credit_note')).toMatchObject({ status: 'not_chased', notChasedReason: 'credit note (TD04): nothing to collect' });
  });
});

describe('a buyer an e-invoice names only by name', () => {
  it('lands on the one customer of that name, still waiting for a person to confirm; with two of that name, on a customer of its own', async () => {
    tenant('contacts');
    const ubl = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8');
    await upload('customers/harbour.json', JSON.stringify([{ customerId: 'C-HARBOUR', name: 'HARBOUR TOOLS LTD.', vatId: 'GB555000111', email: 'ap@harbour.example' }]));
    await upload('invoices/harbour-88.xml', ubl);
    expect(await invoice('contacts', 'C-HARBOUR', 'UK-2026-88')).toMatchObject({ customerId: 'C-HARBOUR', currency: 'GBP', amount: 48_000, needsContact: true });
    expect(await store.customers.getCustomer('contacts', 'name-harbour-tools-ltd')).toBeUndefined();

    // Another customer of the same name: which one it is is for a person.
    await upload('customers/harbour-2.json', JSON.stringify([{ customerId: 'C-HARBOUR-2', name: 'Harbour Tools Ltd', vatId: 'GB555000222', email: 'ap@harbour2.example' }]));
    await upload('invoices/harbour-89.xml', ubl.replace('<cbc:ID>UK-2026-88</cbc:ID>', '<cbc:ID>UK-2026-89</cbc:ID>'));
    expect(await invoice('contacts', 'name-harbour-tools-ltd', 'UK-2026-89')).toMatchObject({ needsContact: true });
    expect(await invoice('contacts', 'C-HARBOUR', 'UK-2026-89')).toBeUndefined();
  });

  it('follows a customer renamed through the admin API', async () => {
    const commands = new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name });
    await commands.onCustomer('contacts', 'C-HARBOUR-2', (c) => ({ customer: { ...c, name: 'Quayside Tools Ltd' }, events: [], becameReachable: false }));
    const ubl = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8');
    await upload('invoices/quayside-90.xml', ubl.replace('<cbc:ID>UK-2026-88</cbc:ID>', '<cbc:ID>UK-2026-90</cbc:ID>').replaceAll('Harbour Tools Ltd', 'QUAYSIDE TOOLS LTD'));
    expect(await invoice('contacts', 'C-HARBOUR-2', 'UK-2026-90')).toMatchObject({ customerId: 'C-HARBOUR-2', needsContact: true });
  });
});

describe('conformance samples (../shared/conformance, read in place) end up as their README says', () => {
  const ingestSample = async (dir: string, name: string): Promise<string> => {
    const t = `conf-${name.replace(/[^A-Za-z0-9]/g, '')}`;
    tenant(t);
    await uploadFile(`invoices/${dir}/${name}`, join(CONFORMANCE, dir, name));
    return t;
  };

  it('FPR01 and FPR02: one invoice each, open; the buyer known only by codice fiscale is created and waits for a contact', async () => {
    for (const [name, amount, buyer] of [
      ['IT01234567890_FPR01.xml', 610, 'DITTA BETA'],
      ['IT01234567890_FPR02.xml', 3050, 'BETA GAMMA'],
    ] as const) {
      const t = await ingestSample('fatturapa', name);
      expect(await invoice(t, '09876543210', '123')).toMatchObject({ status: 'open', needsContact: true, amount, dueDate: '2015-01-30' });
      const customer = await store.customers.getCustomer(t, '09876543210');
      expect(customer).toMatchObject({ name: buyer, fiscalCode: '09876543210', country: 'IT', language: 'it', timeZone: 'Europe/Rome' });
      expect(customer?.email).toBeUndefined();
    }
  });

  it('FPR03: two invoices from one file, two due dates', async () => {
    const t = await ingestSample('fatturapa', 'IT01234567890_FPR03.xml');
    expect(await invoice(t, '09876543210', '123')).toMatchObject({ dueDate: '2015-01-30', amount: 3295 });
    expect(await invoice(t, '09876543210', '456')).toMatchObject({ dueDate: '2015-01-28', amount: 244_000 });
  });

  it('missing_CedentePrestatore: rejected with a clear error, nothing stored', async () => {
    const t = await ingestSample('fatturapa', 'missing_CedentePrestatore.xml');
    expect((await report('invoices/fatturapa/missing_CedentePrestatore.xml'))?.errors).toEqual([
      expect.objectContaining({ element: 'FatturaElettronicaHeader/CedentePrestatore', reason: expect.stringMatching(/supplier block \(CedentePrestatore\) is missing/) }),
    ]);
    expect(await store.customers.getCustomer(t, '09876543210')).toBeUndefined();
  });

  it('base-example: chased; the buyer contact e-mail becomes the new customer address', async () => {
    const t = await ingestSample('ubl', 'base-example.xml');
    expect(await store.customers.getCustomer(t, 'SE4598375937')).toMatchObject({ email: 'lj@buyer.se', name: 'Buyer Official Name', country: 'SE', language: 'en', timeZone: 'Europe/Stockholm' });
    expect(await invoice(t, 'SE4598375937', 'Snippet1')).toMatchObject({ status: 'open', needsContact: false, amount: 165_625, dueDate: '2017-12-01' });
  });

  it('base-creditnote-correction and base-negative-inv-correction: stored, not chased, with the reason', async () => {
    const cn = await ingestSample('ubl', 'base-creditnote-correction.xml');
    expect(await invoice(cn, 'SE4598375937', 'Snippet1', undefined, 'credit_note')).toMatchObject({ status: 'not_chased', notChasedReason: 'credit note (CreditNote 381): nothing to collect' });
    const neg = await ingestSample('ubl', 'base-negative-inv-correction.xml');
    const inv = (await invoice(neg, 'SE4598375937', 'Correction1')) as Invoice;
    expect(inv).toMatchObject({ status: 'not_chased', amount: -165_625, notChasedReason: expect.stringMatching(/zero or negative/) });
  });

  it('vat-category-Z: chased; without DueDate the default 30 days run from the issue date', async () => {
    const t = await ingestSample('ubl', 'vat-category-Z.xml');
    expect(await invoice(t, '12345678', 'Vat-Z')).toMatchObject({ status: 'open', needsContact: true, currency: 'GBP', amount: 120_000, dueDate: '2018-09-29' });
  });

  it('Allowance-example: chased for the payable amount after allowances, charges and prepayment', async () => {
    const t = await ingestSample('ubl', 'Allowance-example.xml');
    expect(await invoice(t, 'SE4598375937', 'Snippet1')).toMatchObject({ status: 'open', amount: 612_500 });
  });
});

describe('one file at a time: bounded memory, nothing lost, nothing twice', () => {
  const ingestText = (t: string, key: string, text: string, over: Partial<IngestFileDeps> = {}) =>
    ingestFile({ ...fileDeps(), ...over }, { key, body: Readable.from([Buffer.from(text)]) }, { tenantId: t });
  const HEADER = 'Invoice number,Customer code,Date,Due date,Amount,Currency\n';

  it('the customer cache keeps only the most recently used entries, and remembers a tax id that matches nobody', async () => {
    const { CustomerCache } = await import('../../lambdas/adapters/customer-cache.js');
    const cache = new CustomerCache(2);
    const customer = (customerId: string) => ({ customerId }) as Customer;
    cache.set(customer('a'));
    cache.set(customer('b'));
    expect(cache.get('a')?.customerId).toBe('a'); // a is now the most recent
    cache.set(customer('c'));
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a')?.customerId, cache.get('c')?.customerId]).toEqual(['a', 'c']);
    cache.setTaxKey('IT:00000000000', null);
    expect(cache.taxKey('IT:00000000000')).toBeNull();
    expect(cache.taxKey('IT:11111111111')).toBeUndefined();
  });


  it('a file naming far more customers than the cache holds puts every invoice on its customer, each new customer created once', async () => {
    const ctx = { tenantId: 'lru', now: new Date(), sourceKey: 'customers/lru.json', defaults: { country: 'IT', timeZone: 'Europe/Rome' } };
    await new DynamoCustomerDirectory(store).upsertCustomers(
      Array.from({ length: 20 }, (_, i) => ({ customerId: `K-${i}`, fields: { name: `Known ${i}`, email: `ap@k${i}.example` } })),
      ctx,
    );
    // 600 rows (two batches, written at once) over 60 customers, 40 of them new, while the cache holds 3.
    const rows = Array.from({ length: 600 }, (_, i) => `M-${i},K-${i % 60},2026-01-05,2026-02-04,10.00,EUR`);
    const { summary, report } = await ingestText('lru', 'invoices/many-customers.csv', HEADER + rows.join('\n'), {
      invoiceWriter: () => new DynamoInvoiceWriter(store, { customerCacheSize: 3 }),
    });
    expect(report.errors).toEqual([]);
    expect(summary.invoices).toMatchObject({ created: 600, customersCreated: 40, needsContact: 400 });
    expect(await invoice('lru', 'K-7', 'M-547')).toMatchObject({ customerId: 'K-7', needsContact: false });
    expect(await invoice('lru', 'K-59', 'M-599')).toMatchObject({ customerId: 'K-59', needsContact: true });
  });

  it('the same new invoice heading two batches written at once: the repeat is rejected, the first row stands', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `P-${i},C-PAIR,2026-01-05,2026-02-04,10.00,EUR`);
    rows[500] = 'P-0,C-PAIR,2026-01-05,2026-02-04,12.00,EUR'; // the first row of the second batch of 500
    const { summary, report } = await ingestText('pair', 'invoices/pair.csv', HEADER + rows.join('\n'));
    expect(report.errors).toEqual([expect.objectContaining({ row: 502, field: 'number', reason: expect.stringContaining('row 2') })]);
    expect(summary.invoices).toMatchObject({ created: 999, superseded: 0 });
    const v = await view('pair', 'C-PAIR', 'P-0');
    expect(v?.invoice).toMatchObject({ revision: 1, amount: 1000 });
    expect(v?.events).toEqual([]);
  });
});

describe('the originals', () => {
  it('every uploaded object is still there, byte for byte', async () => {
    for (const [key, hash] of uploaded) {
      const body = await object(key);
      expect(body && sha(body), key).toBe(hash);
    }
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'invoices/bomb.xml' }));
    expect(head.ContentLength).toBeGreaterThan(0);
  });
});
