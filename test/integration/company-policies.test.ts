/**
 * Policies as data (issue 17 item 1) on DynamoDB Local: the versioned store, /v1/policies through
 * the admin API's real handler, config/policies.json through ingest, and the re-planning a change
 * sets off (a new run on every open invoice it reaches; the stream starts each, tested elsewhere).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { callApi, viewerUser } from '../support/api-events.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { PolicyConflictError } from '../../lambdas/app/ports/policies.js';
import { resolvePolicy } from '../../lambdas/app/policies/resolve-policy.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { validateCompanyPolicy, type CompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import type { SourceFile } from '../../lambdas/domain/parsers/read-file.js';

await useLocalTable();
// The admin API's commands build a Step Functions client; nothing here starts or stops an execution.
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused';
process.env.EVENT_BUS_NAME ??= 'unused';
const table = tableFromEnv();
const store = dynamoRepositories(table);

let tenants = 0;
const newTenant = async (over: Record<string, unknown> = {}) => {
  const t = Tenant.parse({
    tenantId: `pol-${++tenants}-${Date.now()}`, name: 'Officine Rossi S.r.l.', email: 'crediti@officinerossi.example', iban: 'IT60X0542811101000000123456',
    country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['amministrazione@officinerossi.example'], ...over,
  });
  await store.tenants.putTenant(t);
  return t;
};
const putCustomer = (t: string, id: string, over: Record<string, unknown> = {}) =>
  store.customers.putCustomer(Customer.parse({ tenantId: t, customerId: id, name: `Customer ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example`, ...over }));
const putInvoice = async (t: string, id: string, over: Partial<InvoiceInput> = {}) => {
  const inv = Invoice.parse({
    tenantId: t, invoiceId: id, number: id, customerId: 'C-1', issueDate: '2026-11-02', dueDate: '2026-12-02', currency: 'EUR', amount: 120_000,
    status: 'open', createdAt: '2026-11-02T08:00:00Z', updatedAt: '2026-11-02T08:00:00Z', ...over,
  });
  await store.invoices.putInvoice(inv);
  return inv;
};
const runOf = async (t: string, id: string): Promise<number> =>
  Number((await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.invoice(t, id) }))).Item?.run);

const fourStep = (over: Record<string, unknown> = {}) => ({
  id: 'four-step',
  name: 'Four steps',
  tone: 'firm',
  stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14, channels: ['email', 'sms'] }, creditHold: { offsetDays: 30 } },
  ...over,
});
const parsed = (input: unknown): CompanyPolicy => {
  const r = validateCompanyPolicy(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
};

describe('the policy store', () => {
  it('keeps every version; a save that assumes another latest version is refused', async () => {
    const t = await newTenant();
    await store.policies.save(t.tenantId, parsed(fourStep()), 0, '2026-12-01T10:00:00Z');
    await store.policies.save(t.tenantId, parsed(fourStep({ name: 'Four steps, v2' })), 1, '2026-12-02T10:00:00Z');
    await expect(store.policies.save(t.tenantId, parsed(fourStep({ name: 'stale' })), 1, '2026-12-02T11:00:00Z')).rejects.toBeInstanceOf(PolicyConflictError);
    await expect(store.policies.save(t.tenantId, parsed(fourStep({ name: 'again' })), 0, '2026-12-02T11:00:00Z')).rejects.toBeInstanceOf(PolicyConflictError);
    expect((await store.policies.latest(t.tenantId, 'four-step'))?.body.name).toBe('Four steps, v2');
    expect((await store.policies.version(t.tenantId, 'four-step', 1))?.body.name).toBe('Four steps');
    expect((await store.policies.list(t.tenantId)).map((p) => [p.id, p.version])).toEqual([['four-step', 2]]);
  });

  it('an invoice is chased under the version it was planned with; planning reads the newest', async () => {
    const t = await newTenant();
    await putCustomer(t.tenantId, 'C-1', { policy: 'four-step' });
    await store.policies.save(t.tenantId, parsed(fourStep()), 0, '2026-12-01T10:00:00Z');
    await store.policies.save(t.tenantId, parsed(fourStep({ tone: 'gentle' })), 1, '2026-12-02T10:00:00Z');
    const customer = (await store.customers.getCustomer(t.tenantId, 'C-1'))!;
    const planned = await resolvePolicy(store.policies, t, customer, { policy: { id: 'four-step', version: 1 } }, 'planned');
    const latest = await resolvePolicy(store.policies, t, customer, { policy: { id: 'four-step', version: 1 } }, 'latest');
    expect([planned.policy.version, planned.policy.tone]).toEqual([1, 'firm']);
    expect([latest.policy.version, latest.policy.tone]).toEqual([2, 'gentle']);
    const gone = await resolvePolicy(store.policies, t, { ...customer, policy: 'deleted-one' }, {}, 'latest');
    expect(gone).toEqual({ policy: expect.objectContaining({ id: 'standard' }), warning: "policy deleted-one (the customer's) does not exist: chased under standard" });
  });
});

describe('/v1/policies', () => {
  it('creates, versions, lists and reads policies; a new version re-plans the open invoices planned with an older one', async () => {
    const t = await newTenant();
    const api = adminApiHandler(t.tenantId);
    await putCustomer(t.tenantId, 'C-1', { policy: 'four-step' });
    const created = await callApi(api, { method: 'POST', path: '/v1/policies', body: fourStep() });
    expect(created).toMatchObject({ status: 201, body: { version: 1, created: true, replanned: 0 } });
    expect((await callApi(api, { method: 'POST', path: '/v1/policies', body: fourStep() })).body).toMatchObject({ code: 'policy_conflict' });

    // Two open invoices planned with version 1, one paid, one planned with version 2 already
    await putInvoice(t.tenantId, 'A', { policy: { id: 'four-step', version: 1 } });
    await putInvoice(t.tenantId, 'B', { policy: { id: 'four-step', version: 1 }, dueDate: '2026-12-20' });
    await putInvoice(t.tenantId, 'PAID', { policy: { id: 'four-step', version: 1 }, status: 'paid', amountPaid: 120_000 });
    await putInvoice(t.tenantId, 'OTHER', { policy: { id: 'other', version: 1 } });
    const v2 = await callApi(api, { method: 'POST', path: '/v1/policies/four-step/versions', body: fourStep({ tone: 'standard' }) });
    expect(v2).toMatchObject({ status: 200, body: { version: 2, created: true, replanned: 2 } });
    expect([await runOf(t.tenantId, 'A'), await runOf(t.tenantId, 'B'), await runOf(t.tenantId, 'PAID'), await runOf(t.tenantId, 'OTHER')]).toEqual([1, 1, 0, 0]);
    // The same again: nothing new, nothing re-planned twice
    expect((await callApi(api, { method: 'POST', path: '/v1/policies/four-step/versions', body: fourStep({ tone: 'standard' }) })).body).toMatchObject({ version: 2, created: false });

    const list = await callApi(api, { method: 'GET', path: '/v1/policies', user: viewerUser });
    expect(list.body.policies.map((p: { id: string; version: number; readOnly: boolean }) => `${p.id}@${p.version}${p.readOnly ? ' (preset)' : ''}`)).toEqual([
      'relationship@1 (preset)', 'standard@1 (preset)', 'firm@1 (preset)', 'four-step@2',
    ]);
    expect((await callApi(api, { method: 'GET', path: '/v1/policies/four-step?version=1' })).body).toMatchObject({ version: 1, policy: { tone: 'firm' } });
    expect((await callApi(api, { method: 'GET', path: '/v1/policies/firm' })).body).toMatchObject({ readOnly: true, policy: { stages: { creditHold: { offsetDays: 15, channels: ['email', 'sms'] } } } });
    expect((await callApi(api, { method: 'GET', path: '/v1/policies/nope' })).status).toBe(404);
    expect((await callApi(api, { method: 'POST', path: '/v1/policies/nope/versions', body: fourStep({ id: 'nope' }) })).status).toBe(404);
  });

  it('refuses a bad policy with every reason, and nothing running changes', async () => {
    const t = await newTenant();
    const api = adminApiHandler(t.tenantId);
    await putInvoice(t.tenantId, 'A', { policy: { id: 'four-step', version: 1 } });
    const handOffFirst = fourStep({ stages: { escalation: { offsetDays: 5 }, dueDate: { offsetDays: 10 }, firstOverdue: { offsetDays: 10 } } });
    const res = await callApi(api, { method: 'POST', path: '/v1/policies', body: handOffFirst });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('policy_refused');
    expect(res.body.errors).toEqual(expect.arrayContaining([
      { field: 'stages.escalation', message: 'escalation cannot be the first stage' },
      { field: 'stages.escalation', message: 'escalation needs at least one written reminder before it' },
      { field: 'stages.firstOverdue.offsetDays', message: 'firstOverdue falls on the same day as dueDate: no two reminders a day' },
    ]));
    const shape = await callApi(api, { method: 'POST', path: '/v1/policies', body: { ...fourStep(), id: 'Bad Id', tone: 'angry' } });
    expect(shape.status).toBe(400);
    expect(shape.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['id', 'tone']);
    expect(await store.policies.list(t.tenantId)).toEqual([]);
    expect(await runOf(t.tenantId, 'A')).toBe(0);
  });

  it('previews a policy on a sample invoice without saving it', async () => {
    const t = await newTenant();
    const api = adminApiHandler(t.tenantId);
    const res = await callApi(api, { method: 'POST', path: '/v1/policies/preview', body: { policy: fourStep(), sample: { issueDate: '2027-01-04', dueDate: '2027-02-03' } } });
    expect(res.status).toBe(200);
    expect(res.body.stages.map((s: { stage: string; day: string }) => `${s.stage} ${s.day}`)).toEqual([
      'dueDate 2027-02-03', 'firstOverdue 2027-02-10', 'secondOverdue 2027-02-17', 'creditHold 2027-03-05',
    ]);
    const bad = await callApi(api, { method: 'POST', path: '/v1/policies/preview', body: { policy: fourStep({ stages: { creditHold: { offsetDays: 3 } } }) } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('policy.stages.creditHold');
    expect((await callApi(api, { method: 'POST', path: '/v1/policies/preview', body: { policyId: 'relationship' } })).body.stages[0].stage).toBe('receiptCheck');
    expect(await store.policies.list(t.tenantId)).toEqual([]);
  });

  it('assigns a policy to a customer (an unknown one refused) and re-plans its open invoices', async () => {
    const t = await newTenant();
    const api = adminApiHandler(t.tenantId);
    await putCustomer(t.tenantId, 'C-1');
    await putInvoice(t.tenantId, 'A');
    await putInvoice(t.tenantId, 'WAITS', { needsContact: true });
    const unknown = await callApi(api, { method: 'PATCH', path: '/v1/customers/C-1', body: { policy: 'four-step' } });
    expect(unknown).toMatchObject({ status: 422, body: { code: 'unknown_policy', errors: [{ field: 'policy', message: 'unknown policy' }] } });
    expect(await runOf(t.tenantId, 'A')).toBe(0);
    await callApi(api, { method: 'POST', path: '/v1/policies', body: fourStep() });
    expect((await callApi(api, { method: 'PATCH', path: '/v1/customers/C-1', body: { policy: 'four-step' } })).body.customer.policy).toBe('four-step');
    expect([await runOf(t.tenantId, 'A'), await runOf(t.tenantId, 'WAITS')]).toEqual([1, 0]);
    // A segment tag that changes nothing (the customer's own policy comes first) re-plans nothing
    await callApi(api, { method: 'PATCH', path: '/v1/customers/C-1', body: { segment: 'retail' } });
    expect(await runOf(t.tenantId, 'A')).toBe(1);
  });
});

describe('config/policies.json', () => {
  const workflow: Workflow = { start: async () => ({ executionArn: 'arn', alreadyStarted: false }), stop: async () => undefined };
  const deps: IngestFileDeps = {
    tenants: store.tenants,
    invoiceWriter: () => new DynamoInvoiceWriter(table),
    customerDirectory: () => new DynamoCustomerDirectory(table),
    now: () => new Date('2026-12-02T10:00:00Z'),
    count: testObservability('policies-file').count,
    creditNotes: { commands: new DynamoCommands(workflow, table), bankCredits: store.bankCredits },
    policies: { policies: store.policies, restarts: store.restarts },
  };
  const file = (key: string, text: string): SourceFile => {
    const bytes = Buffer.from(text);
    return { key, size: bytes.byteLength, body: (async function* () { yield bytes; })() };
  };

  it('saves the valid policies, reports each refused one by its place, and re-plans a company default that changes', async () => {
    const t = await newTenant();
    await putCustomer(t.tenantId, 'C-1');
    await putInvoice(t.tenantId, 'A');
    const bad = fourStep({ id: 'no-reminders', stages: { creditHold: { offsetDays: 30 } } });
    const upload = { policies: [fourStep(), bad] };
    const { summary, report } = await ingestFile(deps, file('config/policies.json', JSON.stringify(upload)), { tenantId: t.tenantId });
    expect(summary).toMatchObject({ kind: 'policies', records: 2, rejected: 3 });
    expect(report.errors).toEqual([
      { row: 2, field: 'policies.1.stages', reason: 'at least one written reminder (preDue, dueDate, firstOverdue or secondOverdue) must be on' },
      { row: 2, field: 'policies.1.stages.creditHold', reason: 'creditHold cannot be the first stage' },
      { row: 2, field: 'policies.1.stages.creditHold', reason: 'creditHold needs at least one written reminder before it' },
    ]);
    expect((await store.policies.list(t.tenantId)).map((p) => p.id)).toEqual(['four-step']);

    // The same file again writes no new version
    await ingestFile(deps, file('config/policies.json', JSON.stringify(upload)), { tenantId: t.tenantId });
    expect((await store.policies.latest(t.tenantId, 'four-step'))?.version).toBe(1);

    // The tenant file makes it the company default: every open invoice is re-planned
    const tenantFile = { ...t, defaultPolicy: 'four-step' };
    await ingestFile(deps, file('config/tenant.json', JSON.stringify(tenantFile)), { tenantId: t.tenantId });
    expect(await runOf(t.tenantId, 'A')).toBe(1);
  });

  it('refuses a customer directory row naming an unknown policy and keeps the others', async () => {
    const t = await newTenant();
    const csv = 'customer id,name,email,policy,segment\nC-1,Uno S.r.l.,ap@uno.example,firm,retail\nC-2,Due S.r.l.,ap@due.example,made-up,\n';
    const { summary, report } = await ingestFile(deps, file('customers/directory.csv', csv), { tenantId: t.tenantId });
    expect(summary.rejected).toBe(1);
    expect(report.errors[0]).toMatchObject({ row: 3, field: 'policy', value: 'made-up' });
    expect(await store.customers.getCustomer(t.tenantId, 'C-1')).toMatchObject({ policy: 'firm', segment: 'retail' });
    expect(await store.customers.getCustomer(t.tenantId, 'C-2')).toBeUndefined();
  });

  it('refuses the file before the company is set up, and a file that holds no list', async () => {
    const none = await ingestFile(deps, file('config/policies.json', JSON.stringify({ policies: [fourStep()] })), { tenantId: 'not-set-up' });
    expect(none.summary.fileRejected).toBe(true);
    expect(none.report.errors[0]!.reason).toContain('upload config/tenant.json first');
    const t = await newTenant();
    const notList = await ingestFile(deps, file('config/policies.json', JSON.stringify({ policy: fourStep() })), { tenantId: t.tenantId });
    expect(notList.report.errors[0]!.reason).toContain('must hold { "policies": [ … ] }');
  });
});
