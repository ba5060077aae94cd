/**
 * Reads the table's DynamoDB stream from DynamoDB Local and hands batches to the table-stream
 * handler in the shape Lambda's event source mapping delivers, as it would in AWS.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Activity } from '../activity.js';

export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<{ batchItemFailures?: { itemIdentifier: string }[] } | void>;

export interface StreamPollerOptions {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  tableName: string;
  handler: StreamHandler;
  activity: Activity;
  /** The event source mapping's filter (in AWS: FilterCriteria on the mapping). */
  filter?: (r: DynamoDBRecord) => boolean;
  batchSize?: number;
  onError?: (err: unknown) => void;
  /**
   * Records that failed every attempt, as the mapping's on-failure destination describes them
   * (in AWS: a message in the StreamFailures queue).
   */
  onGiveUp?: (batch: GivenUpBatch) => Promise<void>;
}

/** The DDBStreamBatchInfo of Lambda's on-failure record. */
export interface GivenUpBatch {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
}

const MAX_ATTEMPTS = 3;

export class StreamPoller {
  private readonly streams: DynamoDBStreamsClient;
  private streamArn?: string;
  private readonly iterators = new Map<string, string | undefined>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling?: Promise<number>;

  constructor(private readonly opts: StreamPollerOptions) {
    this.streams = new DynamoDBStreamsClient({ endpoint: opts.endpoint, region: opts.region, credentials: opts.credentials });
  }

  async init(): Promise<void> {
    const ddb = new DynamoDBClient({ endpoint: this.opts.endpoint, region: this.opts.region, credentials: this.opts.credentials });
    const { Table } = await ddb.send(new DescribeTableCommand({ TableName: this.opts.tableName }));
    ddb.destroy();
    this.streamArn = Table?.LatestStreamArn;
    if (!this.streamArn) throw new Error(`table ${this.opts.tableName} has no stream`);
    await this.refreshShards();
  }

  private async refreshShards(): Promise<void> {
    const { StreamDescription } = await this.streams.send(new DescribeStreamCommand({ StreamArn: this.streamArn }));
    for (const shard of StreamDescription?.Shards ?? []) {
      if (!shard.ShardId || this.iterators.has(shard.ShardId)) continue;
      const { ShardIterator } = await this.streams.send(
        new GetShardIteratorCommand({ StreamArn: this.streamArn, ShardId: shard.ShardId, ShardIteratorType: 'TRIM_HORIZON' }),
      );
      this.iterators.set(shard.ShardId, ShardIterator);
    }
  }

  /** Reads every shard until it has nothing more; returns how many records were handled. */
  pollOnce(): Promise<number> {
    // One poll at a time: the periodic loop and the demo's settle check share this.
    this.polling ??= this.drain().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async drain(): Promise<number> {
    let handled = 0;
    await this.refreshShards();
    for (const [shardId, iterator] of this.iterators) {
      let it = iterator;
      while (it && !this.stopped) {
        const out = await this.streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: this.opts.batchSize ?? 100 }));
        it = out.NextShardIterator;
        this.iterators.set(shardId, it);
        const records = (out.Records ?? []).map((r) => this.toLambdaRecord(r)).filter((r) => this.opts.filter?.(r) ?? true);
        if (records.length > 0) {
          handled += records.length;
          await this.opts.activity.track(() => this.deliver(shardId, records));
        }
        if ((out.Records ?? []).length === 0) break;
      }
    }
    return handled;
  }

  private async deliver(shardId: string, records: DynamoDBRecord[], attempt = 1): Promise<void> {
    try {
      const res = await this.opts.handler({ Records: records });
      const failed = new Set((res && res.batchItemFailures?.map((f) => f.itemIdentifier)) ?? []);
      if (failed.size === 0) return;
      // Like the event source mapping: retry from the first failed record on.
      const first = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber ?? ''));
      if (attempt < MAX_ATTEMPTS) await this.deliver(shardId, records.slice(first), attempt + 1);
      else await this.giveUp(shardId, records.slice(first), new Error(`${failed.size} stream record(s) failed ${MAX_ATTEMPTS} times`));
    } catch (err) {
      if (attempt < MAX_ATTEMPTS) await this.deliver(shardId, records, attempt + 1);
      else await this.giveUp(shardId, records, err);
    }
  }

  private async giveUp(shardId: string, records: DynamoDBRecord[], err: unknown): Promise<void> {
    this.opts.onError?.(err);
    const seqs = records.map((r) => r.dynamodb?.SequenceNumber).filter((s): s is string => !!s);
    if (!this.opts.onGiveUp || !this.streamArn || seqs.length === 0) return;
    await this.opts.onGiveUp({ streamArn: this.streamArn, shardId, startSequenceNumber: seqs[0]!, endSequenceNumber: seqs.at(-1)!, batchSize: records.length });
  }

  private toLambdaRecord(r: _Record): DynamoDBRecord {
    const d = r.dynamodb ?? {};
    return {
      eventID: r.eventID,
      eventName: r.eventName as DynamoDBRecord['eventName'],
      eventVersion: r.eventVersion,
      eventSource: 'aws:dynamodb',
      awsRegion: this.opts.region,
      eventSourceARN: this.streamArn,
      dynamodb: {
        ...(d as DynamoDBRecord['dynamodb']),
        ApproximateCreationDateTime: d.ApproximateCreationDateTime ? d.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      },
    };
  }

  /** Polls every `intervalMs` of real time (npm start). */
  startLoop(intervalMs = 200): void {
    const tick = async () => {
      if (this.stopped) return;
      try {
        await this.pollOnce();
      } catch (err) {
        this.opts.onError?.(err);
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.polling?.catch(() => undefined);
    this.streams.destroy();
  }
}
