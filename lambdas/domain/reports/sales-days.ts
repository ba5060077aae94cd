/**
 * Credit sales by issue day: per currency and local issue date, what the `issued` items of the
 * activity feed (activity.ts) add up to, kept beside the feed so that today's DSO reads at most
 * DSO_PERIOD_DAYS × currencies day items instead of one activity item per invoice issued. Pure.
 *
 * A day holds the sum of the amounts of the issued items filed under it and how many there are
 * (so a currency whose issues sum to nothing still counts as having sales, as creditSalesOf counts
 * it). The writer replaces an issued item and ADDs the difference to its day (`salesMoves`); the
 * repair recomputes the days from the items (`salesDaysOf`). Amounts are integer minor units.
 */
import { addDays } from '../shared/days.js';
import type { ActivityItem, IssuedActivity } from './activity.js';

/** One currency and issue day. */
export interface SalesDay {
  currency: string;
  /** The local issue date (the activity item's `date`). */
  date: string;
  amount: number;
  /** Issued items filed under the day. */
  invoices: number;
}

/** What an issued item adds to its day. */
export type IssuedFigure = Pick<IssuedActivity, 'currency' | 'date' | 'amount'>;

const keyOf = (d: Pick<SalesDay, 'currency' | 'date'>) => `${d.date}\u0000${d.currency}`;

/** The ADDs that turn days holding the item `from` into days holding `to`: at most two days, none when nothing moves. */
export const salesMoves = (from: IssuedFigure | undefined, to: IssuedFigure | undefined): SalesDay[] => {
  const moves = new Map<string, SalesDay>();
  const add = (f: IssuedFigure, sign: 1 | -1) => {
    const m = moves.get(keyOf(f)) ?? { currency: f.currency, date: f.date, amount: 0, invoices: 0 };
    m.amount += sign * f.amount;
    m.invoices += sign;
    moves.set(keyOf(f), m);
  };
  if (from) add(from, -1);
  if (to) add(to, 1);
  return [...moves.values()].filter((m) => m.amount !== 0 || m.invoices !== 0);
};

/** The day totals of a feed: its issued items added up per currency and day (what the day items must hold). */
export const salesDaysOf = (activity: Iterable<ActivityItem>): SalesDay[] => {
  const out = new Map<string, SalesDay>();
  for (const a of activity) {
    if (a.kind !== 'issued') continue;
    const d = out.get(keyOf(a)) ?? { currency: a.currency, date: a.date, amount: 0, invoices: 0 };
    d.amount += a.amount;
    d.invoices += 1;
    out.set(keyOf(a), d);
  }
  return [...out.values()];
};

/**
 * Credit sales per currency of the `periodDays` days up to `today`, from the day totals: the same
 * map creditSalesOf (ageing-days.ts) gives from the issued items themselves, a currency present
 * when at least one item was issued in it in the period. A day left at zero items (its issues
 * moved away: ADD cannot delete) counts for nothing.
 */
export const creditSalesFromDays = (days: Iterable<SalesDay>, today: string, periodDays: number): Map<string, number> => {
  const from = addDays(today, -(periodDays - 1));
  const out = new Map<string, number>();
  const issued = new Map<string, number>();
  for (const d of days) {
    if (d.date < from || d.date > today) continue;
    out.set(d.currency, (out.get(d.currency) ?? 0) + d.amount);
    issued.set(d.currency, (issued.get(d.currency) ?? 0) + d.invoices);
  }
  for (const [currency, n] of issued) if (n <= 0) out.delete(currency);
  return out;
};
