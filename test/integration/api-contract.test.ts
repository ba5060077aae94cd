/**
 * The admin API against the contract it publishes: the document is read from the API itself
 * (GET /openapi.json, as an outside tool would), turned into a response validator (ajv over its
 * schemas, test/support/api-contract.ts), and a finance user's working session and a hostile
 * caller's requests go through the real handler module over DynamoDB Local. Every answer must have
 * a status the operation documents and a body valid against it, carry no storage key anywhere, and
 * none may be a 5xx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { apiEvent, lambdaContext, outsider, viewerUser, type ApiRequest } from '../support/api-events.js';
import { contractChecker } from '../support/api-contract.js';
import { clock, useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { LocalHttpApi, type HttpHandler } from '../../local/services/http-api.js';
import { Activity } from '../../local/activity.js';
import { localContext } from '../../local/lambda-context.js';
import { freePort } from '../../local/services/ports.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoTimelineWakeUps } from '../../lambdas/adapters/dynamo-timeline-wake-ups.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { WORDING_KINDS } from '../../lambdas/domain/messages/wording.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { allRoutes } from '../../lambdas/api/routes/index.js';
import { PUBLIC_ADMIN_ROUTES } from '../../lambdas/api/public-routes.js';

await useLocalTable();

const T = 'contract-co';
const NOW = new Date('2026-03-10T09:00:00Z');
let ticks = 0;
useClock({ now: () => new Date(NOW.getTime() + ticks++) });
const workflow = await startStandInWorkflow('arn:aws:states:eu-south-1:000000000000:stateMachine:contract', NOW);
Object.assign(process.env, {
  TENANT_ID: T,
  ...workflow.env,
  EVENT_BUS_NAME: 'contract',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const { handler } = await import('../../lambdas/handlers/admin-api.js');
const store = dynamoRepositories();
const wakeUps = new DynamoTimelineWakeUps(tableFromEnv());

/** Attribute names of the single table (adapters/dynamo/items.ts strip): none may reach a client. */
const STORAGE_KEY = /^(pk|sk|gsi\d+(pk|sk)|entity|ttl|sendingUntil)$/;
const storageKeys = (value: unknown, at = '$'): string[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => storageKeys(v, `${at}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [...(STORAGE_KEY.test(k) ? [`${at}.${k}`] : []), ...storageKeys(v, `${at}.${k}`)]);
};

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
}

const raw = async (req: ApiRequest): Promise<Answer> => {
  const out = (await handler(apiEvent(req), lambdaContext())) as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const text = out.body ?? '';
  return { status: out.statusCode ?? 200, headers, body: headers['content-type']?.includes('json') && text ? JSON.parse(text) : text };
};

let served: Answer;
let contract: ReturnType<typeof contractChecker>;
const answered: { req: string; status: number }[] = [];
const leaks: string[] = [];

/** One request of the session: checked against the served document, kept for the final verdict. */
const api = async (req: ApiRequest): Promise<Answer> => {
  const res = await raw(req);
  contract.check({ method: req.method, path: req.path, status: res.status, headers: res.headers, body: res.body });
  answered.push({ req: `${req.method} ${req.path}`, status: res.status });
  for (const k of storageKeys(res.body)) leaks.push(`${req.method} ${req.path} → ${res.status}: ${k}`);
  return res;
};

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Contratti S.r.l.',
  email: 'crediti@contratti.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['amministrazione@contratti.example'],
});
const customer = (id: string) =>
  Customer.parse({ tenantId: T, customerId: id, name: `Cliente ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example`, phone: '+393471234567' });
let seq = 0;
const chased = async (over: Partial<InvoiceInput> = {}): Promise<Invoice> => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${String(++seq).padStart(3, '0')}`,
    number: `2026/${seq}`,
    customerId: 'C-1',
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 120_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });
  await store.invoices.putInvoice(inv);
  workflow.emulator.start(executionName(T, inv.invoiceId, inv.revision, inv.run), JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }));
  return inv;
};

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer('C-1'));
  await store.customers.putCustomer(customer('C-2'));
  // The document as the API serves it, without a token: the contract is public.
  served = await raw({ method: 'GET', path: '/openapi.json', user: null });
  contract = contractChecker(served.body);
});
afterAll(async () => {
  useSystemClock();
  await workflow.stop();
});

