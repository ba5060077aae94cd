/**
 * DynamoDB throttling, 5xx and cancelled transactions on the send path: the send-reminder handler
 * (claim in dynamo-guard.ts through DynamoRepositories, SES v2 local, completion) with the production
 * DynamoDB client (maxAttempts 5) reaching DynamoDB Local through a fault proxy, so the SDK's own
 * retries run and are counted.
 *
 * What must hold: a claim that cannot be written surfaces as Sollecito.Transient (the Task's Retry
 * in dunning.asl.json), with nothing sent and nothing claimed, and the retry sends exactly once;
 * a completion that cannot be written after the message left never causes a second message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { THROTTLED, gaps, startFaultProxy, throttlingBackoffFloor, type AwsFault } from './fault-proxy.js';
import { FIXED_RANDOM, caseMaker, useFixedBackoff } from './cases.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { localContext } from '../../local/lambda-context.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import type { Customer, Invoice } from '../../lambdas/domain/model.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { makeSendReminderHandler } from '../../lambdas/handlers/send-reminder.js';
import { timelineDeps } from '../support/timeline-deps.js';

const { endpoint } = await useLocalTable();
const proxy = await startFaultProxy(endpoint);
process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.url;
const ses: RunningSes = await startSes();
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  SENDER_EMAIL: 'crediti@officinerossi.example',
  SES_CONFIGURATION_SET: 'faults',
});
// The real handler (its task state names the error) over the production adapters, through the proxy.
const handler = makeSendReminderHandler(timelineDeps());
const store = dynamoRepositories();

const T = 'send-faults';
const NOW = new Date('2026-02-16T09:00:00Z'); // a Monday, 10:00 in Rome: inside every send window
const tenant = supplier(T);

beforeAll(async () => {
  useClock({ now: () => NOW });
  await store.tenants.putTenant(tenant);
});
afterAll(async () => {
  useSystemClock();
  await proxy.stop();
  await ses.stop();
});
useFixedBackoff(proxy);

/** One customer with one open invoice due today: the dueDate stage sends one e-mail. */
const newCase = caseMaker(store, T, 'SEND', 150_000);

/** What the state machine hands SendDueDate. */
const taskInput = (inv: Invoice) => ({
  tenantId: T,
  invoiceId: inv.invoiceId,
  revision: inv.revision,
  run: inv.run,
  stage: 'dueDate',
  plan: { mode: 'timeline', next: 'dueDate', at: Object.fromEntries(STAGE_IDS.map((s) => [s, NOW.toISOString()])), skip: [], reason: 'due today' },
});
const sendDueDate = (inv: Invoice) => handler(taskInput(inv), localContext('send-reminder')) as Promise<{ outcome: string }>;
const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as Error & { cause?: unknown });

const mailsTo = (c: Customer) => ses.messages().filter((m) => m.destination.to.includes(c.email!));

// The claim is the transaction that takes the lease (`sendingUntil = :until`); the completion clears it.
const isClaim = (body: string) => body.includes('":until"');
const isCompletion = (body: string) => body.includes('SET lastContactAt = :at REMOVE sendingUntil');
const forInvoice = (inv: Invoice) => (body: string) => body.includes(`INV#${inv.invoiceId}"`);

/** Nothing of the stage was claimed or logged, and no lease is left on the invoice. */
const expectUntouched = async (inv: Invoice) => {
  const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
  expect(view?.stagesDone).toEqual([]);
  expect(view?.events).toEqual([]);
  expect(view?.sendingUntil).toBeUndefined();
};

const SDK_ERRORS: [string, AwsFault][] = [
  ['ProvisionedThroughputExceededException', THROTTLED('ProvisionedThroughputExceededException')],
  ['ThrottlingException', THROTTLED('ThrottlingException')],
  ['RequestLimitExceeded', THROTTLED('RequestLimitExceeded')],
  ['InternalServerError (500)', { status: 500, type: 'InternalServerError' }],
];

