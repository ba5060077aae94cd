/**
 * The ageing histogram rebuilt from the invoices (`npm run ageing:rebuild`), safe while the stream
 * keeps writing:
 * 1. Shares from the invoices: a paged, strongly consistent Scan of the tenant's invoices and shares;
 *    it only names the invoices whose share differs (a Scan is not a snapshot: an invoice and its
 *    share are read at different moments). For those, the shares are read again, then their
 *    invoices (BatchGetItem, strongly consistent, in that order, so the invoice is never older than
 *    the share), and each share written under the version read; a stream write in between moves the
 *    version: read again. An invoice changed after the read has a stream record still to come, later than the
 *    share's sequence, which moves the share from the value written here: nothing is lost.
 * 2. Days from the shares, round by round (settle-days.ts): read every day item (with its write
 *    counter), read every share, read the day items again. A day whose counter did not move between
 *    the two reads had no share moved on it meanwhile (every share move bumps the counters of its
 *    days in the same transaction), so the sum read is exact: it is written, on condition that the
 *    counter is still the one read. A day written meanwhile waits for the next round.
 * Between 1 and 2 the days can differ from the shares (step 1 writes shares alone); step 2 ends it.
 * One rebuild of a tenant at a time.
 */
import pLimit from 'p-limit';
import { daysOf, sameShare, type AgeDay, type DayShare } from '../../domain/reports/ageing-days.js';
import type { Observability } from '../observability.js';
import type { AgeingDayStore } from '../ports/ageing-days.js';
import { settleDays } from './settle-days.js';

export interface RebuildDeps extends Observability {
  ageingDays: AgeingDayStore;
}

export interface RebuildResult {
  invoices: number;
  sharesReplaced: number;
  days: number;
  daysReplaced: number;
  /** Days still written by the stream in every round: run again. */
  daysUnsettled: number;
}

const ROUNDS = 5;
const ATTEMPTS = 5;
const CONCURRENCY = 16;

const dayKey = (d: Pick<AgeDay, 'currency' | 'dueDate'>) => `${d.currency}#${d.dueDate}`;

/** Invoices whose shares are read and written together in step 1. */
const CHUNK = 100;

/**
 * Step 1 for some invoices: each share read, then its invoice (never older than the share read
 * before it), and the share the invoice gives written under the version read; a version that moved
 * meanwhile (the stream) is read and tried again. Returns how many shares were written.
 */
const replaceShares = async (store: AgeingDayStore, tenantId: string, invoiceIds: readonly string[]): Promise<number> => {
  let written = 0;
  let pending = [...invoiceIds];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= ATTEMPTS) throw new Error(`${pending.length} ageing shares kept changing during the rebuild`);
    const read = await store.sharesThenInvoices(tenantId, pending);
    const moved: string[] = [];
    for (const [invoiceId, { stored, share }] of read) {
      if (sameShare(stored?.share, share) && (stored !== undefined || share === undefined)) continue;
      if (await store.putShare({ tenantId, invoiceId, expectedVersion: stored?.version, sequence: stored?.sequence, to: share })) written++;
      else moved.push(invoiceId);
    }
    pending = moved;
  }
  return written;
};

export const rebuildAgeingDays = async (deps: RebuildDeps, input: { tenantId: string }): Promise<RebuildResult> => {
  const { tenantId } = input;
  const store = deps.ageingDays;

  // 1. Shares from the invoices
  const { invoices, shares } = await store.sharesAndInvoices(tenantId);
  const differing = [...new Set([...invoices.keys(), ...shares.keys()])].filter((id) => !sameShare(invoices.get(id), shares.get(id)?.share));
  const limit = pLimit(CONCURRENCY);
  const chunks = Array.from({ length: Math.ceil(differing.length / CHUNK) }, (_, i) => differing.slice(i * CHUNK, (i + 1) * CHUNK));
  const sharesReplaced = (await Promise.all(chunks.map((ids) => limit(() => replaceShares(store, tenantId, ids))))).reduce((a, b) => a + b, 0);

  // 2. Days from the shares
  const settled = await settleDays<AgeDay>(
    {
      key: dayKey,
      stored: () => store.days(tenantId),
      expected: async () => daysOf((await store.storedShares(tenantId)).flatMap((s): DayShare[] => (s.share ? [s.share] : []))),
      emptied: (d) => ({ currency: d.currency, dueDate: d.dueDate, amount: 0, invoices: 0 }),
      isEmpty: (d) => d.amount === 0 && d.invoices === 0,
      holds: (b, want) => b.amount === want.amount && b.invoices === want.invoices,
      write: (want, writes) => store.setDay(tenantId, want, writes),
    },
    limit,
    ROUNDS,
  );
  const result = { invoices: invoices.size, sharesReplaced, days: settled.days, daysReplaced: settled.replaced, daysUnsettled: settled.unsettled };
  deps.logger.info('ageing histogram rebuilt', { tenantId, ...result });
  return result;
};
