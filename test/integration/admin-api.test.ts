/**
 * The admin API through its real handler module (lambdas/handlers/admin-api.ts) with API Gateway
 * v2 events, against DynamoDB Local, the local Step Functions emulator (real stops) and the local
 * EventBridge stand-in: every route, and every way a request can be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { adminUser, callApi, financeUser, outsider, viewerUser, type ApiRequest } from '../support/api-events.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { allRoutes } from '../../lambdas/api/routes/index.js';
import SwaggerParser from '@apidevtools/swagger-parser';

await useLocalTable();

const T = 'acme';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:dunning-test';
// 10 March 2026, 10:00 in Rome; each reading a millisecond later, so log entries keep their order.
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });

// A stand-in timeline: one long Wait, so an execution is RUNNING until something stops it.
const workflow = await startStandInWorkflow(STATE_MACHINE_ARN, NOW);
const { emulator, eventsSink } = workflow;

Object.assign(process.env, {
  TENANT_ID: T,
  ...workflow.env,
  EVENT_BUS_NAME: 'sollecito-test',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const { handler } = await import('../../lambdas/handlers/admin-api.js');
const api = <T = any>(req: ApiRequest) => callApi<T>(handler, req);
const store = dynamoRepositories();

afterAll(async () => {
  useSystemClock();
  await workflow.stop();
});

// ---------------------------------------------------------------------------------------------
// fixtures

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'crediti@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@officinerossi.example'],
});

const customer = (id: string, over: Record<string, unknown> = {}) =>
  Customer.parse({
    tenantId: T,
    customerId: id,
    name: `Customer ${id}`,
    country: 'IT',
    language: 'it',
    timeZone: 'Europe/Rome',
    email: `ap@${id.toLowerCase()}.example`,
    ...over,
  });

let seq = 0;
const invoice = (over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${String(++seq).padStart(3, '0')}`,
    number: `2026/${seq}`,
    customerId: 'C-MAIN',
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 120_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });

/** An invoice in the table with its execution running, as the stream would have started it. */
const chased = async (over: Partial<InvoiceInput> = {}) => {
  const inv = invoice(over);
  await store.invoices.putInvoice(inv);
  const name = executionName(T, inv.invoiceId, inv.revision, inv.run);
  emulator.start(name, JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }));
  return { inv, execution: name };
};

const execution = (name: string) => emulator.list().find((e) => e.name === name);

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer('C-MAIN', { salesNotes: ['Ask for Giulia, never before 10:00'], phone: '+393471234567' }));
  await store.customers.putCustomer(customer('C-OTHER'));
});

// ---------------------------------------------------------------------------------------------

