/**
 * ended-executions through its real handler (lambdas/handlers/ended-executions.ts, its factory) and
 * the production DynamoInvoices against DynamoDB Local, fed the status-change event EventBridge
 * delivers (built by local/execution-status-event.ts, as the local stack does): the interruption
 * lands on the invoice and in its log once, never on a newer run or over a step's own failure,
 * and the admin API's invoice shows it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf, supplier } from '../support/fixtures.js';
import { callApi, lambdaContext } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { testObservability } from '../support/observability.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import type { Invoice } from '../../lambdas/domain/model.js';
import { makeEndedExecutionsHandler } from '../../lambdas/handlers/ended-executions.js';
import { executionStatusChangeEvent } from '../../local/execution-status-event.js';
import type { ExecutionStatusChange } from '../../local/services/sfn-emulator.js';

await useLocalTable();
const T = 'ended-co';
const SM = 'arn:aws:states:eu-south-1:000000000000:stateMachine:ended-test';
Object.assign(process.env, { STATE_MACHINE_ARN: SM, EVENT_BUS_NAME: 'ended-test', AWS_LAMBDA_FUNCTION_NAME: 'ended-executions' });

const store = dynamoRepositories();
const handler = makeEndedExecutionsHandler({ invoices: store.invoices, ...testObservability('ended-executions') });
type Result = { recorded: boolean; reason?: string };
const deliver = (event: unknown) => handler(event as never, lambdaContext('ended-executions')) as Promise<Result>;
const adminApi = adminApiHandler(T);

const STOP = Date.parse('2026-03-02T09:00:00Z');
let n = 0;
const newInvoice = async (over: Partial<Invoice> = {}): Promise<Invoice> => {
  const inv = invoiceOf({ tenantId: T, invoiceId: `EE-${++n}`, revision: 1, run: 0, ...over });
  await store.invoices.putInvoice(inv);
  return inv;
};
const endedOf = (inv: Pick<Invoice, 'invoiceId' | 'revision' | 'run'>, over: Partial<ExecutionStatusChange> = {}) => {
  const name = executionName(T, inv.invoiceId, inv.revision, inv.run);
  return executionStatusChangeEvent(
    {
      executionArn: `${SM.replace(':stateMachine:', ':execution:')}:${name}`,
      name,
      status: 'TIMED_OUT',
      input: JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }),
      error: 'States.Timeout',
      cause: 'the execution reached its maximum duration in WaitEscalation',
      startDate: STOP - 365 * 86_400_000,
      stopDate: STOP,
      ...over,
    },
    SM,
    'eu-south-1',
  );
};
const viewOf = async (invoiceId: string) => (await store.invoices.getInvoiceView(T, invoiceId))!;

beforeAll(async () => {
  await store.tenants.putTenant(supplier(T));
});

describe('an execution that ended', () => {
  it('timed out: the invoice carries the interruption and its log says so, once however often the event comes', async () => {
    const inv = await newInvoice();
    const event = endedOf(inv);
    expect(await deliver(event)).toEqual({ recorded: true, invoiceId: inv.invoiceId });
    expect(await deliver(event)).toMatchObject({ recorded: false, reason: 'already-recorded' });
    // EventBridge delivers at least once: the same event under another id changes nothing either.
    expect(await deliver({ ...event, id: 'another-delivery' })).toMatchObject({ recorded: false });

    const view = await viewOf(inv.invoiceId);
    expect(view.invoice.failure).toEqual({
      at: new Date(STOP).toISOString(),
      state: 'Execution',
      status: 'TIMED_OUT',
      error: 'States.Timeout',
      cause: 'the execution reached its maximum duration in WaitEscalation',
      execution: event.detail.name,
    });
    expect(view.invoice.status).toBe('open');
    const entries = view.events.filter((e) => e.type === 'failure');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ eventId: `ended-${String(event.detail.name)}`, channel: 'system', actor: 'system', details: { state: 'Execution', status: 'TIMED_OUT' } });
  });

  it('the admin API shows it on the invoice, as a timeline that stopped', async () => {
    const inv = await newInvoice();
    await deliver(endedOf(inv, { status: 'ABORTED', error: 'Operator', cause: 'stopped from the console by ops@officinerossi.example' }));
    const res = await callApi(adminApi, { method: 'GET', path: `/v1/invoices/${inv.invoiceId}` });
    expect(res.status).toBe(200);
    const failure = (res.body as { invoice: { failure?: Record<string, unknown> } }).invoice.failure;
    expect(failure).toMatchObject({ state: 'Execution', status: 'ABORTED', error: 'Operator' });
    // The cause stands on the invoice for every finance user: it names nobody.
    expect(failure?.cause).toBe('stopped from the console by [address]');
  });

  it('failed after RecordFailure wrote the step\'s failure: that failure stays', async () => {
    const inv = await newInvoice({ failure: { at: '2026-03-02T08:59:00Z', state: 'SendDueDate', error: 'Sollecito.RenderFailed', cause: 'template missing' } });
    expect(await deliver(endedOf(inv, { status: 'FAILED', error: 'Sollecito.TimelineFailed' }))).toMatchObject({ recorded: false });
    const view = await viewOf(inv.invoiceId);
    expect(view.invoice.failure).toMatchObject({ state: 'SendDueDate', error: 'Sollecito.RenderFailed' });
    expect(view.events.filter((e) => e.type === 'failure')).toHaveLength(0);
  });

  it('was an older run or revision: the invoice, restarted since, is left alone', async () => {
    const inv = await newInvoice({ revision: 2, run: 3 });
    for (const older of [{ ...inv, run: 2 }, { ...inv, revision: 1 }]) {
      expect(await deliver(endedOf(older))).toMatchObject({ recorded: false, reason: 'not-current' });
    }
    expect((await viewOf(inv.invoiceId)).invoice.failure).toBeUndefined();
  });

  it('belonged to an invoice no longer chased (paid, written off): nothing is written', async () => {
    const inv = await newInvoice({ status: 'paid' });
    expect(await deliver(endedOf(inv, { status: 'FAILED', error: 'States.Runtime' }))).toMatchObject({ recorded: false, reason: 'not-current' });
    expect((await viewOf(inv.invoiceId)).invoice.failure).toBeUndefined();
  });

  it('was Sollecito\'s own stop, or succeeded: nothing is written', async () => {
    const inv = await newInvoice();
    expect(await deliver(endedOf(inv, { status: 'ABORTED', error: 'Sollecito.Stopped', cause: 'payment recorded' }))).toMatchObject({ reason: 'stopped-by-sollecito' });
    expect(await deliver(endedOf(inv, { status: 'SUCCEEDED', error: undefined, cause: undefined }))).toMatchObject({ reason: 'succeeded' });
    expect((await viewOf(inv.invoiceId)).invoice.failure).toBeUndefined();
  });

  it('is dropped, not retried, when the event is not a status change', async () => {
    expect(await deliver({ source: 'aws.ses', 'detail-type': 'Email Bounced', detail: {} })).toEqual({ recorded: false, reason: 'not-a-status-change' });
  });

  it('belonged to an invoice that is gone: nothing to write on', async () => {
    expect(await deliver(endedOf({ invoiceId: 'EE-missing', revision: 1, run: 0 }))).toMatchObject({ recorded: false, reason: 'invoice-gone' });
  });
});
