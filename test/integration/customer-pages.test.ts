/**
 * The customer-link pages through their real handler (makeCustomerPagesHandler over the production
 * adapters, test/support/customer-pages.ts) with API Gateway v2 events, against DynamoDB Local, the local Step Functions emulator (real
 * stops), SES v2 local (the finance team's notifications), s3rver (the invoice document) and the
 * local EventBridge stand-in: every answer writes what the admin API's command writes, a GET
 * changes nothing but the contact log, and a replayed, tampered or expired link has no effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callPage, csrfOf, customerPagesHandler, pathOf, type PageRequest } from '../support/customer-pages.js';
import { callApi } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCustomers } from '../../lambdas/adapters/dynamo-customers.js';
import { DynamoInvoices } from '../../lambdas/adapters/dynamo-invoices.js';
import { DynamoTasks } from '../../lambdas/adapters/dynamo-tasks.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { LINK_ACTIONS, answerKey, linkExpiry, messageLinks, newNonce, signLink, type LinkAction } from '../../lambdas/domain/messages/links.js';
import { Customer, Invoice, Tenant, type ContactEvent, type InvoiceInput } from '../../lambdas/domain/model.js';
import { startSes } from '../../local/services/ses.js';
import { startS3, S3_LOCAL_CREDENTIALS } from '../../local/services/s3.js';

await useLocalTable();

const T = 'acme';
const SECRET = 'test-link-secret-0123456789abcdefghijklmnop';
const ring = { current: new TextEncoder().encode(SECRET) };
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:dunning-test';
const BUCKET = 'docs-test';
// Tuesday 10 March 2026, 10:00 in Rome; each reading a millisecond later, so log entries keep their order.
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });

const workflow = await startStandInWorkflow(STATE_MACHINE_ARN, NOW);
const { emulator, eventsSink } = workflow;
const ses = await startSes();
const s3Dir = mkdtempSync(join(tmpdir(), 'pages-s3-'));
const s3 = await startS3({ directory: s3Dir, bucket: BUCKET, onObjectCreated: () => undefined });

Object.assign(process.env, {
  ...workflow.env,
  EVENT_BUS_NAME: 'sollecito-test',
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_ENDPOINT_URL_S3: s3.endpoint,
  S3_FORCE_PATH_STYLE: 'true',
  BUCKET_NAME: BUCKET,
  SENDER_EMAIL: 'crediti@officinerossi.example',
  AWS_LAMBDA_FUNCTION_NAME: 'customer-pages',
  // One set of credentials both local services accept (DynamoDB Local takes any).
  AWS_ACCESS_KEY_ID: S3_LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: S3_LOCAL_CREDENTIALS.secretAccessKey,
});
const handler = customerPagesHandler({ tenantId: T, linkSecret: SECRET, stateMachineArn: STATE_MACHINE_ARN, sender: 'crediti@officinerossi.example', bucket: BUCKET, eventBus: 'sollecito-test' });
const adminApi = adminApiHandler(T);
const page = (req: PageRequest) => callPage(handler, req);
const table = tableFromEnv();
const tenants = new DynamoTenants(table);
const customers = new DynamoCustomers(table);
const invoices = new DynamoInvoices(table);
const tasks = new DynamoTasks(table);

afterAll(async () => {
  useSystemClock();
  await workflow.stop();
  await ses.stop();
  await s3.stop();
  rmSync(s3Dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// fixtures

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  phone: '+390212345678',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'it',
  paymentClaimGraceDays: 5,
  financeInboxes: ['amministrazione@officinerossi.example'],
});

const customer = Customer.parse({
  tenantId: T,
  customerId: 'C-1',
  name: 'Bianchi Costruzioni S.p.A.',
  country: 'IT',
  language: 'it',
  timeZone: 'Europe/Rome',
  email: 'ap@bianchi.example',
});
const romanian = Customer.parse({ ...customer, customerId: 'C-RO', name: 'Popescu SRL', country: 'RO', language: 'ro', timeZone: 'Europe/Bucharest', email: 'plati@popescu.example' });

let seq = 0;
const invoice = (over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${String(++seq).padStart(3, '0')}`,
    number: `2026/${100 + seq}`,
    customerId: 'C-1',
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 123_456,
    status: 'open',
    paymentReference: `RF18 0000 ${100 + seq}`,
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });

/** An invoice being chased (execution running) and the links of one reminder about it. */
const chased = async (over: Partial<InvoiceInput> = {}) => {
  const inv = invoice(over);
  await invoices.putInvoice(inv);
  const execution = executionName(T, inv.invoiceId, inv.revision, inv.run);
  emulator.start(execution, JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }));
  const nonce = newNonce();
  const links = messageLinks(
    { baseUrl: 'https://pay.example', tenantId: T, invoiceId: inv.invoiceId, nonce, ref: 'firstOverdue', expiresAt: linkExpiry(NOW), hasDocument: !!inv.documentKey },
    ring,
  );
  const path = (a: LinkAction) => pathOf(links[a]!);
  return { inv, execution, nonce, path };
};

