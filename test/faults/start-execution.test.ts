/**
 * StartExecution under throttling and 5xx, on the path that starts timelines: the table stream's
 * batch loop (makeTableStreamRun, lambdas/handlers/table-stream.ts) and the SfnWorkflow adapter
 * with its production SDK client (maxAttempts 4), talking to the Step Functions emulator through a
 * fault proxy, so the SDK's own retries and backoff run and every attempt is counted.
 *
 * What must hold: throttling is retried with growing backoff; when it outlasts the retries the
 * record is handed back to the event source mapping (partial batch response) while the invoice
 * stays stored and open, and the redelivery starts its timeline exactly once; a name that already
 * ran is "already started", never a second timeline.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf } from '../support/fixtures.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { THROTTLED, gaps, startFaultProxy, throttlingBackoffFloor } from './fault-proxy.js';
import { FIXED_RANDOM, useFixedBackoff } from './cases.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { invoiceToItem } from '../../lambdas/adapters/dynamo/items.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import type { Invoice } from '../../lambdas/domain/model.js';
import { STREAM_TIME_RESERVE_MS, makeTableStreamRun } from '../../lambdas/handlers/table-stream.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
const T = 'start-faults';
const ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:start-faults';
const standIn = await startStandInWorkflow(ARN, new Date('2026-03-02T09:00:00Z'));
const proxy = await startFaultProxy(standIn.env.AWS_ENDPOINT_URL_SFN);
Object.assign(process.env, {
  ...standIn.env,
  AWS_ENDPOINT_URL_SFN: proxy.url,
});
/** The business counts the batch loop and its use case report, as the production count does (a metric of 1 unless told). */
const counted = vi.fn<(metric: string, value: number) => void>();
// The stream's batch loop over the production adapters (SfnWorkflow reaches the emulator through the proxy).
const run = makeTableStreamRun(timelineDeps({ count: (metric, value = 1) => counted(metric, value) }));
const store = dynamoRepositories();

afterAll(async () => {
  await proxy.stop();
  await standIn.stop();
});

useFixedBackoff(proxy);

let seq = 0;
const newInvoice = async (over: Partial<Invoice> = {}): Promise<Invoice> => {
  const n = ++seq;
  const inv = invoiceOf({ tenantId: T, invoiceId: `START-${n}`, number: `2026/S${n}`, ...over });
  await store.invoices.putInvoice(inv);
  return inv;
};

const image = (inv: Invoice) => marshall(invoiceToItem(inv), { removeUndefinedValues: true }) as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'];
let sequence = 1000;
const insert = (inv: Invoice): DynamoDBRecord => ({
  eventID: `ev-${++sequence}`,
  eventName: 'INSERT',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: String(sequence), NewImage: image(inv) },
});
const modify = (before: Invoice, after: Invoice): DynamoDBRecord => ({
  eventID: `ev-${++sequence}`,
  eventName: 'MODIFY',
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: String(sequence), OldImage: image(before), NewImage: image(after) },
});
const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const nameOf = (inv: Invoice) => executionName(inv.tenantId, inv.invoiceId, inv.revision, inv.run);
const executionsOf = (inv: Invoice) => standIn.emulator.list().filter((e) => e.name === nameOf(inv));
const forInvoice = (inv: Invoice) => (body: string) => body.includes(`\\"invoiceId\\":\\"${inv.invoiceId}\\"`) || body.includes(nameOf(inv));