describe('auth', () => {
  it('answers the health check without a token', async () => {
    const res = await api({ method: 'GET', path: '/health', user: null });
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('refuses every other route without an authenticated user (401)', async () => {
    for (const r of allRoutes.filter((x) => x.access !== 'public')) {
      const path = r.path.replace(/\{\w+\}/g, 'X');
      const res = await api({ method: r.method, path, body: {}, user: null });
      expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  it('lets a viewer read but not write, and refuses a user in neither group', async () => {
    const { inv } = await chased();
    expect((await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}`, user: viewerUser })).status).toBe(200);
    const write = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'hi' }, user: viewerUser });
    expect(write).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect((await api({ method: 'GET', path: '/v1/invoices', user: outsider })).status).toBe(403);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.events).toEqual([]);
  });

  it("lets an admin (the team's lead) read and write as finance does, in the log under the admin's name", async () => {
    const { inv } = await chased();
    expect((await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}`, user: adminUser })).status).toBe(200);
    expect((await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'spoken to their CFO' }, user: adminUser })).status).toBe(201);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.events).toEqual([expect.objectContaining({ type: 'note', actor: adminUser.sub, actorEmail: adminUser.email })]);
  });

  it("records the token's sub as the actor, and the e-mail beside it only when the token says it is verified", async () => {
    const { inv } = await chased();
    // A user can change their own e-mail attribute: an unverified one names nobody.
    const spoofer = { sub: 'u-finance-2', email: adminUser.email, emailVerified: false, groups: ['finance'] };
    const noClaim = { sub: 'u-finance-3', email: 'marta@officinerossi.example', groups: ['finance'] };
    const spoofed = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'I am the admin' }, user: spoofer });
    expect(spoofed.status).toBe(201);
    expect((await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'no claim' }, user: noClaim })).status).toBe(201);
    expect((await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'verified' }, user: financeUser })).status).toBe(201);
    const paid = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 1_000, date: '2026-03-09' }, user: spoofer });
    expect(paid.status).toBe(201);
    expect(paid.body.payment).toEqual(expect.objectContaining({ actor: 'u-finance-2' }));
    expect(paid.body.payment.actorEmail).toBeUndefined();

    const view = await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}`, user: viewerUser });
    const byText = (text: string) => view.body.log.find((e: { details?: { text?: string } }) => e.details?.text === text);
    expect(byText('I am the admin')).toMatchObject({ actor: 'u-finance-2' });
    expect(byText('I am the admin').actorEmail).toBeUndefined();
    expect(byText('no claim')).toMatchObject({ actor: 'u-finance-3' });
    expect(byText('no claim').actorEmail).toBeUndefined();
    expect(byText('verified')).toMatchObject({ actor: financeUser.sub, actorEmail: financeUser.email });
    expect(view.body.payments).toEqual([expect.objectContaining({ actor: 'u-finance-2' })]);
    expect(JSON.stringify(view.body)).not.toContain(adminUser.email);
  });

  it('serves its OpenAPI document to anyone, without a token', async () => {
    const res = await api({ method: 'GET', path: '/openapi.json', user: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.paths)).toContain('/v1/invoices/{id}/payments');
    // A valid OpenAPI 3.1 document (schema and $refs), every route of the router in it.
    await expect(SwaggerParser.validate(structuredClone(res.body))).resolves.toBeDefined();
    for (const r of allRoutes) expect(res.body.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });

  it('answers 404 for an unknown route, and 405 naming the methods for a known path', async () => {
    expect(await api({ method: 'GET', path: '/v1/nothing-here' })).toMatchObject({ status: 404, body: { code: 'route_not_found' } });
    expect(await api({ method: 'DELETE', path: '/v1/invoices/INV-001' })).toMatchObject({ status: 405, headers: { allow: 'GET' }, body: { code: 'method_not_allowed' } });
    expect(await api({ method: 'GET', path: '/v1/wording/firstReminder/firm/it/extra' })).toMatchObject({ status: 404, body: { code: 'route_not_found' } });
  });
});

describe('payments', () => {
  it('a partial payment lowers the amount due, records the payment and the user, and lets the execution run', async () => {
    const { inv, execution: name } = await chased();
    const res = await api({
      method: 'POST',
      path: `/v1/invoices/${inv.invoiceId}/payments`,
      body: { amount: 20_000, date: '2026-03-09', method: 'bank_transfer', reference: 'CRO 0042' },
    });
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({ status: 'open', amountPaid: 20_000, amountDue: 100_000, run: inv.run });
    expect(res.body.stoppedExecution).toBeUndefined();
    expect(execution(name)?.status).toBe('RUNNING');

    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.payments).toEqual([expect.objectContaining({ amount: 20_000, reference: 'CRO 0042', actor: financeUser.sub, actorEmail: financeUser.email })]);
    expect(view.events).toEqual([expect.objectContaining({ type: 'payment', actor: financeUser.sub, actorEmail: financeUser.email, channel: 'api' })]);
  });

  it('a full payment settles the invoice, takes it out of the open index and stops the execution with the reason', async () => {
    const { inv, execution: name } = await chased({ amountPaid: 20_000 });
    const res = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 100_000, date: '2026-03-10' } });
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({ status: 'paid', amountDue: 0 });
    expect(res.body.stoppedExecution).toBe(name);
    expect(execution(name)).toMatchObject({ status: 'ABORTED', error: 'Sollecito.Stopped' });
    expect(execution(name)?.cause).toContain(financeUser.email);

    const item = await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.invoice(T, inv.invoiceId) }));
    expect(item.Item?.gsi1pk).toBeUndefined();
    const list = await api({ method: 'GET', path: '/v1/invoices?limit=100' });
    expect(list.body.items.map((i: Invoice) => i.invoiceId)).not.toContain(inv.invoiceId);
  });

  it('refuses a payment on a settled invoice (409), an overpayment (422) and an unknown invoice (404)', async () => {
    const paid = invoice({ status: 'paid', amountPaid: 120_000 });
    await store.invoices.putInvoice(paid);
    const again = await api({ method: 'POST', path: `/v1/invoices/${paid.invoiceId}/payments`, body: { amount: 100, date: '2026-03-09' } });
    expect(again).toMatchObject({ status: 409, body: { code: 'invoice_paid' } });
    expect(again.body.message).toMatch(/already paid/);

    const { inv } = await chased();
    const over = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 120_001, date: '2026-03-09' } });
    expect(over).toMatchObject({ status: 422, body: { code: 'overpayment', errors: [{ field: 'amount' }] } });

    const unknown = await api({ method: 'POST', path: '/v1/invoices/NOPE/payments', body: { amount: 1, date: '2026-03-09' } });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'invoice_not_found' } });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toEqual([]);
  });

  it('names every invalid field (400), refuses malformed JSON (400) and a non-JSON body (415)', async () => {
    const { inv } = await chased();
    const bad = await api({
      method: 'POST',
      path: `/v1/invoices/${inv.invoiceId}/payments`,
      body: { amount: 12.5, date: '10/03/2026', method: 'bitcoin', amout: 5 },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['amount', 'amout', 'date', 'method']);
    expect(bad.body.errors.find((e: { field: string }) => e.field === 'amout').message).toBe('unknown field');

    const broken = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, rawBody: '{"amount": 1', headers: { 'content-type': 'application/json' } });
    expect(broken).toMatchObject({ status: 400, body: { code: 'invalid_json' } });
    const text = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, rawBody: 'amount=1', headers: { 'content-type': 'text/plain' } });
    expect(text).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
  });

  it('refuses a request that moves money without an Idempotency-Key (428, nothing recorded); the document says the header is required', async () => {
    const { inv } = await chased();
    const bare = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 10_000, date: '2026-03-09' }, idempotencyKey: null });
    expect(bare).toMatchObject({ status: 428, body: { code: 'idempotency_key_required', errors: [{ field: 'Idempotency-Key' }] } });
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toEqual([]);
    for (const path of [`/v1/invoices/${inv.invoiceId}/write-off`, '/v1/bank-credits/x/confirm', '/v1/bank-credits/x/undo', '/v1/customers/C-MAIN/credits/x/apply', '/v1/customers/C-MAIN/credits/x/refund', `/v1/invoices/${inv.invoiceId}/disputes/resolve`]) {
      expect((await api({ method: 'POST', path, body: {}, idempotencyKey: null })).status, path).toBe(428);
    }
    // A note moves no money: no key needed.
    expect((await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'called' }, idempotencyKey: null })).status).toBe(201);
    const doc = (await api({ method: 'GET', path: '/openapi.json' })).body;
    const header = (op: any) => op.parameters.find((p: { name: string }) => p.name === 'Idempotency-Key');
    expect(header(doc.paths['/v1/invoices/{id}/payments'].post)).toMatchObject({ in: 'header', required: true });
    expect(doc.paths['/v1/invoices/{id}/payments'].post.responses).toHaveProperty('428');
    expect(header(doc.paths['/v1/invoices/{id}/notes'].post)).toMatchObject({ required: false });
  });

  it('replays a repeated Idempotency-Key instead of recording a second payment, and refuses the key with another body', async () => {
    const { inv } = await chased();
    const req: ApiRequest = { method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 10_000, date: '2026-03-09' }, idempotencyKey: 'pay-7f3a' };
    const first = await api(req);
    const second = await api(req);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toHaveLength(1);

    const reused = await api({ ...req, body: { amount: 99, date: '2026-03-09' } });
    expect(reused).toMatchObject({ status: 422, body: { code: 'idempotency_key_reused' } });
    // The refusal leaves the first answer stored: the client's own retry is still a replay.
    const retried = await api(req);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toHaveLength(1);
    // Another user with the same key is another request.
    const other = await api({ ...req, user: { ...financeUser, sub: 'u-finance-2', email: 'marco@officinerossi.example' } });
    expect(other.status).toBe(201);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.payments).toHaveLength(2);
  });
});

describe('promises, plans, disputes, pauses', () => {
  it('a promise moves the invoice to a new run and stops the running execution; a past date is 422', async () => {
    const { inv, execution: name } = await chased();
    const past = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/promises`, body: { date: '2026-03-09' } });
    expect(past).toMatchObject({ status: 422, body: { code: 'date_in_past', errors: [{ field: 'date' }] } });
    expect(execution(name)?.status).toBe('RUNNING');

    const res = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/promises`, body: { date: '2026-03-20', by: 'Paolo Verdi' } });
    expect(res.status).toBe(201);
    expect(res.body.invoice).toMatchObject({ status: 'promised', run: inv.run + 1, promise: { date: '2026-03-20', by: 'Paolo Verdi' } });
    expect(execution(name)?.status).toBe('ABORTED');
    expect(execution(name)?.cause).toMatch(/promise to pay on 2026-03-20/);
  });

  it('an instalment plan that adds up is followed like a promise; one that does not is 422', async () => {
    const { inv } = await chased();
    const wrong = await api({
      method: 'POST',
      path: `/v1/invoices/${inv.invoiceId}/instalment-plan`,
      body: { instalments: [{ date: '2026-03-31', amount: 60_000 }, { date: '2026-04-30', amount: 50_000 }] },
    });
    expect(wrong).toMatchObject({ status: 422, body: { code: 'plan_total_mismatch' } });
    const ok = await api({
      method: 'POST',
      path: `/v1/invoices/${inv.invoiceId}/instalment-plan`,
      body: { instalments: [{ date: '2026-03-31', amount: 60_000 }, { date: '2026-04-30', amount: 60_000 }], by: 'Paolo Verdi' },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.invoice).toMatchObject({ status: 'promised', promise: { date: '2026-03-31', amount: 60_000 }, plan: { instalments: [{}, {}] } });
  });

  it('a dispute ends the chase; resolving it needs an open dispute and the right fields', async () => {
    const { inv, execution: name } = await chased();
    const notYet = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes/resolve`, body: { outcome: 'rejected' } });
    expect(notYet).toMatchObject({ status: 409, body: { code: 'not_disputed' } });

    const opened = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes`, body: { reason: 'goods', text: 'Two pallets damaged (DDT 1187)' } });
    expect(opened.status).toBe(201);
    expect(opened.body.invoice).toMatchObject({ status: 'disputed', run: inv.run });
    expect(execution(name)?.status).toBe('ABORTED');

    const both = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes/resolve`, body: { outcome: 'upheld', newAmount: 1, creditNote: { amount: 5 } } });
    expect(both).toMatchObject({ status: 400, body: { errors: [{ field: 'creditNote' }] } });
    const unknownOutcome = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes/resolve`, body: { outcome: 'maybe' } });
    expect(unknownOutcome).toMatchObject({ status: 400, body: { errors: [{ field: 'outcome' }] } });

    const upheld = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes/resolve`, body: { outcome: 'upheld', creditNote: { amount: 20_000, reference: 'NC 2026/4' } } });
    expect(upheld.status).toBe(200);
    expect(upheld.body.invoice).toMatchObject({ status: 'open', amount: 100_000, amountDue: 100_000, run: inv.run + 1 });
  });

  it('pause until a date, resume, escalate and write off each write the log with the user', async () => {
    const { inv } = await chased();
    const noReason = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/pause`, body: { until: '2026-04-01' } });
    expect(noReason).toMatchObject({ status: 400, body: { errors: [{ field: 'reason' }] } });
    const paused = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/pause`, body: { until: '2026-04-01', reason: 'customer restructuring' } });
    expect(paused.body.invoice).toMatchObject({ status: 'paused', pause: { until: '2026-04-01' }, run: inv.run + 1 });
    const resumed = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/resume` });
    expect(resumed.body.invoice).toMatchObject({ status: 'open', run: inv.run + 2 });
    expect((await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/resume` })).status).toBe(409);

    const escalated = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/escalate`, body: { reason: 'no answer in 60 days' } });
    expect(escalated.status).toBe(200);
    const { inv: other } = await chased();
    const written = await api({ method: 'POST', path: `/v1/invoices/${other.invoiceId}/write-off`, body: { reason: 'customer insolvent' } });
    expect(written.body.invoice.status).toBe('written_off');

    const log = (await store.invoices.getInvoiceView(T, inv.invoiceId))!.events;
    expect(log.map((e) => e.type)).toEqual(expect.arrayContaining(['pause', 'resume']));
    expect(new Set(log.map((e) => e.actor))).toEqual(new Set([financeUser.sub]));
  });

  it('resume restarts an open invoice whose timeline failed: the old execution stopped, a new run, the failure gone from the table', async () => {
    const { inv, execution: name } = await chased();
    const failure = { at: '2026-03-09T08:00:00.000Z', state: 'TableStream', error: 'RetryAttemptsExhausted', cause: 'the stream gave the batch up' };
    await store.invoices.recordFailure(T, inv.invoiceId, failure, { tenantId: T, invoiceId: inv.invoiceId, eventId: 'f-1', at: failure.at, type: 'failure', channel: 'system', actor: 'system', outcome: 'recorded' });

    const resumed = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/resume`, body: { reason: 'checked after the stream alarm' } });

    expect(resumed.status).toBe(200);
    expect(resumed.body.invoice).toMatchObject({ status: 'open', run: inv.run + 1 });
    expect(execution(name)?.status).toBe('ABORTED');
    const stored = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(stored.invoice.failure).toBeUndefined();
    expect(stored.events.find((e) => e.type === 'resume')?.details).toMatchObject({ from: 'open', failure: 'TableStream' });
  });

  it('a note is added to the log without touching the invoice', async () => {
    const { inv, execution: name } = await chased();
    const res = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'Called, will check with their bank' } });
    expect(res.status).toBe(201);
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice).toEqual(inv);
    expect(view.events).toEqual([expect.objectContaining({ type: 'note', details: { text: 'Called, will check with their bank' } })]);
    expect(execution(name)?.status).toBe('RUNNING');
  });
});