const executionStatus = (name: string) => emulator.list().find((e) => e.name === name)?.status;
const view = async (id: string) => (await invoices.getInvoiceView(T, id))!;
const eventsOf = async (id: string, type?: ContactEvent['type']) => (await view(id)).events.filter((e) => !type || e.type === type);
const mailsAbout = (number: string) => ses.messages().filter((m) => m.subject.includes(number));

/** GET the landing page, then POST its form with `fields`. */
const answer = async (path: string, fields: Record<string, string>) => {
  const landing = await page({ path });
  expect(landing.status).toBe(200);
  return page({ path, form: { csrf: csrfOf(landing.body), ...fields } });
};

beforeAll(async () => {
  await tenants.putTenant(tenant);
  await customers.putCustomer(customer);
  await customers.putCustomer(romanian);
});

// ---------------------------------------------------------------------------------------------

describe('GET: the landing page', () => {
  it('shows the invoice and the payment details in the customer language, with the form of the action', async () => {
    const { path } = await chased();
    const res = await page({ path: path('promise') });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<html lang="it">');
    expect(res.body).toContain('Officine Rossi S.r.l.');
    expect(res.body).toContain('2026/');
    expect(res.body).toContain('IT60 X054 2811 1010 0000 0123 456');
    expect(res.body).toContain('data-copy="IT60X0542811101000000123456"');
    expect(res.body).toContain('1.234,56\u00a0€');
    expect(res.body).toContain('Pagherò in una data precisa');
    expect(res.body).toMatch(/<input type="date" id="f-date" name="date" value="" min="2026-03-10" max="2026-05-09"/);
    expect(csrfOf(res.body).length).toBeGreaterThan(20);
  });

  it('sends the security headers: CSP without inline allowances, no framing, no referrer, no caching', async () => {
    const { path } = await chased();
    const res = await page({ path: path('dispute') });
    const csp = res.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers).toMatchObject({ 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  });

  it('changes nothing: one link_view entry per message however many GETs, the execution runs on', async () => {
    const { inv, path, execution, nonce } = await chased();
    for (const a of ['paid', 'promise', 'dispute', 'plan', 'contact'] as const) expect((await page({ path: path(a) })).status).toBe(200);
    // A mail gateway prefetching the same link over and over.
    for (let i = 0; i < 20; i++) expect((await page({ path: path('paid') })).status).toBe(200);
    const after = await view(inv.invoiceId);
    expect(after.invoice).toEqual(inv);
    expect(after.events.map((e) => e.type)).toEqual(['link_view']);
    expect(after.events[0]).toMatchObject({ actor: 'customer', channel: 'link', details: { action: 'paid', ref: 'firstOverdue', nonce } });
    expect(executionStatus(execution)).toBe('RUNNING');
    expect(await tasks.answered({ tenantId: T, invoiceId: inv.invoiceId, action: 'promise', nonce, ref: '', expiresAt: 0 })).toBe(false);
  });

  it('serves the open pixel only when signed for it, logging one open per message and changing nothing else', async () => {
    const inv = invoice();
    await invoices.putInvoice(inv);
    const nonce = newNonce();
    const base = { baseUrl: 'https://pay.example', tenantId: T, invoiceId: inv.invoiceId, nonce, ref: 'dueDate', expiresAt: linkExpiry(NOW), hasDocument: false };
    expect(messageLinks(base, ring).open).toBeUndefined(); // off by default
    const pixel = pathOf(messageLinks({ ...base, openPixel: true }, ring).open!);
    for (let i = 0; i < 2; i++) {
      const res = await page({ path: pixel });
      expect(res.status).toBe(200);
      expect(res.headers).toMatchObject({ 'content-type': 'image/gif', 'cache-control': 'no-store' });
    }
    const after = await view(inv.invoiceId);
    expect(after.invoice).toEqual(inv);
    expect(after.events).toEqual([expect.objectContaining({ type: 'message_opened', actor: 'customer', details: { ref: 'dueDate', nonce } })]);
  });

  it('escapes every value (a customer name with markup)', async () => {
    await customers.putCustomer(Customer.parse({ ...customer, customerId: 'C-XSS', name: '<script>alert(1)</script> & Co' }));
    const { path } = await chased({ customerId: 'C-XSS' });
    const res = await page({ path: path('paid') });
    expect(res.body).not.toContain('<script>alert(1)</script>');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('speaks Romanian to a Romanian customer', async () => {
    const { path } = await chased({ customerId: 'C-RO' });
    const res = await page({ path: path('plan') });
    expect(res.body).toContain('<html lang="ro">');
    expect(res.body).toContain('Aș dori să plătesc în rate');
  });
});

describe('POST: each answer goes through the same command as the admin API', () => {
  it('"I will pay on" records a promise, stops the execution and tells the finance team', async () => {
    const { inv, path, execution, nonce } = await chased();
    const res = await answer(path('promise'), { date: '2026-03-31', note: 'dopo la chiusura del mese' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Grazie, abbiamo preso nota della data');
    expect(res.body).toContain('31 marzo 2026');

    const after = await view(inv.invoiceId);
    expect(after.invoice).toMatchObject({ status: 'promised', run: inv.run + 1, promise: { date: '2026-03-31', note: 'dopo la chiusura del mese' } });
    const promise = after.events.find((e) => e.type === 'promise')!;
    expect(promise).toMatchObject({ actor: 'customer', channel: 'link', details: { date: '2026-03-31', via: { ref: 'firstOverdue', nonce } } });
    expect(executionStatus(execution)).toBe('ABORTED');

    const mails = mailsAbout(inv.number);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.destination.to).toEqual(['amministrazione@officinerossi.example']);
    expect(mails[0]!.replyTo).toEqual(['ap@bianchi.example']);
    expect(mails[0]!.subject).toContain('promessa di pagamento');
    expect(mails[0]!.body.text).toContain('31 marzo 2026');
    expect(after.events.find((e) => e.type === 'internal_notice')).toMatchObject({ outcome: 'sent', details: { about: 'promise' } });
    expect(eventsSink.events.find((e) => e.detailType === 'CustomerAnswered' && e.detail.invoiceId === inv.invoiceId)?.detail).toMatchObject({
      action: 'promise',
      status: 'promised',
    });
  });

  it('"I have paid" marks the invoice payment-claimed for the tenant grace days; nothing is settled', async () => {
    const { inv, path, execution } = await chased();
    const res = await answer(path('paid'), { paidOn: '2026-03-09', reference: 'CRO 0099887766' });
    expect(res.status).toBe(200);
    expect(res.body).toContain('entro 5 giorni');
    const after = await view(inv.invoiceId);
    expect(after.invoice).toMatchObject({ status: 'payment_claimed', amountPaid: 0, run: inv.run + 1, paymentClaim: { paidOn: '2026-03-09', reference: 'CRO 0099887766' } });
    expect(after.payments).toEqual([]);
    expect(after.events.find((e) => e.type === 'payment_claimed')).toMatchObject({ actor: 'customer', details: { waitUntil: '2026-03-15' } });
    expect(executionStatus(execution)).toBe('ABORTED');
  });

  it('"There is a problem" opens a dispute with the reason and the text', async () => {
    const { inv, path } = await chased();
    const res = await answer(path('dispute'), { reason: 'goods', text: 'Consegnati 8 pezzi su 10.' });
    expect(res.status).toBe(200);
    const after = await view(inv.invoiceId);
    expect(after.invoice).toMatchObject({ status: 'disputed', dispute: { reason: 'goods', text: 'Consegnati 8 pezzi su 10.' } });
    expect(mailsAbout(inv.number)[0]!.body.text).toContain('Consegnati 8 pezzi su 10.');
  });

  it('"I would like a payment plan" puts a task in front of the finance team; the chase goes on', async () => {
    const { inv, path, execution, nonce } = await chased();
    const res = await answer(path('plan'), { instalments: '4', note: 'quattro mesi' });
    expect(res.status).toBe(200);
    const after = await view(inv.invoiceId);
    expect(after.invoice).toEqual(inv);
    expect(after.events.find((e) => e.type === 'plan_requested')).toMatchObject({ details: { instalments: 4, note: 'quattro mesi' } });
    const open = await tasks.list(T, { kind: 'planRequest' });
    expect(open.find((t) => t.invoiceId === inv.invoiceId)).toMatchObject({ taskId: `planRequest#${inv.invoiceId}#${nonce}`, status: 'open', plan: { instalments: 4 } });
    expect(executionStatus(execution)).toBe('RUNNING');
  });

  it('"Please contact someone else" waits for the finance team: the customer record is not changed yet', async () => {
    const { inv, path } = await chased();
    const res = await answer(path('contact'), { name: 'Giulia Verdi', email: 'Giulia.Verdi@Bianchi.example', phone: '347 123 4567' });
    expect(res.status).toBe(200);
    const task = (await tasks.list(T, { kind: 'contactChange' })).find((t) => t.invoiceId === inv.invoiceId);
    expect(task?.contact).toEqual({ name: 'Giulia Verdi', email: 'giulia.verdi@bianchi.example', phone: '+393471234567' });
    expect(await customers.getCustomer(T, 'C-1')).toEqual(customer);
    expect(await eventsOf(inv.invoiceId, 'contact_change_requested')).toHaveLength(1);
  });
});

describe('POST: replays and refusals have no effect', () => {
  it('the same form posted twice answers "already answered" and writes nothing more', async () => {
    const { inv, path } = await chased();
    const landing = await page({ path: path('promise') });
    const form = { csrf: csrfOf(landing.body), date: '2026-03-20' };
    expect((await page({ path: path('promise'), form })).status).toBe(200);
    const once = await view(inv.invoiceId);

    const replay = await page({ path: path('promise'), form });
    expect(replay.status).toBe(409);
    expect(replay.body).toContain('Ha già risposto');
    expect(await view(inv.invoiceId)).toEqual(once);
    expect(mailsAbout(inv.number)).toHaveLength(1);
  });

  it('another answer from the same reminder is still possible (the nonce is consumed per action)', async () => {
    const { inv, path } = await chased();
    expect((await answer(path('promise'), { date: '2026-03-20' })).status).toBe(200);
    expect((await answer(path('paid'), {})).status).toBe(200);
    expect((await view(inv.invoiceId)).invoice.status).toBe('payment_claimed');
  });

  it('without the CSRF token of this very link: 403 and nothing written', async () => {
    const { inv, path } = await chased();
    const other = await chased();
    const csrfOfOther = csrfOf((await page({ path: other.path('promise') })).body);
    for (const csrf of [undefined, '', csrfOfOther, csrfOf((await page({ path: path('dispute') })).body)]) {
      const res = await page({ path: path('promise'), form: { ...(csrf !== undefined ? { csrf } : {}), date: '2026-03-20' } });
      expect(res.status).toBe(403);
    }
    expect((await view(inv.invoiceId)).invoice).toEqual(inv);
    expect(await eventsOf(inv.invoiceId, 'promise')).toEqual([]);
  });

  it('a body that is not a form: 400', async () => {
    const { path } = await chased();
    const res = await page({ path: path('promise'), rawBody: JSON.stringify({ date: '2026-03-20' }), contentType: 'application/json' });
    expect(res.status).toBe(400);
  });

  it('bad fields: 422 with the form again, values kept, nothing consumed (the corrected form is accepted)', async () => {
    const { inv, path } = await chased();
    const landing = await page({ path: path('promise') });
    const csrf = csrfOf(landing.body);
    const bad = await page({ path: path('promise'), form: { csrf, date: '2026-06-30', note: 'più avanti' } });
    expect(bad.status).toBe(422);
    expect(bad.body).toContain('role="alert"');
    expect(bad.body).toContain('aria-invalid="true"');
    expect(bad.body).toContain('9 maggio 2026');
    expect(bad.body).toContain('più avanti');
    expect((await view(inv.invoiceId)).invoice).toEqual(inv);

    const good = await page({ path: path('promise'), form: { csrf, date: '2026-04-30' } });
    expect(good.status).toBe(200);
    expect((await view(inv.invoiceId)).invoice.promise?.date).toBe('2026-04-30');
  });

  it('a command the invoice refuses: the reason in the customer language, nothing consumed', async () => {
    const { inv, path } = await chased({ status: 'disputed', dispute: { reason: 'amount', text: '', openedAt: '2026-03-01T10:00:00Z' } });
    const res = await answer(path('dispute'), { reason: 'goods', text: 'ancora' });
    expect(res.status).toBe(409);
    expect(res.body).toContain('Ci ha già segnalato un problema');
    expect((await view(inv.invoiceId)).invoice).toEqual(inv);
    const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.linkAnswer(T, inv.invoiceId, answerKey({ nonce: 'x', action: 'dispute' })) }));
    expect(Item).toBeUndefined();
  });

  it('a paid invoice shows no form', async () => {
    const { path } = await chased({ status: 'paid', amountPaid: 123_456 });
    const res = await page({ path: path('promise') });
    expect(res.status).toBe(200);
    expect(res.body).toContain('Questa fattura risulta pagata');
    expect(res.body).not.toContain('<form');
  });
});

describe('links that cannot be honoured', () => {
  const contactOnly = (body: string, inv: Invoice) => {
    expect(body).toContain('crediti@officinerossi.example');
    expect(body).not.toContain(inv.number);
    expect(body).not.toContain(customer.name);
    expect(body).not.toContain('IT60');
    expect(body).not.toContain('<form');
  };

  it('tampered: a friendly 404 that names only the supplier, and no effect on GET or POST', async () => {
    const { inv, path } = await chased();
    const good = path('promise');
    const [payload, sig] = good.slice(3).split('.') as [string, string];
    const fields = JSON.parse(Buffer.from(payload, 'base64url').toString()) as unknown[];
    fields[3] = 'paid';
    const tampered = `/c/${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${sig}`;
    const csrf = csrfOf((await page({ path: good })).body);
    for (const req of [{ path: tampered }, { path: tampered, form: { csrf, paidOn: '2026-03-09' } }, { path: `${good.slice(0, -4)}AAAA` }, { path: '/c/nonsense' }]) {
      const res = await page(req);
      expect(res.status, req.path).toBe(404);
      contactOnly(res.body, inv);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
    expect((await view(inv.invoiceId)).invoice).toEqual(inv);
    expect(await eventsOf(inv.invoiceId, 'payment_claimed')).toEqual([]);
  });

  it('a re-encoded signature (spare bits of its last character changed, the same bytes) is no link: 404, no effect', async () => {
    const { inv, path } = await chased();
    const good = path('paid');
    const last = good.at(-1)!;
    // 32 bytes in 43 characters: the last one's two low bits are spare, zero in the canonical spelling.
    const respelled = `${good.slice(0, -1)}${String.fromCharCode(last.charCodeAt(0) + 1)}`;
    expect(Buffer.from(respelled.split('.')[1]!, 'base64url')).toEqual(Buffer.from(good.split('.')[1]!, 'base64url'));
    const csrf = csrfOf((await page({ path: good })).body);
    expect((await page({ path: respelled })).status).toBe(404);
    expect((await page({ path: respelled, form: { csrf, paidOn: '2026-03-09' } })).status).toBe(404);
    expect(await eventsOf(inv.invoiceId, 'payment_claimed')).toEqual([]);
  });

  it('signed with another key, or for another tenant: 404 as well', async () => {
    const { inv } = await chased();
    const claims = { tenantId: T, invoiceId: inv.invoiceId, action: 'paid' as const, expiresAt: linkExpiry(NOW), nonce: newNonce(), ref: '' };
    const foreign = signLink(claims, { current: new TextEncoder().encode('another-secret-0123456789abcdefghijkl') });
    const otherTenant = signLink({ ...claims, tenantId: 'someone-else' }, ring);
    for (const token of [foreign, otherTenant]) expect((await page({ path: `/c/${token}` })).status).toBe(404);
  });

  it('expired: a friendly 410 in the browser language', async () => {
    const { inv } = await chased();
    const token = signLink({ tenantId: T, invoiceId: inv.invoiceId, action: 'promise', expiresAt: Math.floor(NOW.getTime() / 1000) - 1, nonce: newNonce(), ref: '' }, ring);
    const res = await page({ path: `/c/${token}`, headers: { 'accept-language': 'ro-RO,ro;q=0.9,en;q=0.5' } });
    expect(res.status).toBe(410);
    expect(res.body).toContain('<html lang="ro">');
    expect(res.body).toContain('Acest link a expirat');
    contactOnly(res.body, inv);
  });

  it('an unknown invoice: 404, nothing written', async () => {
    const token = signLink({ tenantId: T, invoiceId: 'NOPE', action: 'paid', expiresAt: linkExpiry(NOW), nonce: newNonce(), ref: '' }, ring);
    expect((await page({ path: `/c/${token}` })).status).toBe(404);
    expect(await invoices.getInvoiceView(T, 'NOPE')).toBeUndefined();
  });

  it('other methods: 405', async () => {
    const { path } = await chased();
    expect((await page({ method: 'PUT', path: path('promise') })).status).toBe(405);
    expect((await page({ path: path('paid').replace(/.$/, ''), method: 'GET' })).status).toBe(404);
  });
});

describe('"View the invoice"', () => {
  it('redirects to a short-lived pre-signed URL of the original document, which serves it', async () => {
    const key = 'invoices/2026/INV-doc.pdf';
    await new S3Blobs().put(key, new TextEncoder().encode('%PDF-1.4 the invoice'), 'application/pdf');
    const { inv, path } = await chased({ documentKey: key });
    const res = await page({ path: path('view') });
    expect(res.status).toBe(302);
    const url = new URL(res.headers.location!);
    expect(url.pathname).toBe(`/${BUCKET}/${key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const doc = await fetch(url);
    expect(doc.status).toBe(200);
    expect(await doc.text()).toBe('%PDF-1.4 the invoice');
    expect(await eventsOf(inv.invoiceId, 'link_view')).toMatchObject([{ details: { action: 'view', document: true } }]);
    expect((await view(inv.invoiceId)).invoice).toEqual(inv);
  });

  it('a FatturaPA is shown as a readable page (every value escaped, the page\'s own CSP), the original XML one link away', async () => {
    const key = 'invoices/IT01234567890_00042.xml';
    const xml = `<?xml version="1.0" encoding="UTF-8"?><p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"><FatturaElettronicaHeader><CedentePrestatore><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Officine Rossi S.r.l.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore><CessionarioCommittente><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>02345678901</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Bianchi &amp; Figli</Denominazione></Anagrafica></DatiAnagrafici></CessionarioCommittente></FatturaElettronicaHeader><FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD01</TipoDocumento><Divisa>EUR</Divisa><Data>2026-01-15</Data><Numero>OTHER-1</Numero><ImportoTotaleDocumento>1.00</ImportoTotaleDocumento></DatiGeneraliDocumento></DatiGenerali></FatturaElettronicaBody><FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD01</TipoDocumento><Divisa>EUR</Divisa><Data>2026-01-15</Data><Numero>2026/0042</Numero><ImportoTotaleDocumento>1220.00</ImportoTotaleDocumento></DatiGeneraliDocumento></DatiGenerali><DatiBeniServizi><DettaglioLinee><NumeroLinea>1</NumeroLinea><Descrizione>Revisione &lt;script&gt;alert(1)&lt;/script&gt;</Descrizione><PrezzoUnitario>1000.00</PrezzoUnitario><PrezzoTotale>1000.00</PrezzoTotale><AliquotaIVA>22.00</AliquotaIVA></DettaglioLinee><DatiRiepilogo><AliquotaIVA>22.00</AliquotaIVA><ImponibileImporto>1000.00</ImponibileImporto><Imposta>220.00</Imposta></DatiRiepilogo></DatiBeniServizi><DatiPagamento><CondizioniPagamento>TP02</CondizioniPagamento><DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-02-14</DataScadenzaPagamento><ImportoPagamento>1220.00</ImportoPagamento></DettaglioPagamento></DatiPagamento></FatturaElettronicaBody></p:FatturaElettronica>`;
    await new S3Blobs().put(key, new TextEncoder().encode(xml), 'application/xml');
    const { inv, path } = await chased({ number: '2026/0042', documentKey: key, source: { key, format: 'fatturapa' } });
    const res = await page({ path: path('view') });
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.body).toContain('Fattura 2026/0042');
    expect(res.body).toContain('Bianchi &amp; Figli');
    expect(res.body).toContain('Revisione &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.body).not.toContain('<script>alert');
    expect(res.body).not.toContain('OTHER-1');
    expect(res.body).toContain('MP05 (bonifico)');
    const original = /href="([^"]+)" rel="noreferrer">Scarica il file originale/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
    expect(original && new URL(original).pathname).toBe(`/${BUCKET}/${key}`);
    expect(await eventsOf(inv.invoiceId, 'link_view')).toMatchObject([{ details: { action: 'view', document: true } }]);
  });

  it('a FatturaPA that cannot be read as one (cut short) is served as it is: the original, never an error page', async () => {
    const key = 'invoices/IT01234567890_00099.xml';
    await new S3Blobs().put(key, new TextEncoder().encode('<?xml version="1.0"?><p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"><FatturaElettronicaHeader>'), 'application/xml');
    const { path } = await chased({ number: '2026/0099', documentKey: key, source: { key, format: 'fatturapa' } });
    const res = await page({ path: path('view') });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).pathname).toBe(`/${BUCKET}/${key}`);
  });

  it('without a document: a friendly page, and no view link is offered', async () => {
    const { inv } = await chased();
    const token = signLink({ tenantId: T, invoiceId: inv.invoiceId, action: 'view', expiresAt: linkExpiry(NOW), nonce: newNonce(), ref: '' }, ring);
    const res = await page({ path: `/c/${token}` });
    expect(res.status).toBe(404);
    expect(res.body).toContain('non è disponibile');
    const { path } = await chased();
    expect(LINK_ACTIONS.filter((a) => a !== 'view')).toHaveLength(5);
    expect((await page({ path: path('paid') })).body).not.toContain('Vedi la fattura');
  });

  it('cannot be POSTed to', async () => {
    const { path } = await chased({ documentKey: 'invoices/x.pdf' });
    const res = await page({ path: path('view'), form: { csrf: 'x' } });
    expect(res.status).toBe(405);
  });
});

