/**
 * A table-stream batch that failed every retry (its shard and sequence numbers, from the
 * StreamFailures queue):
 * 1. Read its records back from the stream (they stay 24 hours; trimmed ones throw, for a retry).
 * 2. Find the invoices they were about.
 * 3. Mark each invoice failed, with an entry in its contact log, once: marking changes the invoice,
 *    which the stream carries to table-stream again; if that fails too, the invoice is already
 *    marked and nothing is written, so the chain ends there.
 * 4. Count them (StreamRecordsAbandoned, alarmed) and log the batch.
 */
import { invoicesChanged, streamFailure } from '../../domain/timeline/stream-failure.js';
import type { Observability } from '../observability.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { StreamBatchInfo, StreamHistory } from '../ports/stream-history.js';

export type MarkStreamFailuresDeps = Observability & {
  stream: StreamHistory;
  invoices: Pick<InvoiceRepository, 'recordFailure'>;
  now: () => Date;
};

export interface AbandonedBatch {
  batch: StreamBatchInfo;
  /** Why the event source mapping gave up (RetryAttemptsExhausted…). */
  condition: string;
  /** When it gave up, if it said. */
  at?: string;
}

export const markStreamFailures = async (deps: MarkStreamFailuresDeps, input: AbandonedBatch): Promise<{ invoices: number; marked: number }> => {
  const { batch, condition } = input;
  const at = input.at ?? deps.now().toISOString();
  // 1, 2. The records, the invoices
  const invoices = invoicesChanged(await deps.stream.changesIn(batch));

  // 3. Each marked once
  let marked = 0;
  for (const inv of invoices) {
    const { failure, event } = streamFailure(inv, condition, at);
    if (await deps.invoices.recordFailure(inv.tenantId, inv.invoiceId, failure, event, { once: true })) marked++;
  }

  // 4. Counted and logged
  deps.count('StreamRecordsAbandoned', invoices.length);
  deps.logger.error('stream records abandoned after every retry', {
    condition,
    shardId: batch.shardId,
    startSequenceNumber: batch.startSequenceNumber,
    endSequenceNumber: batch.endSequenceNumber,
    invoices: invoices.map((i) => i.invoiceId),
    marked,
  });
  return { invoices: invoices.length, marked };
};