describe('reading invoices', () => {
  it('returns one invoice with its whole timeline', async () => {
    const { inv } = await chased();
    await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: 20_000, date: '2026-03-09' } });
    await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/promises`, body: { date: '2026-03-25' } });
    await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'will pay the rest on the 25th' } });
    const res = await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}`, user: viewerUser });
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ invoiceId: inv.invoiceId, amountDue: 100_000, daysPastDue: 29, bucket: '1-30' });
    expect(res.body.customer).toEqual({ customerId: 'C-MAIN', name: 'Customer C-MAIN' });
    expect(res.body.log.map((e: { type: string }) => e.type)).toEqual(['payment', 'promise', 'note']);
    expect(res.body.payments).toHaveLength(1);
    expect(res.body.promises.map((e: { type: string }) => e.type)).toEqual(['promise']);
    expect(res.body.notes).toHaveLength(1);
    expect(res.body.sending).toBe(false);
    // Under a promise the timeline waits for the check the day after it.
    expect(res.body.next).toMatchObject({ step: 'promiseCheck', planned: [] });
    expect(res.body.next.at.slice(0, 10) > '2026-03-25').toBe(true);
    expect((await api({ method: 'GET', path: '/v1/invoices/NOPE' })).status).toBe(404);
  });

  it('shows what the timeline does next and the stages planned after it, as the planner places them now', async () => {
    const { inv } = await chased();
    const res = await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}`, user: viewerUser });
    const next = res.body.next as { step: string; at: string; reason: string; planned: { stage: string; at: string }[] };
    expect(next.planned.length).toBeGreaterThan(1);
    expect(next.planned[0]).toEqual({ stage: next.step, at: next.at });
    expect(next.planned.map((p) => p.at)).toEqual([...next.planned.map((p) => p.at)].sort());
    expect(next.planned.map((p) => p.stage)).toContain('creditHold');
    expect(Date.parse(next.at)).toBeGreaterThanOrEqual(Date.parse('2026-03-10T00:00:00Z'));
    const paid = await api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: inv.amount, date: '2026-03-09' } });
    expect(paid.status).toBe(201);
    expect((await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}` })).body.next).toBeNull();
  });
});