describe('the finance team works the tasks in the admin API', () => {
  it('confirms a proposed contact: it becomes the billing contact, the task is done', async () => {
    await customers.putCustomer(Customer.parse({ ...customer, customerId: 'C-NEWCONTACT' }));
    const { path } = await chased({ customerId: 'C-NEWCONTACT' });
    expect((await answer(path('contact'), { name: 'Marco Neri', email: 'marco@bianchi.example' })).status).toBe(200);

    const list = await callApi(adminApi, { method: 'GET', path: '/v1/tasks?kind=contactChange' });
    expect(list.status).toBe(200);
    const task = (list.body.items as { taskId: string; customerId: string }[]).find((t) => t.customerId === 'C-NEWCONTACT')!;
    expect(task).toMatchObject({ status: 'open', contact: { name: 'Marco Neri', email: 'marco@bianchi.example' } });

    const done = await callApi(adminApi, { method: 'POST', path: `/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, body: { apply: true } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ customerUpdated: true, task: { status: 'done', resolution: 'contact applied', completedBy: expect.any(String) } });
    expect((await customers.getCustomer(T, 'C-NEWCONTACT'))!.billingContact).toEqual({ name: 'Marco Neri', email: 'marco@bianchi.example' });

    const again = await callApi(adminApi, { method: 'POST', path: `/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, body: {} });
    expect(again.status).toBe(409);
  });

  it("resumes the chase a bounce held once the customer's other contact is applied, at the stage it waited at", async () => {
    await customers.putCustomer(Customer.parse({ ...customer, customerId: 'C-BOUNCED', email: 'bounce@simulator.amazonses.com', emailStatus: 'bounced' }));
    const { path } = await chased({ customerId: 'C-BOUNCED' });
    const waiting = invoice({ customerId: 'C-BOUNCED', needsContact: true, deferral: { stage: 'dueDate', until: '2026-03-24T08:00:00.000Z', reason: 'waiting for a working e-mail address (e-mail address bounced)' } });
    await invoices.putInvoice(waiting);
    expect((await answer(path('contact'), { name: 'Marco Neri', email: 'marco@bianchi.example' })).status).toBe(200);
    const task = (await tasks.list(T, { kind: 'contactChange' })).find((t) => t.customerId === 'C-BOUNCED')!;
    expect((await callApi(adminApi, { method: 'POST', path: `/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, body: { apply: true } })).status).toBe(200);
    const released = (await invoices.getInvoice(T, waiting.invoiceId))!;
    // A new run (the stream starts it) with the wait and its deferral gone: the planner resumes at dueDate.
    expect(released).toMatchObject({ needsContact: false, run: waiting.run + 1 });
    expect(released.deferral).toBeUndefined();
  });

  it('a plan request cannot be "applied": the team agrees the plan on the invoice', async () => {
    const { path, inv } = await chased();
    expect((await answer(path('plan'), { instalments: '3' })).status).toBe(200);
    const task = (await tasks.list(T, { kind: 'planRequest' })).find((t) => t.invoiceId === inv.invoiceId)!;
    const res = await callApi(adminApi, { method: 'POST', path: `/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, body: { apply: true } });
    expect(res.status).toBe(422);
    const viewer = await callApi(adminApi, { method: 'POST', path: `/v1/tasks/${encodeURIComponent(task.taskId)}/complete`, body: {}, user: { sub: 'v', groups: ['viewer'] } });
    expect(viewer.status).toBe(403);
  });
});
