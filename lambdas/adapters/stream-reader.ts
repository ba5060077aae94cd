/**
 * Reads back the table-stream records a dead-lettered batch covered: the event source mapping's
 * on-failure message names only the shard and the sequence numbers, the records themselves stay in
 * the stream for 24 hours. Endpoint from AWS_ENDPOINT_URL_DYNAMODB_STREAMS (DynamoDB Local locally).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';

import type { StreamBatchInfo, StreamChange, StreamHistory } from '../app/ports/stream-history.js';

export type { StreamBatchInfo, StreamChange };

/** GetRecords may answer empty before it reaches records already in the shard; this many empty pages end the read. */
const EMPTY_PAGES = 3;

let client: DynamoDBStreamsClient | undefined;
const streams = (): DynamoDBStreamsClient => (client ??= new DynamoDBStreamsClient({ maxAttempts: 5 }));

const image = (raw: Record<string, unknown> | undefined) => (raw ? unmarshall(raw as Record<string, AttributeValue>) : undefined);

export class StreamReader implements StreamHistory {
  /** The records from start to end sequence number, in order. Throws when the stream has trimmed them (TrimmedDataAccessException). */
  async changesIn(batch: StreamBatchInfo): Promise<StreamChange[]> {
    const end = BigInt(batch.endSequenceNumber);
    const out: StreamChange[] = [];
    let { ShardIterator: iterator } = await streams().send(
      new GetShardIteratorCommand({ StreamArn: batch.streamArn, ShardId: batch.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: batch.startSequenceNumber }),
    );
    let empty = 0;
    while (iterator && empty < EMPTY_PAGES) {
      const page = await streams().send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
      iterator = page.NextShardIterator;
      const records = page.Records ?? [];
      empty = records.length === 0 ? empty + 1 : 0;
      for (const r of records) {
        const seq = r.dynamodb?.SequenceNumber;
        if (!seq) continue;
        if (BigInt(seq) > end) return out;
        const newImage = image(r.dynamodb?.NewImage);
        const oldImage = image(r.dynamodb?.OldImage);
        out.push({ sequenceNumber: seq, ...(newImage ? { newImage } : {}), ...(oldImage ? { oldImage } : {}) });
      }
    }
    return out;
  }
}