describe('listing invoices', () => {
  const C = 'C-LIST';
  const ids: string[] = [];
  beforeAll(async () => {
    await store.customers.putCustomer(customer(C));
    // Due dates spread over every ageing bucket (today is 2026-03-10 in Rome).
    const dues = ['2026-03-20', '2026-03-10', '2026-03-09', '2026-02-08', '2026-02-07', '2026-01-09', '2025-12-10', '2025-12-09', '2025-11-01'];
    for (const [n, dueDate] of dues.entries()) {
      const inv = invoice({ customerId: C, dueDate, issueDate: '2025-10-01', needsContact: n === 0 });
      ids.push(inv.invoiceId);
      await store.invoices.putInvoice(inv);
    }
    await store.invoices.putInvoice(invoice({ customerId: C, dueDate: '2025-12-01', issueDate: '2025-10-01', status: 'paid', amountPaid: 120_000 }));
  });

  const list = async (query: string) => {
    const res = await api({ method: 'GET', path: `/v1/invoices?${query}` });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: (Invoice & { bucket: string })[]; nextCursor?: string };
  };

  it('pages through the open invoices of every shard in due-date order, each exactly once', async () => {
    const seen: { dueDate: string; invoiceId: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await list(`limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    const keysSeen = seen.map((i) => `${i.dueDate}#${i.invoiceId}`);
    expect(keysSeen).toEqual([...keysSeen].sort());
    expect(new Set(keysSeen).size).toBe(keysSeen.length);
    for (const id of ids) expect(seen.map((i) => i.invoiceId)).toContain(id);
  });

  it('filters by customer, ageing bucket, due dates, status and needs-contact', async () => {
    const byCustomer = await list(`customerId=${C}&limit=100`);
    expect(byCustomer.items).toHaveLength(10);
    const overdue31to60 = await list(`customerId=${C}&bucket=31-60`);
    expect(overdue31to60.items.map((i) => i.dueDate)).toEqual(['2026-01-09', '2026-02-07']);
    expect(new Set(overdue31to60.items.map((i) => i.bucket))).toEqual(new Set(['31-60']));
    const over90 = await list(`customerId=${C}&bucket=over_90`);
    expect(over90.items.map((i) => i.dueDate)).toEqual(['2025-11-01', '2025-12-01', '2025-12-09']);
    const window = await list(`customerId=${C}&dueAfter=2026-02-07&dueBefore=2026-03-10`);
    expect(window.items.map((i) => i.dueDate)).toEqual(['2026-02-08', '2026-03-09']);
    const paid = await list(`customerId=${C}&status=paid`);
    expect(paid.items.map((i) => i.status)).toEqual(['paid']);
    const waiting = await list(`needsContact=true&customerId=${C}`);
    expect(waiting.items.map((i) => i.invoiceId)).toEqual([ids[0]]);
    const notDue = await list('bucket=not_due&limit=100');
    expect(notDue.items.every((i) => i.dueDate >= '2026-03-10')).toBe(true);
    expect(notDue.items.map((i) => i.invoiceId)).toEqual(expect.arrayContaining([ids[0], ids[1]]));
  });

  it('explains filters it cannot serve and cursors it did not issue (400)', async () => {
    const paidEverywhere = await api({ method: 'GET', path: '/v1/invoices?status=paid' });
    expect(paidEverywhere).toMatchObject({ status: 400, body: { code: 'unsupported_filter', errors: [{ field: 'status' }] } });
    const forged = Buffer.from(JSON.stringify({ v: 1, f: 'x', k: [{ pk: 'T#other#INV#1', sk: 'INV' }] })).toString('base64url');
    expect(await api({ method: 'GET', path: `/v1/invoices?cursor=${forged}` })).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
    const page = await list(`customerId=${C}&limit=2`);
    const reused = await api({ method: 'GET', path: `/v1/invoices?customerId=C-OTHER&cursor=${encodeURIComponent(page.nextCursor!)}` });
    expect(reused).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
    const bad = await api({ method: 'GET', path: '/v1/invoices?limit=0&bucket=old&colour=red&dueBefore=yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['bucket', 'colour', 'dueBefore', 'limit']);
  });
});

describe('calls', () => {
  it("lists a day's calls with the live amount, the number, office hours and sales notes", async () => {
    const { inv } = await chased({ amountPaid: 20_000 });
    await store.doc.send(
      new PutCommand({
        TableName: store.name,
        Item: { ...keys.callTask(T, '2026-03-10', 'C-MAIN', inv.invoiceId), entity: 'callTask', talkingPoints: ['Work delivered as agreed', 'Terms were 30 days'] },
      }),
    );
    const res = await api({ method: 'GET', path: '/v1/calls', user: viewerUser });
    expect(res.status).toBe(200);
    expect(res.body.day).toBe('2026-03-10');
    const call = res.body.calls.find((c: { invoiceId: string }) => c.invoiceId === inv.invoiceId);
    expect(call).toMatchObject({
      customerId: 'C-MAIN',
      customerName: 'Customer C-MAIN',
      phone: '+393471234567',
      amountDue: 100_000,
      currency: 'EUR',
      officeHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' },
      talkingPoints: ['Work delivered as agreed', 'Terms were 30 days'],
      salesNotes: ['Ask for Giulia, never before 10:00'],
    });
    expect((await api({ method: 'GET', path: '/v1/calls?day=2026-03-11' })).body.calls).toEqual([]);
    expect((await api({ method: 'GET', path: '/v1/calls?day=tomorrow' })).status).toBe(400);
  });

  it('logs a call that got a promise and a new contact: promise recorded, contact saved, task completed', async () => {
    const { inv, execution: name } = await chased();
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.callTask(T, '2026-03-10', 'C-MAIN', inv.invoiceId), entity: 'callTask' } }));
    const res = await api({
      method: 'POST',
      path: `/v1/calls/C-MAIN/${inv.invoiceId}/outcome`,
      body: { reached: true, note: 'spoke to the controller', promise: { date: '2026-03-18' }, newContact: { name: 'Sara Neri', email: 'sara.neri@main.example', phone: '+393401112223' } },
    });
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ status: 'promised', promise: { date: '2026-03-18' } });
    expect(res.body.customerUpdated).toBe(true);
    expect(res.body.events.map((e: { type: string; channel: string }) => `${e.type}/${e.channel}`)).toEqual(['call_outcome/phone', 'promise/phone']);
    expect(execution(name)?.status).toBe('ABORTED');
    expect((await store.customers.getCustomer(T, 'C-MAIN'))?.billingContact).toMatchObject({ name: 'Sara Neri' });
    const task = await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.callTask(T, '2026-03-10', 'C-MAIN', inv.invoiceId) }));
    expect(task.Item?.outcome).toMatchObject({ reached: true, promiseDate: '2026-03-18', by: financeUser.sub });

    const wrongCustomer = await api({ method: 'POST', path: `/v1/calls/C-OTHER/${inv.invoiceId}/outcome`, body: { reached: false } });
    expect(wrongCustomer.status).toBe(404);
  });
});