describe('the claim cannot be written', () => {
  it.each(SDK_ERRORS)('%s on every attempt: Sollecito.Transient after the SDK’s 5 attempts, nothing sent; the retry sends once', async (_label, fault) => {
    const { customer, invoice } = await newCase();
    const claim = (body: string) => isClaim(body) && forInvoice(invoice)(body);
    proxy.inject({ op: 'TransactWriteItems', when: claim, fail: fault });

    const err = await failureOf(sendDueDate(invoice));

    expect(err).toMatchObject({ name: 'Sollecito.Transient' });
    expect(err?.message).toContain(`SendDueDate: claimSend: ${fault.type}`);
    const attempts = proxy.attempts('TransactWriteItems', claim);
    expect(attempts).toHaveLength(5);
    if (fault.status === 400) {
      // Throttling waits double from one retry to the next (exponential backoff).
      gaps(attempts).forEach((wait, i) => expect(wait, `wait before retry ${i + 1}`).toBeGreaterThanOrEqual(throttlingBackoffFloor(i, FIXED_RANDOM)));
    }
    expect(mailsTo(customer)).toEqual([]);
    await expectUntouched(invoice);

    // The Task's Retry runs it again once DynamoDB answers: one e-mail, one log entry.
    proxy.reset();
    expect(await sendDueDate(invoice)).toMatchObject({ outcome: 'sent' });
    expect(mailsTo(customer)).toHaveLength(1);
    const view = await store.invoices.getInvoiceView(T, invoice.invoiceId);
    expect(view?.events.map((e) => [e.channel, e.outcome])).toEqual([['email', 'sent']]);
  });

  it('a TransactionConflict that persists: the claim waits, then Sollecito.Transient, nothing sent', async () => {
    const { customer, invoice } = await newCase();
    const claim = (body: string) => isClaim(body) && forInvoice(invoice)(body);
    proxy.inject({
      op: 'TransactWriteItems',
      when: claim,
      fail: {
        status: 400,
        type: 'TransactionCanceledException',
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]',
        fields: { CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }] },
      },
    });

    const err = await failureOf(sendDueDate(invoice));

    expect(err).toMatchObject({ name: 'Sollecito.Transient' });
    expect(err?.message).toMatch(/invoice busy \(transaction conflict\)/);
    // Not retried by the SDK (a 400), but by the claim's own loop: several transactions, spaced out.
    expect(proxy.attempts('TransactWriteItems', claim).length).toBeGreaterThan(2);
    expect(mailsTo(customer)).toEqual([]);
    await expectUntouched(invoice);
  });

  // DynamoDB cancels a transaction with reason ThrottlingError (or ProvisionedThroughputExceeded)
  // when a table or index is throttled mid-transaction: a passing throttle, for the Retry.
  it('a transaction cancelled for ThrottlingError: Sollecito.Transient, nothing sent', async () => {
    const { customer, invoice } = await newCase();
    const claim = (body: string) => isClaim(body) && forInvoice(invoice)(body);
    proxy.inject({
      op: 'TransactWriteItems',
      when: claim,
      times: 1,
      fail: {
        status: 400,
        type: 'TransactionCanceledException',
        fields: { CancellationReasons: [{ Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity of your table or index.' }, { Code: 'None' }] },
      },
    });
    const err = await failureOf(sendDueDate(invoice));
    expect(mailsTo(customer)).toEqual([]);
    await expectUntouched(invoice);
    expect(err).toMatchObject({ name: 'Sollecito.Transient' });
  });
});

describe('a read before the claim is throttled', () => {
  // A throttled read in loadCase (the invoice's Query, the customer's or tenant's GetItem) leaves
  // the task as Sollecito.Transient (task-state.ts), which the Task's Retry lists.
  it('surfaces as Sollecito.Transient, nothing sent', async () => {
    const { customer, invoice } = await newCase();
    proxy.inject({ op: 'Query', when: (b) => b.includes(`INV#${invoice.invoiceId}"`), fail: THROTTLED('ProvisionedThroughputExceededException') });
    const err = await failureOf(sendDueDate(invoice));
    expect(proxy.attempts('Query', (b) => b.includes(`INV#${invoice.invoiceId}"`))).toHaveLength(5);
    expect(mailsTo(customer)).toEqual([]);
    expect(err).toMatchObject({ name: 'Sollecito.Transient' });
  });
});

describe('the completion cannot be written after the message left', () => {
  it('Sollecito.Transient, and the Task’s retry finds the stage done: one e-mail, the pending entry kept as the trace', async () => {
    const { customer, invoice } = await newCase();
    const completion = (body: string) => isCompletion(body) && forInvoice(invoice)(body);
    proxy.inject({ op: 'TransactWriteItems', when: completion, fail: THROTTLED('ProvisionedThroughputExceededException') });

    const err = await failureOf(sendDueDate(invoice));
    expect(err).toMatchObject({ name: 'Sollecito.Transient', message: expect.stringContaining('completeSend') });
    expect(proxy.attempts('TransactWriteItems', completion)).toHaveLength(5);
    expect(mailsTo(customer)).toHaveLength(1);

    proxy.reset();
    expect(await sendDueDate(invoice)).toMatchObject({ outcome: 'alreadyDone' });
    expect(mailsTo(customer)).toHaveLength(1);
    const view = await store.invoices.getInvoiceView(T, invoice.invoiceId);
    expect(view?.stagesDone.map((s) => s.stage)).toEqual(['dueDate']);
    expect(view?.events.map((e) => [e.channel, e.outcome])).toEqual([['email', 'pending']]);
  });
});
