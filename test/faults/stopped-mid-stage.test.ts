/**
 * An execution stopped in the middle of a stage: after the send guard's claim, before the e-mail
 * has reached SES. The stage is served by the real send-reminder handler on the Step Functions
 * emulator, SES v2 local sits behind a fault proxy that holds the e-mail call in flight, and the
 * stop comes through the production SfnWorkflow adapter (an operator's StopExecution, or the
 * admin API's payment command).
 *
 * What must hold, as on AWS where StopExecution does not kill the running Lambda: the message the
 * claim covered leaves once and is logged; the stopped execution goes no further; a restarted
 * timeline does not send the stage again; a payment waits out the send and is logged after it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { useLocalTable } from '../support/dynamo.js';
import { until } from '../support/until.js';
import { supplier } from '../support/fixtures.js';
import { callApi } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { startFaultProxy } from './fault-proxy.js';
import { caseMaker } from './cases.js';
import { startSes } from '../../local/services/ses.js';
import { SfnEmulator } from '../../local/services/sfn-emulator.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { VirtualClock } from '../../local/clock.js';
import { Activity } from '../../local/activity.js';
import { localContext } from '../../local/lambda-context.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import type { Customer, Invoice } from '../../lambdas/domain/model.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { makeSendReminderHandler } from '../../lambdas/handlers/send-reminder.js';

polyfillWithResolvers();
await useLocalTable();

const T = 'stop-faults';
const ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:stop-faults';
const START = new Date('2026-02-16T09:00:00Z'); // a Monday, 10:00 in Rome
let ticks = 0;
useClock({ now: () => new Date(START.getTime() + ticks++) });

// The timeline's shape around one stage: send it, then wait (far away) for the next one.
const definition = {
  StartAt: 'SendDueDate',
  States: {
    SendDueDate: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-south-1:000000000000:function:send-reminder',
      Parameters: { stage: 'dueDate', 'tenantId.$': '$.tenantId', 'invoiceId.$': '$.invoiceId', 'revision.$': '$.revision', 'run.$': '$.run', 'plan.$': '$.plan' },
      ResultPath: '$.result',
      Next: 'WaitFirstOverdue',
    },
    WaitFirstOverdue: { Type: 'Wait', Timestamp: '2099-01-01T00:00:00Z', End: true },
  },
} as unknown as StateMachineDefinition;

// The real send-reminder handler over the production adapters (the SES client is built when the
// first e-mail goes, once the environment below points it at the proxy).
const sendReminder = makeSendReminderHandler(timelineDeps());
const taskResults: unknown[] = [];
const activity = new Activity();
const vclock = new VirtualClock({ start: START, mode: 'discrete' });
const emulator = new SfnEmulator({
  definition,
  stateMachineArn: ARN,
  clock: vclock,
  activity,
  resolveTask: () => async (input) => {
    const out = await sendReminder(input, localContext('send-reminder')).catch((e: unknown) => ({ error: (e as Error).name }));
    taskResults.push(out);
    return out as never;
  },
});
const ses = await startSes();
const sesProxy = await startFaultProxy(ses.endpoint);
const events = await startEventsSink(await freePort(), vclock);
Object.assign(process.env, {
  STATE_MACHINE_ARN: ARN,
  AWS_ENDPOINT_URL_SFN: await emulator.listen(await freePort()),
  AWS_ENDPOINT_URL_SESV2: sesProxy.url,
  AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
  EVENT_BUS_NAME: 'stop-faults',
  SENDER_EMAIL: 'crediti@officinerossi.example',
  SES_CONFIGURATION_SET: 'faults',
  AWS_LAMBDA_FUNCTION_NAME: 'faults',
});
const adminApi = adminApiHandler(T);
const store = dynamoRepositories();
const workflow = new SfnWorkflow();

beforeAll(async () => {
  await store.tenants.putTenant(supplier(T));
});
afterAll(async () => {
  useSystemClock();
  await emulator.shutdown();
  await Promise.all([sesProxy.stop(), ses.stop(), events.stop()]);
});

const SEND_EMAIL = 'POST /v2/email/outbound-emails';
/** Counts the consistent reads of one invoice from now on: a command looking at the send's lease. */
const watchInvoiceReads = (invoiceId: string) => {
  const key = JSON.stringify(keys.invoice(T, invoiceId));
  const send = DynamoDBDocumentClient.prototype.send as (this: DynamoDBDocumentClient, ...args: unknown[]) => Promise<unknown>;
  let reads = 0;
  const spy = vi.spyOn(DynamoDBDocumentClient.prototype, 'send').mockImplementation(function (this: DynamoDBDocumentClient, ...args: unknown[]) {
    const [command] = args;
    if (command instanceof GetCommand && command.input.ConsistentRead && JSON.stringify(command.input.Key) === key) reads++;
    return send.apply(this, args) as never;
  });
  return { reads: () => reads, stop: () => spy.mockRestore() };
};

const newCase = caseMaker(store, T, 'STOP', 98_000);