describe('customers', () => {
  it("refuses a customer id holding '#' (the keys' separator: ACME and ACME#EU would share a prefix) with 400 naming the field, on every route that takes one", async () => {
    await store.customers.putCustomer(customer('ACME'));
    const hash = encodeURIComponent('ACME#EU');
    const refused = (field: string) => ({ status: 400, body: { code: 'validation_failed', errors: [expect.objectContaining({ field, message: expect.stringContaining("cannot contain '#'") })] } });
    expect(await api({ method: 'GET', path: `/v1/customers/${hash}` })).toMatchObject(refused('id'));
    expect(await api({ method: 'PATCH', path: `/v1/customers/${hash}`, body: { language: 'en' } })).toMatchObject(refused('id'));
    expect(await api({ method: 'POST', path: `/v1/customers/${hash}/notes`, body: { text: 'x' } })).toMatchObject(refused('id'));
    expect(await api({ method: 'POST', path: `/v1/customers/${hash}/release-hold`, body: { reason: 'x' } })).toMatchObject(refused('id'));
    expect(await api({ method: 'GET', path: `/v1/customers/${hash}/credits` })).toMatchObject(refused('id'));
    expect(await api({ method: 'POST', path: `/v1/calls/${hash}/INV-001/outcome`, body: { reached: false } })).toMatchObject(refused('customerId'));
    expect(await api({ method: 'GET', path: `/v1/invoices?customerId=${hash}` })).toMatchObject(refused('customerId'));
    // The customer without the suffix is still served.
    expect((await api({ method: 'GET', path: '/v1/customers/ACME' })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/invoices?customerId=ACME' })).status).toBe(200);
  });

  it('reads and updates a customer, logging the change with the user', async () => {
    await store.customers.putCustomer(customer('C-EDIT'));
    const bad = await api({ method: 'PATCH', path: '/v1/customers/C-EDIT', body: { email: 'not-an-address', timeZone: 'Mars/Base', officeHours: { days: [8], from: '9', to: '17:00' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['email', 'officeHours.days.0', 'officeHours.from', 'timeZone']);

    const res = await api({ method: 'PATCH', path: '/v1/customers/C-EDIT', body: { language: 'en', paymentDays: [10, 25], phone: null, policy: 'firm' } });
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({ language: 'en', paymentDays: [10, 25], policy: 'firm', version: 1 });
    expect(res.body.customer.phone).toBeUndefined();
    expect(res.body.history).toEqual([expect.objectContaining({ type: 'customer_updated', actor: financeUser.sub, actorEmail: financeUser.email })]);
    expect((await api({ method: 'GET', path: '/v1/customers/C-EDIT', user: viewerUser })).body.customer.language).toBe('en');
    expect((await api({ method: 'GET', path: '/v1/customers/NOPE' })).status).toBe(404);
    expect((await api({ method: 'PATCH', path: '/v1/customers/NOPE', body: { language: 'en' } })).status).toBe(404);
  });

  it('starts the invoices that waited for a contact once an e-mail address is added', async () => {
    await store.customers.putCustomer(customer('C-UNREACHABLE', { email: undefined }));
    const waiting = invoice({ customerId: 'C-UNREACHABLE', needsContact: true });
    await store.invoices.putInvoice(waiting);
    const res = await api({ method: 'PATCH', path: '/v1/customers/C-UNREACHABLE', body: { email: 'ap@found.example' } });
    expect(res.status).toBe(200);
    const after = (await store.invoices.getInvoice(T, waiting.invoiceId))!;
    expect(after.needsContact).toBe(false);
    expect(after.status).toBe('open');
  });

  it('adds sales notes in order', async () => {
    await store.customers.putCustomer(customer('C-NOTES', { salesNotes: ['Key account'] }));
    const res = await api({ method: 'POST', path: '/v1/customers/C-NOTES/notes', body: { text: 'Talk to Giulia, not the CEO' } });
    expect(res.status).toBe(201);
    expect(res.body.customer.salesNotes).toEqual(['Key account', 'Talk to Giulia, not the CEO']);
  });

  it('releases a credit hold, tells the ERP through EventBridge, and refuses when there is none', async () => {
    await store.customers.putCustomer(customer('C-HOLD', { creditHold: { placedAt: '2026-03-01T08:00:00Z', invoiceId: 'INV-HOLD', reason: '30 days late' } }));
    const res = await api({ method: 'POST', path: '/v1/customers/C-HOLD/release-hold', body: { reason: 'paid by bank transfer' } });
    expect(res.status).toBe(200);
    expect(res.body.customer.creditHold).toBeUndefined();
    expect(res.body.eventPublished).toBe(true);
    const published = eventsSink.events.filter((e) => e.detailType === 'CreditHoldReleased');
    expect(published).toEqual([
      expect.objectContaining({ source: 'sollecito', detail: expect.objectContaining({ tenantId: T, customerId: 'C-HOLD', invoiceId: 'INV-HOLD', releasedBy: financeUser.sub }) }),
    ]);
    expect(JSON.stringify(published)).not.toContain('@');
    const again = await api({ method: 'POST', path: '/v1/customers/C-HOLD/release-hold', body: {} });
    expect(again).toMatchObject({ status: 409, body: { code: 'no_credit_hold' } });
    const invoiceLog = await store.doc.send(
      new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.invoice(T, 'INV-HOLD').pk } }),
    );
    expect(invoiceLog.Items?.map((i) => i.type)).toEqual(['credit_hold_released']);
  });
});
