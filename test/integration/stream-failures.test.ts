/**
 * stream-failures against DynamoDB Local's own stream: a dead-lettered batch's shard and sequence
 * numbers, as the event source mapping writes them to the StreamFailures queue, lead to the failure
 * written on each invoice the batch was about, once, however often the message is delivered.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { localStreamPoller, useLocalTable } from '../support/dynamo.js';
import { invoiceOf } from '../support/fixtures.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import type { GivenUpBatch } from '../../local/services/stream-poller.js';
import { streamFailureEvent } from '../../local/stream-failure-message.js';
import { clock } from '../../lambdas/adapters/clock.js';
import { StreamReader } from '../../lambdas/adapters/stream-reader.js';
import { FAILED_STATE, makeStreamFailuresHandler } from '../../lambdas/handlers/stream-failures.js';
import { lambdaContext } from '../support/api-events.js';
import { testObservability } from '../support/observability.js';

const { endpoint, tableName } = await useLocalTable();
process.env.AWS_ENDPOINT_URL_DYNAMODB_STREAMS = endpoint;
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const T = 'stream-co';
const store = dynamoRepositories();
const handler = makeStreamFailuresHandler({ stream: new StreamReader(), invoices: store.invoices, now: () => clock.now(), ...testObservability('stream-failures') });
const run = (event: SQSEvent) => handler(event, lambdaContext('stream-failures'));
const streams = new DynamoDBStreamsClient({});

const { Table } = await new DynamoDBClient({}).send(new DescribeTableCommand({ TableName: tableName }));
const streamArn = Table!.LatestStreamArn!;

/** Shard and sequence number of every record the stream holds about an invoice. */
const recordsOf = async (invoiceId: string) => {
  const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const out: { shardId: string; seq: string }[] = [];
  for (const shard of StreamDescription!.Shards!) {
    let { ShardIterator: it } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    for (let empty = 0; it && empty < 2; ) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: it }));
      it = page.NextShardIterator;
      empty = page.Records?.length ? 0 : empty + 1;
      for (const r of page.Records ?? []) if (r.dynamodb?.NewImage?.invoiceId?.S === invoiceId) out.push({ shardId: shard.ShardId!, seq: r.dynamodb.SequenceNumber! });
    }
  }
  return out;
};

let n = 0;
const message = (batch: { shardId: string; start: string; end: string }, condition = 'RetryAttemptsExhausted'): SQSRecord =>
  ({
    messageId: `m-${++n}`,
    receiptHandle: 'r',
    body: JSON.stringify({
      requestContext: { requestId: 'req', functionArn: 'arn:aws:lambda:eu-south-1:000000000000:function:table-stream', condition, approximateInvokeCount: 9 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: `2026-03-10T09:00:0${n % 10}.000Z`,
      DDBStreamBatchInfo: { shardId: batch.shardId, startSequenceNumber: batch.start, endSequenceNumber: batch.end, batchSize: 1, streamArn },
    }),
    attributes: {} as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-south-1:000000000000:StreamFailures',
    awsRegion: 'eu-south-1',
  }) as SQSRecord;
const sqs = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('a dead-lettered stream batch', () => {
  it('writes the failure on each invoice the batch was about, and only on those', async () => {
    const [a, b, c] = [1, 2, 3].map((i) => invoiceOf({ tenantId: T, invoiceId: `SF-${i}` }));
    for (const inv of [a!, b!, c!]) await store.invoices.putInvoice(inv);
    const [ra] = await recordsOf(a!.invoiceId);
    const [rb] = await recordsOf(b!.invoiceId);
    expect(ra!.shardId).toBe(rb!.shardId);

    // The batch that failed: a's record through b's, not c's.
    const out = await run(sqs(message({ shardId: ra!.shardId, start: ra!.seq, end: rb!.seq })));

    expect(out.batchItemFailures).toEqual([]);
    for (const inv of [a!, b!]) {
      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.invoice.failure).toMatchObject({ state: FAILED_STATE, error: 'RetryAttemptsExhausted', cause: expect.stringMatching(/timeline may not have been started/) });
      expect(view.events.filter((e) => e.type === 'failure')).toEqual([expect.objectContaining({ details: expect.objectContaining({ state: FAILED_STATE }) })]);
    }
    expect((await store.invoices.getInvoiceView(T, c!.invoiceId))!.invoice.failure).toBeUndefined();
  });

  it('a redelivered message writes nothing twice', async () => {
    const inv = invoiceOf({ tenantId: T, invoiceId: 'SF-again' });
    await store.invoices.putInvoice(inv);
    const [r] = await recordsOf(inv.invoiceId);
    const msg = message({ shardId: r!.shardId, start: r!.seq, end: r!.seq }, 'RecordAgeExceeded');
    expect(await run(sqs(msg))).toEqual({ batchItemFailures: [] });
    expect(await run(sqs(msg))).toEqual({ batchItemFailures: [] });
    const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    expect(view.invoice.failure).toMatchObject({ error: 'RecordAgeExceeded' });
    expect(view.events.filter((e) => e.type === 'failure')).toHaveLength(1);
  });

  it('a message it cannot act on (unknown shard, not an on-failure record) goes back to the queue, the others go through', async () => {
    const inv = invoiceOf({ tenantId: T, invoiceId: 'SF-ok' });
    await store.invoices.putInvoice(inv);
    const [r] = await recordsOf(inv.invoiceId);
    const unknownShard = message({ shardId: 'shardId-00000000000000000000-deadbeef', start: r!.seq, end: r!.seq });
    const garbage = { ...message({ shardId: r!.shardId, start: r!.seq, end: r!.seq }), body: '{"hello":"world"}' };
    const good = message({ shardId: r!.shardId, start: r!.seq, end: r!.seq });

    const out = await run(sqs(unknownShard, garbage, good));

    expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual([unknownShard.messageId, garbage.messageId].sort());
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))!.invoice.failure).toMatchObject({ state: FAILED_STATE });
  });

  it('on the local stack too: the stream poller gives a hopeless record up as the mapping would, and the invoice is marked', async () => {
    const poison = invoiceOf({ tenantId: T, invoiceId: 'SF-poison' });
    const given: GivenUpBatch[] = [];
    const poller = localStreamPoller({ endpoint, tableName }, {
      // A consumer that can never handle this invoice's records.
      filter: (r) => r.dynamodb?.NewImage?.invoiceId?.S === poison.invoiceId,
      handler: async (event) => ({ batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.dynamodb!.SequenceNumber! })) }),
      onError: () => undefined,
      onGiveUp: async (batch) => {
        given.push(batch);
        expect(await run(streamFailureEvent(batch, 'eu-south-1', new Date('2026-03-10T09:00:00Z')))).toEqual({ batchItemFailures: [] });
      },
    });
    await poller.init();
    await store.invoices.putInvoice(poison);
    await poller.pollOnce();
    await poller.stop();

    // The insert is given up; the marking's own change fails too and is given up, and finds the invoice marked: nothing more.
    expect(given).toHaveLength(2);
    const view = (await store.invoices.getInvoiceView(T, poison.invoiceId))!;
    expect(view.invoice.failure).toMatchObject({ state: FAILED_STATE, error: 'RetryAttemptsExhausted' });
    expect(view.events.filter((e) => e.type === 'failure')).toHaveLength(1);
  });
});
