/**
 * One hand-off per customer and day, through the real EscalateToAgency handler and the dossier
 * hand-over against DynamoDB Local, s3rver, SES v2 local and the EventBridge sink: the invoices of
 * one customer whose hand-off falls on the same day become one notice to the customer, one
 * InvoiceEscalated, one case for the agency (one dossier holding them all, one e-mail).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { lambdaContext } from '../support/api-events.js';
import { envDossierLinks } from '../../lambdas/adapters/dossier-links.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { dossierKey, handOverDossier as handOverDossierUseCase } from '../../lambdas/app/dossier/hand-over-dossier.js';
import { makeEscalateHandler } from '../../lambdas/handlers/escalate.js';
import { S3_LOCAL_CREDENTIALS, startS3 } from '../../local/services/s3.js';
import { startSes } from '../../local/services/ses.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';

await useLocalTable();
const dir = mkdtempSync(join(tmpdir(), 'hand-off-s3-'));
const BUCKET = 'docs';
const s3 = await startS3({ directory: dir, bucket: BUCKET, onObjectCreated: () => undefined });
const ses = await startSes();
// 18 March 2026, 10:00 in Rome: 45 days after a 1 February due date (the standard hand-off).
const NOW = new Date('2026-03-18T09:00:00Z');
let now = NOW;
useClock({ now: () => now });
const sink = await startEventsSink(await freePort(), { now: () => now });
Object.assign(process.env, {
  AWS_ACCESS_KEY_ID: S3_LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3_LOCAL_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  BUCKET_NAME: BUCKET,
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: sink.endpoint,
  EVENT_BUS_NAME: 'test',
  SENDER_EMAIL: 'crediti@officinerossi.example',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
  // The agency's mail carries a signed dossier link for the digest that a second case would wait in.
  PUBLIC_BASE_URL: 'https://pay.officinerossi.example',
  LINK_SECRET: 'hand-off-test-link-secret-0123456789abcdef',
});
const deps = timelineDeps();
const escalate = makeEscalateHandler(deps);
const handOver = (invoiceId: string) => handOverDossierUseCase(Object.assign(deps, { dossierLinks: envDossierLinks }), { tenantId: T, invoiceId, revision: 1, run: 0 });

const T = 'acme-hand-off';
const AGENCY = 'pratiche@recuperoemilia.example';
const AP = 'ap@gamma.example';
const store = dynamoRepositories();

afterAll(async () => {
  useSystemClock();
  await Promise.all([ses.stop(), s3.stop(), sink.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const invoice = (id: string, over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: T,
    invoiceId: id,
    number: `2026/${id}`,
    customerId: 'C-G',
    issueDate: '2026-01-02',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    documentKey: `documents/${T}/${id}.pdf`,
    createdAt: '2026-01-02T08:00:00Z',
    updatedAt: '2026-01-02T08:00:00Z',
    ...over,
  });
const handedOver = [invoice('E-1'), invoice('E-2', { amount: 200_000 }), invoice('E-3', { amount: 300_000 })];
const stillOpen = invoice('W-1', { dueDate: '2026-03-01', documentKey: undefined });
const done = async (i: Invoice, stages: string[]) => {
  for (const stage of stages) {
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, i.invoiceId, stage), entity: 'stageDone', stage, at: '2026-03-03T08:00:00.000Z', revision: 1, run: 0 } }));
  }
};
const stage = (i: Invoice) => ({
  tenantId: T,
  invoiceId: i.invoiceId,
  revision: 1,
  run: 0,
  stage: 'escalation',
  plan: { mode: 'timeline', next: 'escalation', at: Object.fromEntries(STAGE_IDS.map((s) => [s, NOW.toISOString()])), skip: [], reason: 'test' },
});
const mailsTo = (to: string) => ses.messages().filter((m) => m.destination.to.includes(to));
const escalatedEvents = () => sink.events.filter((e) => e.detailType === 'InvoiceEscalated' && e.detail.tenantId === T);

beforeAll(async () => {
  await store.tenants.putTenant(supplier(T, { language: 'it', agency: { name: 'Recupero Crediti Emilia S.r.l.', email: AGENCY } }));
  await store.customers.putCustomer(
    Customer.parse({
      tenantId: T,
      customerId: 'C-G',
      name: 'Gamma Forniture S.r.l.',
      country: 'IT',
      language: 'it',
      timeZone: 'Europe/Rome',
      email: AP,
      creditHold: { placedAt: '2026-03-03T08:00:00Z', invoiceId: 'E-1', reason: 'overdue', invoiceIds: ['E-1', 'E-2', 'E-3'] },
    }),
  );
  const blobs = new S3Blobs();
  for (const i of handedOver) {
    await store.invoices.putInvoice(i);
    await done(i, ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall', 'creditHold']);
    await blobs.put(i.documentKey!, `%PDF-1.4 fattura ${i.number}`, 'application/pdf');
  }
  await store.invoices.putInvoice(stillOpen);
  await done(stillOpen, ['preDue', 'dueDate']);
});

describe('one hand-off per customer and day', () => {
  it('hands every invoice due over in one claim, with one notice listing them and one event', async () => {
    const out = await escalate(stage(handedOver[0]!), lambdaContext('escalate'));
    expect(out).toMatchObject({ outcome: 'escalated', invoices: ['E-1', 'E-2', 'E-3'] });
    for (const i of handedOver) expect((await store.invoices.getInvoice(T, i.invoiceId))!.status).toBe('escalated');

    const notices = mailsTo(AP);
    expect(notices).toHaveLength(1);
    const text = notices[0]!.body.text!;
    expect(text.indexOf('Affidate al recupero crediti')).toBeLessThan(text.indexOf('2026/E-1'));
    for (const i of handedOver) expect(text).toContain(i.number);
    // The first overdue reminder due today rode in the notice, under what stays with the supplier.
    expect(text.indexOf('Altre fatture aperte')).toBeLessThan(text.indexOf(stillOpen.number));
    expect((await store.invoices.getInvoice(T, stillOpen.invoiceId))!.status).toBe('open');

    expect(escalatedEvents()).toHaveLength(1);
    expect(escalatedEvents()[0]!.detail).toMatchObject({ invoiceIds: ['E-1', 'E-2', 'E-3'], caseId: 'case#C-G#2026-03-18' });

    now = new Date(NOW.getTime() + 2_000);
    for (const i of handedOver.slice(1)) expect(await escalate(stage(i), lambdaContext('escalate'))).toMatchObject({ outcome: 'alreadyEscalated' });
    expect(mailsTo(AP)).toHaveLength(1);
    expect(escalatedEvents()).toHaveLength(1);
  });

  it('gives the agency one case: one dossier holding every invoice, one e-mail, whichever record comes first', async () => {
    const out = await handOver('E-2');
    expect(out).toMatchObject({ delivery: 'attached', withInvoices: expect.arrayContaining(['E-1', 'E-3']) });
    const mails = mailsTo(AGENCY);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Nuova pratica di recupero: Gamma Forniture S.r.l., 3 fatture');
    expect(mails[0]!.body.text).toContain('2026/E-1, 2026/E-2, 2026/E-3');
    const files = unzipSync(Buffer.from(mails[0]!.attachments[0]!.content, 'base64'));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['case.json', '2026-E-1/dossier.pdf', '2026-E-2/dossier.json', '2026-E-3/documents/1-E-3.pdf']));
    const summary = JSON.parse(strFromU8(files['case.json']!));
    expect(summary.invoices.map((i: { number: string }) => i.number)).toEqual(['2026/E-1', '2026/E-2', '2026/E-3']);
    expect(summary.totals).toEqual([expect.objectContaining({ currency: 'EUR', principal: 600_000, compensation: 12_000 })]);
    const stored = unzipSync(await new S3Blobs().get(dossierKey(T, 'E-3')));
    expect(Object.keys(stored)).toContain('case.json');

    for (const id of ['E-1', 'E-3']) expect((await handOver(id)).delivery).toBe('attached');
    expect(mailsTo(AGENCY)).toHaveLength(1);
    for (const i of handedOver) {
      const log = (await store.invoices.getInvoiceView(T, i.invoiceId))!.events.filter((e) => e.type === 'dossier');
      expect(log).toEqual([expect.objectContaining({ outcome: 'sent', messageId: mails[0]!.messageId })]);
    }
  });
});