describe('the admin API keeps the contract it serves', () => {
  it('serves the document without a token, and the document is OpenAPI 3.1 with a server and a licence', () => {
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ openapi: '3.1.0', info: { license: { name: expect.any(String) } }, servers: [expect.objectContaining({ url: expect.any(String) })] });
    // The routes declared public are the ones the CDK stack and the local stack leave without the JWT authorizer.
    const declared = allRoutes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`);
    expect(declared.sort()).toEqual(PUBLIC_ADMIN_ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    for (const key of declared) {
      const [method, path] = key.split(' ') as [string, string];
      expect(served.body.paths[path][method.toLowerCase()], key).toMatchObject({ security: [] });
    }
  });

  it("keeps it through a finance user's session", async () => {
    const a = await chased();
    const b = await chased({ customerId: 'C-2', dueDate: '2026-03-01', amount: 50_000 });
    const c = await chased({ dueDate: '2026-01-20', amount: 30_000 });

    expect((await api({ method: 'GET', path: '/health', user: null })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/invoices?limit=10' })).body.items.length).toBe(3);
    await api({ method: 'GET', path: '/v1/invoices?customerId=C-1&status=open&bucket=1-30' });
    await api({ method: 'GET', path: '/v1/invoices?needsContact=false&dueAfter=2026-01-01&dueBefore=2026-12-31' });

    // Money in, then the invoice read back with its payments: the body the issue found leaking.
    expect((await api({ method: 'POST', path: `/v1/invoices/${a.invoiceId}/payments`, body: { amount: 20_000, date: '2026-03-09', method: 'bank_transfer', reference: 'CRO 1187' } })).status).toBe(201);
    const read = await api({ method: 'GET', path: `/v1/invoices/${a.invoiceId}`, user: viewerUser });
    expect(read.status).toBe(200);
    expect(read.body.payments).toHaveLength(1);
    expect((await api({ method: 'POST', path: `/v1/invoices/${a.invoiceId}/promises`, body: { date: '2026-03-25', by: 'Paolo Verdi' } })).status).toBe(201);
    await api({ method: 'POST', path: `/v1/invoices/${a.invoiceId}/notes`, body: { text: 'Will pay the rest on the 25th' } });
    expect((await api({ method: 'POST', path: `/v1/invoices/${b.invoiceId}/pause`, body: { until: '2026-04-01', reason: 'customer restructuring' } })).status).toBe(200);
    expect((await api({ method: 'POST', path: `/v1/invoices/${b.invoiceId}/resume` })).status).toBe(200);
    expect((await api({ method: 'POST', path: `/v1/invoices/${b.invoiceId}/disputes`, body: { reason: 'goods', text: 'Two pallets damaged' } })).status).toBe(201);
    expect((await api({ method: 'POST', path: `/v1/invoices/${b.invoiceId}/disputes/resolve`, body: { outcome: 'upheld', creditNote: { amount: 10_000, reference: 'NC 2026/4' } } })).status).toBe(200);
    expect((await api({ method: 'POST', path: `/v1/invoices/${c.invoiceId}/write-off`, body: { reason: 'customer insolvent' } })).status).toBe(200);
    await api({ method: 'GET', path: `/v1/invoices/${b.invoiceId}` });
    const d = await chased({ amount: 60_000 });
    expect((await api({ method: 'POST', path: `/v1/invoices/${d.invoiceId}/instalment-plan`, body: { instalments: [{ date: '2026-03-20', amount: 30_000 }, { date: '2026-04-20', amount: 30_000 }] } })).status).toBe(201);
    const e = await chased();
    expect((await api({ method: 'POST', path: `/v1/invoices/${e.invoiceId}/escalate`, body: { reason: 'no answer in 60 days' } })).status).toBe(200);
    // A timeline parked for a later run (app/timeline/keep-within-year.ts): when it resumes and why, nothing of the wake-up's storage.
    expect(read.body.parked).toBeNull();
    const f = await chased({ dueDate: '2027-03-01' });
    expect(await wakeUps.record({ tenantId: T, invoiceId: f.invoiceId, revision: 1, run: 0 }, '2027-02-22T08:00:00.000Z')).toBe(true);
    const parked = (await api({ method: 'GET', path: `/v1/invoices/${f.invoiceId}`, user: viewerUser })).body.parked;
    expect(parked).toMatchObject({ resumesAt: '2027-02-22T08:00:00.000Z', due: false, waitsFor: { step: expect.any(String), at: expect.any(String) } });
    expect(parked.reason).toMatch(/one year|365 days/);
    expect(parked.reason).toContain('a new run starts at 2027-02-22T08:00:00.000Z');
    expect(JSON.stringify(parked)).not.toMatch(/WAKEUP|T#/);
    await api({ method: 'GET', path: '/v1/invoices?customerId=C-1&status=written_off' });

    expect((await api({ method: 'GET', path: '/v1/customers/C-1' })).status).toBe(200);
    expect((await api({ method: 'PATCH', path: '/v1/customers/C-1', body: { language: 'en', paymentDays: [10, 25] } })).status).toBe(200);
    expect((await api({ method: 'POST', path: '/v1/customers/C-1/notes', body: { text: 'Ask for Giulia, never before 10:00' } })).status).toBe(201);
    await api({ method: 'GET', path: '/v1/customers/C-1/credits' });
    await api({ method: 'GET', path: '/v1/calls' });
    await api({ method: 'GET', path: '/v1/tasks' });
    await api({ method: 'GET', path: '/v1/bank-credits' });
    await api({ method: 'GET', path: '/v1/bank-statements' });
    expect((await api({ method: 'GET', path: '/v1/reports/ageing' })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/reports/ageing?format=csv&rows=invoices' })).status).toBe(200);
    expect((await api({ method: 'GET', path: '/v1/policies' })).status).toBe(200);
    await api({ method: 'GET', path: '/v1/policies/standard' });
    await api({ method: 'POST', path: '/v1/policies/preview', body: { policyId: 'firm' } });
    await api({ method: 'POST', path: '/v1/simulations', body: { policies: [{ id: 'standard' }, { id: 'firm' }] } });
    expect((await api({ method: 'GET', path: '/v1/wording' })).status).toBe(200);
    await api({ method: 'GET', path: `/v1/wording/${WORDING_KINDS[0]}/standard/it` });

    expect(contract.violations).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it('keeps it for hostile requests', async () => {
    const inv = await chased();
    const pay = `/v1/invoices/${inv.invoiceId}/payments`;
    const json = { 'content-type': 'application/json' };
    const hostile: ApiRequest[] = [
      // No token, a user in no group, a viewer writing.
      { method: 'GET', path: '/v1/invoices', user: null },
      { method: 'POST', path: pay, body: { amount: 1, date: '2026-03-09' }, user: null },
      { method: 'GET', path: '/v1/invoices', user: outsider },
      { method: 'POST', path: `/v1/invoices/${inv.invoiceId}/notes`, body: { text: 'x' }, user: viewerUser },
      // Bodies: not JSON, empty, the wrong type, not an object, unknown fields, huge values.
      { method: 'POST', path: pay, rawBody: '{"amount": 1', headers: json },
      { method: 'POST', path: pay, rawBody: 'amount=1', headers: { 'content-type': 'text/plain' } },
      { method: 'POST', path: pay },
      { method: 'POST', path: pay, rawBody: '', headers: json },
      { method: 'POST', path: pay, body: [] },
      { method: 'POST', path: pay, body: null },
      { method: 'POST', path: pay, body: 'a string' },
      { method: 'POST', path: pay, body: { amount: '100', date: 20260309 } },
      { method: 'POST', path: pay, body: { amount: 1e308, date: '2026-03-09' } },
      { method: 'POST', path: pay, body: { amount: Number.MAX_SAFE_INTEGER * 4, date: '2026-03-09' } },
      { method: 'POST', path: pay, body: { amount: 1, date: '2026-02-30', pk: 'T#x', colour: 'red' } },
      { method: 'POST', path: pay, body: { amount: 1, date: '2026-03-09', reference: 'x'.repeat(100_000) } },
      { method: 'POST', path: pay, body: { amount: 999_999_999, date: '2026-03-09' } },
      { method: 'POST', path: pay, body: { amount: 1, date: '2026-03-09' }, idempotencyKey: null },
      { method: 'POST', path: pay, body: { amount: 1, date: '2026-03-09' }, idempotencyKey: 'k'.repeat(300) },
      { method: 'POST', path: `/v1/invoices/${inv.invoiceId}/promises`, body: { date: '2020-01-01' } },
      { method: 'POST', path: `/v1/invoices/${inv.invoiceId}/disputes/resolve`, body: { outcome: 'rejected' } },
      { method: 'PATCH', path: '/v1/customers/C-1', body: { email: 'not-an-address', timeZone: 'Mars/Base' } },
      { method: 'PATCH', path: '/v1/customers/NOPE', body: {} },
      // Query strings: unknown parameters, wrong types, huge values, filters the list cannot serve.
      { method: 'GET', path: '/v1/invoices?colour=red' },
      { method: 'GET', path: '/v1/invoices?limit=abc' },
      { method: 'GET', path: '/v1/invoices?limit=1e400' },
      { method: 'GET', path: `/v1/invoices?cursor=${'x'.repeat(5000)}` },
      { method: 'GET', path: '/v1/invoices?cursor=bm90LWEtY3Vyc29y' },
      { method: 'GET', path: '/v1/invoices?status=paid' },
      { method: 'GET', path: '/v1/invoices?status=unknown' },
      { method: 'GET', path: `/v1/invoices/${inv.invoiceId}?expand=all` },
      { method: 'GET', path: '/v1/policies?page=2' },
      { method: 'GET', path: '/v1/calls?day=tomorrow' },
      // Paths: unknown ids, hostile ids, unknown routes, wrong methods.
      { method: 'GET', path: '/v1/invoices/NOPE' },
      { method: 'GET', path: `/v1/invoices/${'x'.repeat(300)}` },
      { method: 'GET', path: '/v1/invoices/%E0%A4%A' },
      { method: 'GET', path: '/v1/customers/A%23B' },
      { method: 'GET', path: '/v1/nothing-here' },
      { method: 'GET', path: '/nothing-here' },
      { method: 'DELETE', path: `/v1/invoices/${inv.invoiceId}` },
      { method: 'PUT', path: pay, body: { amount: 1, date: '2026-03-09' } },
      { method: 'POST', path: '/openapi.json', body: {} },
    ];
    for (const req of hostile) {
      const res = await api(req);
      expect(res.status, `${req.method} ${req.path}`).toBeGreaterThanOrEqual(400);
    }
    // A path served under other methods names them.
    expect(await api({ method: 'DELETE', path: pay })).toMatchObject({ status: 405, headers: { allow: 'POST' }, body: { code: 'method_not_allowed' } });
    expect(contract.violations).toEqual([]);
    expect(leaks).toEqual([]);
  });

  it("keeps it through the local stack's HTTP port, which lets the same routes through without a token as the CDK stack", async () => {
    const local = new LocalHttpApi({ port: await freePort(), clock, activity: new Activity(), admin: async () => handler as HttpHandler, customer: async () => undefined, context: localContext });
    const base = await local.listen();
    const token = local.issueToken({ sub: 'local-viewer', email: 'viewer@contratti.example', groups: ['viewer'] });
    try {
      const over = async (method: ApiRequest['method'], path: string, bearer?: string): Promise<Answer> => {
        const r = await fetch(`${base}${path}`, { method, headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });
        const headers = Object.fromEntries(r.headers.entries());
        const text = await r.text();
        const res = { status: r.status, headers, body: headers['content-type']?.includes('json') && text ? JSON.parse(text) : text };
        contract.check({ method, path, status: res.status, headers, body: res.body });
        answered.push({ req: `${method} ${path} (local port)`, status: res.status });
        return res;
      };
      const doc = await over('GET', '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body).toEqual(served.body);
      expect((await over('GET', '/health')).status).toBe(200);
      // API Gateway's JWT authorizer's own answer, as the document says it comes.
      expect(await over('GET', '/v1/invoices')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      expect(await over('GET', '/v1/invoices', 'local.not-a-token')).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
      expect((await over('GET', '/v1/invoices', token)).status).toBe(200);
    } finally {
      await local.stop();
    }
    expect(contract.violations).toEqual([]);
  });

  it('answered no request with a 5xx', () => {
    expect(answered.length).toBeGreaterThan(60);
    expect(answered.filter((a) => a.status >= 500)).toEqual([]);
  });
});