const startTimeline = async (inv: Pick<Invoice, 'invoiceId' | 'revision' | 'run'>) => {
  const name = executionName(T, inv.invoiceId, inv.revision, inv.run);
  const plan = { mode: 'timeline', next: 'dueDate', at: Object.fromEntries(STAGE_IDS.map((s) => [s, START.toISOString()])), skip: [], reason: 'due today' };
  await workflow.start(name, { tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run, plan });
  return name;
};
const execution = (name: string) => emulator.list().find((e) => e.name === name)!;
const mailsTo = (c: Customer) => ses.messages().filter((m) => m.destination.to.includes(c.email!));

/** Holds the next e-mail call in flight; resolves once it reached the proxy (the claim is written by then). */
const holdNextEmail = () => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const seen = sesProxy.attempts(SEND_EMAIL).length;
  sesProxy.inject({ op: SEND_EMAIL, times: 1, hold: () => released });
  return { arrived: () => until(() => sesProxy.attempts(SEND_EMAIL).length > seen, { what: 'the e-mail call' }), release };
};

describe('an execution stopped between the claim and the send', () => {
  it('the claimed message leaves once and is logged; the execution goes no further; a restarted timeline sends nothing again', async () => {
    const { customer, invoice } = await newCase();
    const email = holdNextEmail();
    const name = await startTimeline(invoice);
    await email.arrived();

    // Mid-stage: the guard's claim is written, the e-mail is not at SES yet.
    const mid = await store.invoices.getInvoiceView(T, invoice.invoiceId);
    expect(mid?.stagesDone.map((s) => s.stage)).toEqual(['dueDate']);
    expect(mid?.events.map((e) => e.outcome)).toEqual(['pending']);
    expect(mid?.sendingUntil).toBeDefined();
    expect(mailsTo(customer)).toEqual([]);

    await workflow.stop(name, 'stopped by an operator');
    expect(execution(name)).toMatchObject({ status: 'ABORTED', error: 'Sollecito.Stopped', cause: 'stopped by an operator' });

    // The Lambda runs on, as on AWS: its send goes out once and is completed.
    const done = taskResults.length;
    email.release();
    await until(() => taskResults.length > done, { what: 'the stage to finish' });
    expect(taskResults.at(-1)).toMatchObject({ stage: 'dueDate', outcome: 'sent' });
    expect(mailsTo(customer)).toHaveLength(1);
    const after = await store.invoices.getInvoiceView(T, invoice.invoiceId);
    expect(after?.events.map((e) => [e.stage, e.channel, e.outcome])).toEqual([['dueDate', 'email', 'sent']]);
    expect(after?.sendingUntil).toBeUndefined();
    // The stopped execution stays stopped, with why in its history, and never reached the next state.
    expect(execution(name).status).toBe('ABORTED');
    const history = emulator.history(name);
    expect(history).toContainEqual(expect.objectContaining({ type: 'ExecutionAborted', cause: 'stopped by an operator' }));
    expect(history.some((h) => h.state === 'WaitFirstOverdue')).toBe(false);

    // A restarted timeline (run + 1, as a resume does) finds the stage done: nothing is sent again.
    await store.doc.send(
      new UpdateCommand({ TableName: store.name, Key: keys.invoice(T, invoice.invoiceId), UpdateExpression: 'SET #run = :one', ExpressionAttributeNames: { '#run': 'run' }, ExpressionAttributeValues: { ':one': 1 } }),
    );
    const restarted = await startTimeline({ ...invoice, run: 1 });
    await until(() => emulator.history(restarted).some((h) => h.state === 'WaitFirstOverdue'), { what: 'the restarted stage' });
    expect(taskResults.at(-1)).toMatchObject({ stage: 'dueDate', outcome: 'alreadyDone' });
    expect(mailsTo(customer)).toHaveLength(1);
    expect((await store.invoices.getInvoiceView(T, invoice.invoiceId))?.events).toHaveLength(1);
  });

  it('a payment recorded mid-stage waits for the send, then commits and stops the execution: one e-mail, logged before the payment', async () => {
    const { customer, invoice } = await newCase();
    const email = holdNextEmail();
    const name = await startTimeline(invoice);
    await email.arrived();

    const looks = watchInvoiceReads(invoice.invoiceId);
    const payment = callApi(adminApi, {
      method: 'POST',
      path: `/v1/invoices/${invoice.invoiceId}/payments`,
      body: { amount: invoice.amount, date: '2026-02-16', reference: 'CRO 12' },
    });
    // The command sees the lease and waits (a second look means it went round): nothing recorded, the execution untouched.
    await until(() => looks.reads() >= 2, { what: 'the payment command to look at the held lease twice' }).finally(looks.stop);
    expect((await store.invoices.getInvoice(T, invoice.invoiceId))?.status).toBe('open');
    expect(execution(name).status).toBe('RUNNING');

    email.release();
    const res = await payment;
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ invoice: { status: 'paid' }, stoppedExecution: name });
    expect(execution(name)).toMatchObject({ status: 'ABORTED', error: 'Sollecito.Stopped' });
    expect(mailsTo(customer)).toHaveLength(1);

    const log = (await store.invoices.getInvoiceView(T, invoice.invoiceId))!.events;
    expect(log.map((e) => [e.type, e.outcome])).toEqual([
      ['message', 'sent'],
      ['payment', 'recorded'],
    ]);
    expect(log[0]!.at < log[1]!.at).toBe(true);
  });
});
