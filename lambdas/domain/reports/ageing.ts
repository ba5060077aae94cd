/**
 * Ageing of receivables: how many calendar days an invoice is past its due date, counted in the
 * tenant's time zone (an invoice due on the 10th is 1 day late from midnight of the 11th in Rome,
 * whatever UTC says), and the classic buckets a finance team reads.
 */
import { addDays, daysBetween, localDay } from '../shared/days.js';

export const AGEING_BUCKETS = ['not_due', '1-30', '31-60', '61-90', 'over_90'] as const;
export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

/** Inclusive bounds in days past due; `undefined` = open-ended. */
const BOUNDS: Record<AgeingBucket, { min?: number; max?: number }> = {
  not_due: { max: 0 },
  '1-30': { min: 1, max: 30 },
  '31-60': { min: 31, max: 60 },
  '61-90': { min: 61, max: 90 },
  over_90: { min: 91 },
};

/** Days past due on `today`: 0 on the due date, negative before it. */
export const daysPastDue = (dueDate: string, today: string): number => daysBetween(dueDate, today);

export const bucketFor = (daysLate: number): AgeingBucket =>
  daysLate <= 0 ? 'not_due' : daysLate <= 30 ? '1-30' : daysLate <= 60 ? '31-60' : daysLate <= 90 ? '61-90' : 'over_90';

/** The bucket of an invoice due on `dueDate`, at `now`, in the tenant's time zone. */
export const ageingBucket = (dueDate: string, now: Date, timeZone: string): AgeingBucket =>
  bucketFor(daysPastDue(dueDate, localDay(now, timeZone)));

/**
 * The due dates (inclusive) that fall in `bucket` on `today`: what a query on a due-date index
 * needs to list one bucket without reading the others.
 */
export const dueDateRange = (bucket: AgeingBucket, today: string): { from?: string; to?: string } => {
  const { min, max } = BOUNDS[bucket];
  return {
    ...(max !== undefined ? { from: addDays(today, -max) } : {}),
    ...(min !== undefined ? { to: addDays(today, -min) } : {}),
  };
};

export interface AgeableItem {
  dueDate: string;
  currency: string;
  /** Minor units still owed. */
  amountDue: number;
}

export type AgeingTotals = Record<string, Record<AgeingBucket, number>>;

/** Open amounts per currency and bucket. Amounts of different currencies are never summed together. */
export const ageBalances = (items: Iterable<AgeableItem>, today: string): AgeingTotals => {
  const totals: AgeingTotals = {};
  for (const it of items) {
    if (it.amountDue <= 0) continue;
    const row = (totals[it.currency] ??= Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Record<AgeingBucket, number>);
    row[bucketFor(daysPastDue(it.dueDate, today))] += it.amountDue;
  }
  return totals;
};
