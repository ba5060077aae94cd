/**
 * Records in batches, written while the next batch is parsed (two in flight at most, so memory
 * stays flat whatever the file's size).
 */
import type { RejectionReport } from '../../domain/ingest/rejection-report.js';
import type { Parsed, Rejection } from '../../domain/parsers/types.js';

/** Records written per batch; batches overlap with parsing, two at a time. */
const BATCH = 500;
const BATCHES_IN_FLIGHT = 2;

export const writeInBatches = async <T>(
  records: AsyncIterable<Parsed<T>>,
  report: RejectionReport,
  write: (batch: T[]) => Promise<Rejection[]>,
  deadline: () => boolean,
): Promise<{ records: number; stoppedAt?: number }> => {
  let batch: T[] = [];
  let n = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = async () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    const p = write(b).then((rs) => report.add(...rs));
    const tracked = p.finally(() => inFlight.delete(tracked));
    tracked.catch(() => undefined); // awaited below; this only keeps Node from calling it unhandled meanwhile
    inFlight.add(tracked);
    if (inFlight.size >= BATCHES_IN_FLIGHT) await Promise.race(inFlight);
  };
  try {
    for await (const r of records) {
      n++;
      if (r.ok) batch.push(r.value);
      else report.add(...r.rejections);
      if (batch.length >= BATCH) {
        await flush();
        if (deadline()) return { records: n, stoppedAt: n };
      }
    }
    await flush();
  } finally {
    await Promise.all(inFlight);
  }
  return { records: n };
};
