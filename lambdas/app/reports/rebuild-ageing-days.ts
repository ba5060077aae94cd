/**
 * The ageing histogram rebuilt from the invoices (`npm run ageing:rebuild`), safe while the stream
 * keeps writing:
 * 1. Shares from the invoices: a paged, strongly consistent Scan of the tenant's invoices and shares;
 *    each share that differs from what its invoice gives is replaced under the version the Scan read.
 *    A stream write in between moves the version: the share and its invoice are read again
 *    (GetItem, strongly consistent) and the write tried again. An invoice changed after the read has a stream record still to come, later than the
 *    share's sequence, which moves the share from the value written here: nothing is lost.
 * 2. Days from the shares, round by round: read every day item (with its write counter), read every
 *    share, read the day items again. A day whose counter did not move between the two reads had no
 *    share moved on it meanwhile (every share move bumps the counters of its days in the same
 *    transaction), so the sum read is exact: it is written, on condition that the counter is still
 *    the one read. A day written meanwhile waits for the next round.
 * Between 1 and 2 the days can differ from the shares (step 1 writes shares alone); step 2 ends it.
 * One rebuild of a tenant at a time.
 */
import pLimit from 'p-limit';
import { daysOf, sameShare, type AgeDay, type DayShare } from '../../domain/reports/ageing-days.js';
import type { Observability } from '../observability.js';
import type { AgeingDayStore, StoredDay, StoredShare } from '../ports/ageing-days.js';

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

/**
 * Step 1 for one invoice: the share its invoice gives, written under the version read. The first
 * attempt uses what the Scan read; a version that moved since is read again with the invoice.
 */
const replaceShare = async (store: AgeingDayStore, tenantId: string, invoiceId: string, scanned: { stored?: StoredShare; share?: DayShare }): Promise<boolean> => {
  let { stored, share } = scanned;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) {
      const [s, current] = await Promise.all([store.share(tenantId, invoiceId), store.currentShareOf(tenantId, invoiceId)]);
      stored = s;
      share = current.share;
    }
    if (sameShare(stored?.share, share) && (stored !== undefined || share === undefined)) return false;
    if (await store.putShare({ tenantId, invoiceId, expectedVersion: stored?.version, sequence: stored?.sequence, to: share })) return true;
  }
  throw new Error(`invoice ${invoiceId}: its ageing share kept changing during the rebuild`);
};

export const rebuildAgeingDays = async (deps: RebuildDeps, input: { tenantId: string }): Promise<RebuildResult> => {
  const { tenantId } = input;
  const store = deps.ageingDays;

  // 1. Shares from the invoices
  const { invoices, shares } = await store.sharesAndInvoices(tenantId);
  const differing = [...new Set([...invoices.keys(), ...shares.keys()])].filter((id) => !sameShare(invoices.get(id), shares.get(id)?.share));
  const limit = pLimit(CONCURRENCY);
  const replaced = await Promise.all(
    differing.map((id) => {
      const stored = shares.get(id);
      const share = invoices.get(id);
      return limit(() => replaceShare(store, tenantId, id, { ...(stored ? { stored } : {}), ...(share ? { share } : {}) }));
    }),
  );
  const sharesReplaced = replaced.filter(Boolean).length;

  // 2. Days from the shares
  let pending: Set<string> | undefined;
  let daysReplaced = 0;
  let days = 0;
  for (let round = 0; round < ROUNDS && (pending === undefined || pending.size > 0); round++) {
    const first = new Map((await store.days(tenantId)).map((d) => [dayKey(d), d]));
    const expected = new Map(daysOf((await store.storedShares(tenantId)).flatMap((s): DayShare[] => (s.share ? [s.share] : []))).map((d) => [dayKey(d), d]));
    const second = new Map((await store.days(tenantId)).map((d) => [dayKey(d), d]));
    days = expected.size;
    const keys = pending ?? new Set([...first.keys(), ...expected.keys(), ...second.keys()]);
    const unsettled = new Set<string>();
    await Promise.all(
      [...keys].map((key) =>
        limit(async () => {
          const a: StoredDay | undefined = first.get(key);
          const b: StoredDay | undefined = second.get(key);
          if (a?.writes !== b?.writes) return void unsettled.add(key);
          const [currency, dueDate] = [key.slice(0, key.indexOf('#')), key.slice(key.indexOf('#') + 1)];
          const want = expected.get(key) ?? { currency: b?.currency ?? currency, dueDate: b?.dueDate ?? dueDate, amount: 0, invoices: 0 };
          const empty = want.amount === 0 && want.invoices === 0;
          // Right already; an empty day item the stream left behind is deleted.
          if (b ? !empty && b.amount === want.amount && b.invoices === want.invoices : empty) return;
          if (await store.setDay(tenantId, want, b?.writes)) daysReplaced++;
          else unsettled.add(key);
        }),
      ),
    );
    pending = unsettled;
  }
  const result = { invoices: invoices.size, sharesReplaced, days, daysReplaced, daysUnsettled: pending?.size ?? 0 };
  deps.logger.info('ageing histogram rebuilt', { tenantId, ...result });
  return result;
};
