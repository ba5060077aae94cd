/**
 * The dossier hand-over against DynamoDB Local, s3rver and the local SES v2 server: built from the
 * invoice's real partition and its stored document, filed in S3, mailed to the agency (attached, or
 * as a pre-signed link when too large) or only prepared, and recorded in the contact log once.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strFromU8, unzipSync } from 'fflate';
import { marshall } from '@aws-sdk/util-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { lambdaContext } from '../support/api-events.js';
import { S3_LOCAL_CREDENTIALS, startS3 } from '../../local/services/s3.js';
import { startSes } from '../../local/services/ses.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { MAX_ATTACHMENT_BYTES, dossierKey, handOverDossier as handOverDossierUseCase } from '../../lambdas/app/dossier/hand-over-dossier.js';
import { escalationIn, makeDossierRun } from '../../lambdas/handlers/hand-over-dossier.js';
import { makeEscalateHandler } from '../../lambdas/handlers/escalate.js';
import { timelineDeps } from '../support/timeline-deps.js';
import type { NoticeDigests } from '../../lambdas/app/ports/notice-digests.js';
import { callPage as getPage, customerPagesHandler } from '../support/customer-pages.js';
import { envDossierLinks } from '../../lambdas/adapters/dossier-links.js';

await useLocalTable();
const LINK_SECRET = 'dossier-test-link-secret-0123456789abcdef';
const dir = mkdtempSync(join(tmpdir(), 'dossier-s3-'));
const BUCKET = 'docs';
const s3 = await startS3({ directory: dir, bucket: BUCKET, onObjectCreated: () => undefined });
const ses = await startSes();
const NOW = new Date('2026-03-17T08:00:00Z');
let now = NOW;
useClock({ now: () => now });
const sink = await startEventsSink(await freePort(), { now: () => NOW });
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
  PUBLIC_BASE_URL: 'https://pay.officinerossi.example',
  LINK_SECRET,
});
// Each test hands over a case of its own for the same customer on one day: without the digests every
// agency e-mail leaves at once (test/integration/notice-digests.test.ts has the one-a-day rule).
const everyNoticeAtOnce: NoticeDigests = { claimDay: async () => true, releaseDay: async () => undefined, add: async () => ({ created: false, day: '' }), waiting: async () => false, take: async () => undefined, giveBack: async () => undefined };
const deps = Object.assign(timelineDeps({ digests: everyNoticeAtOnce }), { dossierLinks: envDossierLinks });
const handOverDossier = (ids: Parameters<typeof handOverDossierUseCase>[1]) => handOverDossierUseCase(deps, ids);
const dossierConsumer = makeDossierRun(deps);
const escalateHandler = makeEscalateHandler(deps);

const T = 'acme-dossier';
const store = dynamoRepositories();
const blobs = new S3Blobs();
const AGENCY = 'pratiche@recuperoemilia.example';

afterAll(async () => {
  useSystemClock();
  await ses.stop();
  await s3.stop();
  await sink.stop();
  rmSync(dir, { recursive: true, force: true });
});

const invoice = (id: string, over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: id,
    number: `2026/${id}`,
    customerId: 'C-KEY',
    issueDate: '2026-01-01',
    dueDate: '2026-01-31',
    currency: 'EUR',
    amount: 250_000,
    amountPaid: 50_000,
    status: 'escalated',
    documentKey: `documents/${T}/${id}.pdf`,
    createdAt: '2026-01-01T08:00:00Z',
    updatedAt: '2026-03-17T08:00:00Z',
    ...over,
  });

beforeAll(async () => {
  await store.tenants.putTenant(
    supplier(T, { language: 'it', agency: { name: 'Recupero Crediti Emilia S.r.l.', email: AGENCY } }),
  );
  const customer = (customerId: string, over: Record<string, unknown>) =>
    store.customers.putCustomer(Customer.parse({ tenantId: T, customerId, name: `Cliente ${customerId}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', ...over }));
  // An address, so the hand-off notice to the customer can leave (no hand-off rests on a notice that did not).
  await customer('C-KEY', { preserveRelationship: true, salesNotes: ['Parlare con Giulia, mai prima delle 10'], email: 'amministrazione@cliente-key.example' });
  await customer('C-REL', { policy: 'relationship' });
});

const unzipJson = (zip: Uint8Array) => JSON.parse(strFromU8(unzipSync(zip)['dossier.json']!));
const mailsTo = (to: string) => ses.messages().filter((m) => m.destination.to.includes(to));

describe('the dossier hand-over', () => {
  it('files the zip in S3 and mails it to the agency, recorded in the contact log once', async () => {
    const inv = invoice('D-1');
    await store.invoices.putInvoice(inv);
    await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: 'D-1', at: '2026-02-20T09:00:00Z', type: 'promise_broken', channel: 'system', actor: 'system' }));
    await blobs.put(inv.documentKey!, '%PDF-1.4 fattura 2026/D-1', 'application/pdf');

    const out = await handOverDossier({ tenantId: T, invoiceId: 'D-1', revision: 1, run: 0 });
    expect(out).toMatchObject({ key: `dossiers/${T}/D-1.zip`, delivery: 'attached' });

    const stored = await blobs.get(dossierKey(T, 'D-1'));
    const files = unzipSync(stored);
    expect(strFromU8(files['documents/1-D-1.pdf']!)).toBe('%PDF-1.4 fattura 2026/D-1');
    const json = unzipJson(stored);
    // 2,000.00 EUR still due; 45 days after 31 January in Rome (1 Feb - 17 Mar).
    expect(json.claim).toMatchObject({ principal: 200_000, compensation: 4_000, asOf: '2026-03-17', interestDays: 45 });
    expect(json.claim.total).toBe(json.claim.principal + json.claim.interest + json.claim.compensation);
    expect(json.relationship.preserveRelationship).toBe(true);
    expect(json.contactHistory.map((e: { type: string }) => e.type)).toEqual(['promise_broken']);

    const mails = mailsTo(AGENCY);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Nuova pratica di recupero: Cliente C-KEY, fattura 2026/D-1');
    expect(mails[0]!.body.text).toContain('particolare tatto');
    expect(mails[0]!.attachments.map((a) => a.filename)).toEqual(['dossier-2026-D-1.zip']);
    expect(unzipJson(Buffer.from(mails[0]!.attachments[0]!.content, 'base64')).claim.total).toBe(json.claim.total);

    const log = (await store.invoices.getInvoiceView(T, 'D-1'))!.events.filter((e) => e.type === 'dossier');
    expect(log).toEqual([expect.objectContaining({ channel: 'email', to: AGENCY, outcome: 'sent', messageId: mails[0]!.messageId })]);

    const again = await handOverDossier({ tenantId: T, invoiceId: 'D-1', revision: 1, run: 0 });
    expect(again).toMatchObject({ delivery: 'attached', messageId: mails[0]!.messageId });
    expect(mailsTo(AGENCY)).toHaveLength(1);
  });

  it('only prepares it under a policy that says so', async () => {
    await store.invoices.putInvoice(invoice('D-2', { customerId: 'C-REL', documentKey: undefined }));
    const before = mailsTo(AGENCY).length;
    const out = await handOverDossier({ tenantId: T, invoiceId: 'D-2', revision: 1, run: 0 });
    expect(out).toMatchObject({ delivery: 'prepared' });
    expect(mailsTo(AGENCY)).toHaveLength(before);
    expect(unzipJson(await blobs.get(dossierKey(T, 'D-2'))).invoice.policy).toBe('relationship');
    const log = (await store.invoices.getInvoiceView(T, 'D-2'))!.events.filter((e) => e.type === 'dossier');
    expect(log).toEqual([expect.objectContaining({ outcome: 'recorded', details: expect.objectContaining({ mode: 'prepare' }) })]);
  });

  it('sends a signed link of its own instead when the file is too large to attach, which works for 7 days, not a role session', async () => {
    const inv = invoice('D-3');
    await store.invoices.putInvoice(inv);
    await blobs.put(inv.documentKey!, randomBytes(MAX_ATTACHMENT_BYTES + 1024), 'application/pdf');
    const out = await handOverDossier({ tenantId: T, invoiceId: 'D-3', revision: 1, run: 0 });
    expect(out.delivery).toBe('link');
    const mail = mailsTo(AGENCY).at(-1)!;
    expect(mail.subject).toContain('2026/D-3');
    expect(mail.attachments).toEqual([]);
    const url = new URL(/https?:\/\/\S+/.exec(mail.body.text ?? '')![0]);
    // Not a pre-signed S3 URL (which dies with the temporary credentials that signed it): our own route.
    expect(url.origin).toBe('https://pay.officinerossi.example');
    expect(url.pathname).toMatch(/^\/d\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(url.search).toBe('');
    const pages = customerPagesHandler({ tenantId: T, linkSecret: LINK_SECRET, stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused', sender: 'crediti@officinerossi.example', bucket: BUCKET });
    const follow = (path: string) => getPage(pages, { path });
    // Six days on, the route signs a fresh short-lived URL of the zip.
    now = new Date(NOW.getTime() + 6 * 86_400_000);
    const res = await follow(url.pathname);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('X-Amz-Expires')).toBe('300');
    const file = await fetch(res.headers.location!);
    expect(file.status).toBe(200);
    expect(unzipJson(new Uint8Array(await file.arrayBuffer())).invoice.number).toBe('2026/D-3');
    // A token changed in a byte, or re-encoded (spare bits of its last character), is no link.
    const [payload, sig] = url.pathname.slice(3).split('.') as [string, string];
    const last = sig.at(-1)!;
    const respelled = 'AEIMQUYcgkosw048'.includes(last) ? String.fromCharCode(last.charCodeAt(0) + 1) : last;
    expect(respelled).not.toBe(last);
    expect((await follow(`/d/${payload}.${sig.slice(0, -1)}${respelled}`)).status).toBe(404);
    expect((await follow(`/d/${payload}x.${sig}`)).status).toBe(404);
    // After 7 days: gone.
    now = new Date(NOW.getTime() + 8 * 86_400_000);
    expect((await follow(url.pathname)).status).toBe(410);
    now = NOW;
  });

  const image = (i: Invoice) => marshall({ ...i, entity: 'invoice' }, { removeUndefinedValues: true }) as never;
  const change = (before: Invoice | undefined, after: Invoice, seq: string) => ({
    eventName: before ? ('MODIFY' as const) : ('INSERT' as const),
    dynamodb: { SequenceNumber: seq, ...(before ? { OldImage: image(before) } : {}), NewImage: image(after) },
  });

  it('is handed over once the timeline step EscalateToAgency has escalated the invoice; InvoiceEscalated says where the file goes', async () => {
    const open = invoice('D-5', { status: 'open', documentKey: undefined });
    await store.invoices.putInvoice(open);
    const plan = { mode: 'timeline', next: 'escalation', at: Object.fromEntries(STAGE_IDS.map((s) => [s, NOW.toISOString()])), skip: [], reason: 'test' };
    const out = await escalateHandler({ tenantId: T, invoiceId: 'D-5', revision: 1, run: 0, stage: 'escalation', plan }, lambdaContext('escalate'));
    expect(out).toMatchObject({ outcome: 'escalated' });
    const escalated = (await store.invoices.getInvoice(T, 'D-5'))!;
    expect(escalated.status).toBe('escalated');
    expect(sink.events.find((e) => e.detailType === 'InvoiceEscalated' && e.detail.invoiceId === 'D-5')?.detail.file).toMatchObject({ dossierKey: dossierKey(T, 'D-5') });
    // EscalateToAgency itself builds no PDF: the stream consumer does, on the status change.
    expect(mailsTo(AGENCY).some((m) => m.subject.includes('2026/D-5'))).toBe(false);

    const res = await dossierConsumer({ Records: [change(open, escalated, '1')] });
    expect(res.batchItemFailures).toEqual([]);
    expect(mailsTo(AGENCY).filter((m) => m.subject.includes('2026/D-5'))).toHaveLength(1);
    expect(unzipJson(await blobs.get(dossierKey(T, 'D-5'))).invoice.number).toBe('2026/D-5');
    expect(sink.events.find((e) => e.detailType === 'DossierHandedOver' && e.detail.invoiceId === 'D-5')?.detail).toMatchObject({ key: dossierKey(T, 'D-5'), delivery: 'attached' });

    // The stream delivers at least once: a replayed record mails nothing more.
    await dossierConsumer({ Records: [change(open, escalated, '1')] });
    expect(mailsTo(AGENCY).filter((m) => m.subject.includes('2026/D-5'))).toHaveLength(1);
  });

  it('is handed over too when the finance team escalates by hand', async () => {
    const open = invoice('D-4', { status: 'open', documentKey: undefined });
    const escalated = { ...open, status: 'escalated' as const };
    await store.invoices.putInvoice(escalated);
    await dossierConsumer({ Records: [change(open, escalated, '2')] });
    expect(mailsTo(AGENCY).at(-1)!.subject).toContain('2026/D-4');
    expect((await store.invoices.getInvoiceView(T, 'D-4'))!.events.map((e) => e.type)).toContain('dossier');
  });

  it('wakes only for an invoice becoming escalated, not for later changes of an escalated one', () => {
    const open = invoice('D-6', { status: 'open' });
    const escalated = { ...open, status: 'escalated' as const };
    expect(escalationIn(change(open, escalated, '3'))).toEqual({ tenantId: T, invoiceId: 'D-6', revision: 1, run: 0 });
    expect(escalationIn(change(escalated, { ...escalated, amountPaid: 60_000 }, '4'))).toBeUndefined();
    expect(escalationIn(change(escalated, { ...escalated, status: 'paid' as const }, '5'))).toBeUndefined();
  });

  it('reports a hand-over that fails alone, so the mapping retries that record and parks it after the retries', async () => {
    // An escalated invoice of a company whose settings are missing cannot be assembled.
    const orphan = Invoice.parse({ ...invoice('D-7', { documentKey: undefined }), tenantId: 'no-such-company' });
    await store.invoices.putInvoice(orphan);
    const fine = invoice('D-8', { documentKey: undefined });
    await store.invoices.putInvoice(fine);
    const res = await dossierConsumer({
      Records: [change({ ...orphan, status: 'open' }, orphan, '6'), change({ ...fine, status: 'open' }, fine, '7')],
    });
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: '6' }]);
    expect(mailsTo(AGENCY).at(-1)!.subject).toContain('2026/D-8');
  });
});
