/**
 * A DynamoDB stream batch, record by record in stream order, through Powertools' batch processor:
 * the partial batch response names the records that failed, and the event source mapping resumes
 * from the first of them (later ones run again then; every handler here is idempotent).
 *
 * With less than `reserveMs` of the function's time left, the records not reached yet are handed
 * back unprocessed: a timeout would fail the whole batch, the records already done included.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export class OutOfTimeError extends Error {
  override readonly name = 'OutOfTimeError';
}

export interface StreamBatchOptions {
  context?: Pick<Context, 'getRemainingTimeInMillis'> | undefined;
  reserveMs: number;
  /** A record's handler failed (it goes back to the stream). */
  onFailure: (record: DynamoDBRecord, err: Error) => void;
  /** How many records were handed back unprocessed for lack of time (called once, when any were). */
  onOutOfTime: (records: number) => void;
}

export const processStreamBatch = async (
  event: DynamoDBStreamEvent,
  handle: (record: DynamoDBRecord) => Promise<void>,
  opts: StreamBatchOptions,
): Promise<DynamoDBBatchResponse> => {
  let handedBack = 0;
  const recordHandler = async (record: DynamoDBRecord): Promise<void> => {
    if (handedBack > 0 || (opts.context && opts.context.getRemainingTimeInMillis() < opts.reserveMs)) {
      handedBack++;
      throw new OutOfTimeError('handed back unprocessed: too little of the function time left');
    }
    try {
      await handle(record);
    } catch (err) {
      opts.onFailure(record, err as Error);
      throw err;
    }
  };
  // A processor per batch: the local stack and the tests may run two batches at once in one process.
  const out = await processPartialResponse(event, recordHandler, new BatchProcessor(EventType.DynamoDBStreams), {
    processInParallel: false,
    // A batch whose every record failed is answered like any other: the mapping resumes from its first.
    throwOnFullBatchFailure: false,
  });
  if (handedBack > 0) opts.onOutOfTime(handedBack);
  return out;
};