describe('StartExecution throttled on the table stream', () => {
  it('retries with growing backoff and starts the timeline once', async () => {
    const inv = await newInvoice();
    proxy.inject({ op: 'StartExecution', when: forInvoice(inv), times: 2, fail: THROTTLED() });

    expect(await run(batch(insert(inv)))).toEqual({ batchItemFailures: [] });

    const attempts = proxy.attempts('StartExecution', forInvoice(inv));
    expect(attempts.map((a) => a.fault ?? 'ok')).toEqual(['ThrottlingException', 'ThrottlingException', 'ok']);
    // Throttling waits double from one retry to the next (exponential backoff).
    gaps(attempts).forEach((wait, i) => expect(wait, `wait before retry ${i + 1}`).toBeGreaterThanOrEqual(throttlingBackoffFloor(i, FIXED_RANDOM)));
    expect(executionsOf(inv)).toHaveLength(1);
    expect(executionsOf(inv)[0]).toMatchObject({ status: 'RUNNING' });
  });

  it('when throttling outlasts the SDK retries, hands back only that record, keeps the invoice, and the redelivery starts it once', async () => {
    const [a, b, c] = [await newInvoice(), await newInvoice(), await newInvoice()];
    proxy.inject({ op: 'StartExecution', when: forInvoice(b), fail: THROTTLED() });
    counted.mockClear();
    const records = [insert(a), insert(b), insert(c)];

    const out = await run(batch(...records));

    // Only b's position goes back to the event source mapping: it retries from there, and after
    // its retries parks the position in the TableStream dead-letter queue (alarmed, test/faults/alarms).
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }]);
    expect(proxy.attempts('StartExecution', forInvoice(b))).toHaveLength(4);
    expect(counted).toHaveBeenCalledWith('StreamRecordsFailed', 1);
    expect(executionsOf(a)).toHaveLength(1);
    expect(executionsOf(b)).toHaveLength(0);
    expect(executionsOf(c)).toHaveLength(1);
    // Nothing lost: the invoice is stored, open, and the record is still the stream's to redeliver.
    expect(await store.invoices.getInvoice(T, b.invoiceId)).toMatchObject({ status: 'open', revision: 1, run: 0 });

    proxy.reset();
    // The mapping redelivers from the failed record on: b and everything after it.
    expect(await run(batch(records[1]!, records[2]!))).toEqual({ batchItemFailures: [] });
    // …and a duplicate delivery of the whole batch changes nothing.
    expect(await run(batch(...records))).toEqual({ batchItemFailures: [] });
    for (const inv of [a, b, c]) expect(executionsOf(inv), inv.invoiceId).toHaveLength(1);
  });

  it('a batch running out of time hands back the records it did not reach instead of timing out, and the redelivery starts them once', async () => {
    const [a, b, c] = [await newInvoice(), await newInvoice(), await newInvoice()];
    const records = [insert(a), insert(b), insert(c)];
    // Throttled starts ate the time: after the first record, less than the reserve is left.
    const left = [60_000, STREAM_TIME_RESERVE_MS - 1];
    const context = { getRemainingTimeInMillis: () => left.shift() ?? 0 };

    const out = await run(batch(...records), context);

    expect(out.batchItemFailures).toEqual([records[1]!, records[2]!].map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber })));
    expect(executionsOf(a)).toHaveLength(1);
    expect(executionsOf(b)).toHaveLength(0);
    expect(executionsOf(c)).toHaveLength(0);

    expect(await run(batch(records[1]!, records[2]!), { getRemainingTimeInMillis: () => 60_000 })).toEqual({ batchItemFailures: [] });
    for (const inv of [a, b, c]) expect(executionsOf(inv), inv.invoiceId).toHaveLength(1);
  });

  it('a restart whose start is throttled after the old execution stopped is finished by the redelivery', async () => {
    const before = await newInvoice();
    await run(batch(insert(before)));
    const after: Invoice = { ...before, revision: 2, amount: before.amount - 10_000 };
    await store.invoices.putInvoice(after);
    proxy.inject({ op: 'StartExecution', when: forInvoice(after), fail: THROTTLED() });
    const record = modify(before, after);

    expect((await run(batch(record))).batchItemFailures).toHaveLength(1);
    expect(executionsOf(before)[0]).toMatchObject({ status: 'ABORTED', cause: 'superseded by revision 2' });
    expect(executionsOf(after)).toHaveLength(0);

    proxy.reset();
    expect(await run(batch(record))).toEqual({ batchItemFailures: [] });
    expect(executionsOf(after)).toHaveLength(1);
    expect(executionsOf(after)[0]).toMatchObject({ status: 'RUNNING' });
    expect(executionsOf(before)[0]).toMatchObject({ status: 'ABORTED', cause: 'superseded by revision 2' });
  });
});

describe('StartExecution 5xx and refusals, at the adapter', () => {
  it('retries a 503 and starts', async () => {
    const wf = new SfnWorkflow();
    proxy.inject({ op: 'StartExecution', times: 1, fail: { status: 503, type: 'ServiceUnavailable' } });
    const out = await wf.start('FIVE-503-r1-0', { tenantId: T, invoiceId: 'FIVE-503', revision: 1, run: 0 });
    expect(out.alreadyStarted).toBe(false);
    expect(proxy.attempts('StartExecution').map((a) => a.fault ?? 'ok')).toEqual(['ServiceUnavailable', 'ok']);
    expect(standIn.emulator.list().filter((e) => e.name === 'FIVE-503-r1-0')).toHaveLength(1);
  });

  it('after 4 attempts of 500s, fails as Sollecito.Transient with the service error as its cause', async () => {
    const wf = new SfnWorkflow();
    proxy.inject({ op: 'StartExecution', fail: { status: 500, type: 'InternalFailure' } });
    const err = await wf.start('FIVE-500-r1-0', { tenantId: T, invoiceId: 'FIVE-500', revision: 1, run: 0 }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'Sollecito.Transient', message: 'StartExecution: InternalFailure' });
    expect((err as Error).cause).toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500, attempts: 4 } });
    expect(proxy.attempts('StartExecution')).toHaveLength(4);
    expect(standIn.emulator.list().filter((e) => e.name === 'FIVE-500-r1-0')).toHaveLength(0);
  });

  it('does not retry a permanent refusal, nor disguise it as transient', async () => {
    const wf = new SfnWorkflow();
    proxy.inject({ op: 'StartExecution', fail: { status: 400, type: 'StateMachineDoesNotExist' } });
    await expect(wf.start('GONE-r1-0', { tenantId: T, invoiceId: 'GONE', revision: 1, run: 0 })).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    expect(proxy.attempts('StartExecution')).toHaveLength(1);
  });
});

describe('ExecutionAlreadyExists', () => {
  it('is "already started": a redelivered INSERT of an invoice whose timeline already ended starts no second one', async () => {
    const inv = await newInvoice();
    const record = insert(inv);
    await run(batch(record));
    await new SfnWorkflow().stop(nameOf(inv), 'paid');
    counted.mockClear();

    // Step Functions refuses the name of a closed execution: ExecutionAlreadyExists, not retried.
    expect(await run(batch(record))).toEqual({ batchItemFailures: [] });
    const starts = proxy.attempts('StartExecution', forInvoice(inv));
    expect(starts).toHaveLength(2);
    expect(executionsOf(inv)).toEqual([expect.objectContaining({ status: 'ABORTED', cause: 'paid' })]);
    expect(counted).not.toHaveBeenCalledWith('ExecutionsStarted', expect.anything());
  });

  it('answers with the ARN the name stands for, without a retry', async () => {
    proxy.inject({ op: 'StartExecution', times: 1, fail: { status: 400, type: 'ExecutionAlreadyExists' } });
    const out = await new SfnWorkflow().start('DUP-r1-0', { tenantId: T, invoiceId: 'DUP', revision: 1, run: 0 });
    expect(out).toEqual({ executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:DUP-r1-0`, alreadyStarted: true });
    expect(proxy.attempts('StartExecution')).toHaveLength(1);
  });
});
