/**
 * DynamoDB throttling and 5xx on the admin API's command path: the real handler module
 * (lambdas/handlers/admin-api.ts) with its production DynamoDB client (maxAttempts 5), reaching
 * DynamoDB Local through a fault proxy, and the Step Functions emulator as the running timeline.
 *
 * What must hold: once the SDK's own retries are spent, the answer is 503 with Retry-After (the
 * client's retry is the remedy), never a 500; the command is applied whole or not at all; the
 * timeline is not stopped for a command that did not commit; and the retry with the same
 * Idempotency-Key applies it once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf, supplier } from '../support/fixtures.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callApi, type ApiRequest } from '../support/api-events.js';
import { THROTTLED, startFaultProxy, type AwsFault } from './fault-proxy.js';
import { useFixedBackoff } from './cases.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { toApiError } from '../../lambdas/api/errors.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { Customer, type Invoice } from '../../lambdas/domain/model.js';

const { endpoint } = await useLocalTable();
const proxy = await startFaultProxy(endpoint);
const T = 'api-faults';
const ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:api-faults';
const NOW = new Date('2026-03-10T09:00:00Z');
const workflow = await startStandInWorkflow(ARN, NOW);
Object.assign(process.env, {
  ...workflow.env,
  AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
  TENANT_ID: T,
  EVENT_BUS_NAME: 'api-faults',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const { handler } = await import('../../lambdas/handlers/admin-api.js');
const api = (req: ApiRequest) => callApi(handler, req);
const store = dynamoRepositories();

beforeAll(async () => {
  useClock({ now: () => NOW });
  await store.tenants.putTenant(supplier(T));
  await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Cliente S.p.A.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@cliente.example' }));
});
afterAll(async () => {
  useSystemClock();
  await proxy.stop();
  await workflow.stop();
});
useFixedBackoff(proxy);

let seq = 0;
/** An open invoice with its timeline running, as the stream would have started it. */
const chased = async () => {
  const n = ++seq;
  const inv = invoiceOf({ tenantId: T, invoiceId: `API-${n}`, number: `2026/A${n}`, customerId: 'C-1' });
  await store.invoices.putInvoice(inv);
  const name = executionName(T, inv.invoiceId, inv.revision, inv.run);
  workflow.emulator.start(name, JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }));
  return { inv, name };
};
const execution = (name: string) => workflow.emulator.list().find((e) => e.name === name);
const onInvoice = (inv: Invoice) => (body: string) => body.includes(`INV#${inv.invoiceId}"`);
const pay = (inv: Invoice, key: string) =>
  api({ method: 'POST', path: `/v1/invoices/${inv.invoiceId}/payments`, body: { amount: inv.amount, date: '2026-03-09', reference: 'CRO 77' }, idempotencyKey: key });

const CANCELLED_THROTTLED: AwsFault = {
  status: 400,
  type: 'TransactionCanceledException',
  fields: { CancellationReasons: [{ Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' }, { Code: 'None' }, { Code: 'None' }] },
};

// [label, operation, fault, attempts the SDK makes before giving up]
const FAULTS: [string, string, AwsFault, number][] = [
  ['the transaction throttled (ProvisionedThroughputExceededException)', 'TransactWriteItems', THROTTLED('ProvisionedThroughputExceededException'), 5],
  ['the first read throttled (ThrottlingException)', 'GetItem', THROTTLED('ThrottlingException'), 5],
  ['the transaction answered 500 InternalServerError', 'TransactWriteItems', { status: 500, type: 'InternalServerError' }, 5],
  ['the transaction cancelled for ThrottlingError (not retried by the SDK)', 'TransactWriteItems', CANCELLED_THROTTLED, 1],
];

describe('a payment while DynamoDB throttles', () => {
  it.each(FAULTS)('%s: 503 with Retry-After, nothing applied, the timeline left running; the retry applies it once', async (_label, op, fault, attempts) => {
    const { inv, name } = await chased();
    proxy.inject({ op, when: onInvoice(inv), fail: fault });

    const res = await pay(inv, `pay-${inv.invoiceId}`);

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(res.body).toMatchObject({ code: 'service_busy' });
    expect(JSON.stringify(res.body)).not.toContain(fault.type);
    expect(proxy.attempts(op, onInvoice(inv))).toHaveLength(attempts);
    // All or nothing: no payment, no log entry, the invoice as it was, its timeline still running.
    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.invoice).toMatchObject({ status: 'open', amountPaid: 0, revision: 1, run: 0 });
    expect(view?.payments).toEqual([]);
    expect(view?.events).toEqual([]);
    expect(execution(name)?.status).toBe('RUNNING');

    proxy.reset();
    const again = await pay(inv, `pay-${inv.invoiceId}`);
    expect(again.status).toBe(201);
    expect(again.body.invoice).toMatchObject({ status: 'paid', amountDue: 0 });
    const after = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(after?.payments).toHaveLength(1);
    expect(after?.events.filter((e) => e.type === 'payment')).toHaveLength(1);
    expect(execution(name)).toMatchObject({ status: 'ABORTED', error: 'Sollecito.Stopped' });
  });
});

describe('a command meeting a TransactionConflict that does not clear', () => {
  it('re-reads and retries until its deadline, then 503 invoice_busy with Retry-After; nothing applied, nothing stopped', async () => {
    const { inv, name } = await chased();
    proxy.inject({
      op: 'TransactWriteItems',
      when: onInvoice(inv),
      fail: { status: 400, type: 'TransactionCanceledException', fields: { CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] } },
    });
    // The handler's commands wait up to 25 s; the same adapter with a short deadline shows the path.
    const commands = new DynamoCommands(new SfnWorkflow(), store, { maxWaitMs: 300 });
    const pause = (i: Invoice) => ({ invoice: { ...i, status: 'paused' as const }, events: [], stopCause: 'paused' });

    const err = await commands.onInvoice(T, inv.invoiceId, pause).catch((e: unknown) => e);

    expect(proxy.attempts('TransactWriteItems', onInvoice(inv)).length).toBeGreaterThan(2);
    expect(toApiError(err)).toMatchObject({ status: 503, code: 'invoice_busy', headers: { 'Retry-After': expect.stringMatching(/^\d+$/) } });
    expect((await store.invoices.getInvoice(T, inv.invoiceId))?.status).toBe('open');
    expect(execution(name)?.status).toBe('RUNNING');
  });
});

describe('a read while DynamoDB throttles', () => {
  it('GET of an invoice answers 503 with Retry-After, not 500', async () => {
    const { inv } = await chased();
    proxy.inject({ op: 'Query', when: onInvoice(inv), fail: THROTTLED('ProvisionedThroughputExceededException') });
    const res = await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}` });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(proxy.attempts('Query', onInvoice(inv))).toHaveLength(5);

    proxy.reset();
    expect((await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}` })).status).toBe(200);
  });

  it('an error that is ours still answers 500 without detail', async () => {
    const { inv } = await chased();
    proxy.inject({ op: 'Query', when: onInvoice(inv), fail: { status: 400, type: 'ValidationException', message: 'One or more parameter values were invalid' } });
    const res = await api({ method: 'GET', path: `/v1/invoices/${inv.invoiceId}` });
    expect(res.status).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain('ValidationException');
    expect(proxy.attempts('Query', onInvoice(inv))).toHaveLength(1);
  });
});
