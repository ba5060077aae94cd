/** The table stream's recent records, read back by shard and sequence numbers (adapters/stream-reader.ts). */

/** Where a batch of stream records sat: what the event source mapping's on-failure message names. */
export interface StreamBatchInfo {
  streamArn: string;
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
}

export interface StreamChange {
  sequenceNumber: string;
  newImage?: Record<string, unknown>;
  oldImage?: Record<string, unknown>;
}

export interface StreamHistory {
  /** The records from start to end sequence number, in order; throws when the stream has trimmed them. */
  changesIn(batch: StreamBatchInfo): Promise<StreamChange[]>;
}
