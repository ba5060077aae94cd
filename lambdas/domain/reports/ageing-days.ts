/**
 * The ageing histogram: what is owed per currency and due day, kept by the table stream so that the
 * buckets and the DSO read a few thousand day items instead of every open invoice. Pure.
 *
 * An invoice's share is what it adds to one day: its amount still due and a count of 1, when the
 * report would count it (chased, something still owed), else nothing. The stream moves the share
 * from where it was stored to where the new image puts it (`dayMoves`); the repair recomputes the
 * shares from the invoices and the days from the shares. Amounts are integer minor units.
 */
import { ACTIVE_STATUSES, amountDue, type Invoice } from '../model.js';
import { AGEING_BUCKETS, ageBalances, type AgeingBucket } from './ageing.js';
import type { ActivityItem } from './activity.js';
import { addDays } from '../shared/days.js';

export interface DayShare {
  currency: string;
  dueDate: string;
  /** Minor units still due, > 0. */
  amount: number;
}

/** One currency and due day of the histogram. */
export interface AgeDay {
  currency: string;
  dueDate: string;
  amount: number;
  invoices: number;
}

/** An ADD to one day item: what the day gains (negative: loses). */
export type DayMove = AgeDay;

export type ShareSource = Pick<Invoice, 'status' | 'currency' | 'dueDate' | 'amount' | 'amountPaid'> & Partial<Pick<Invoice, 'settledDifference'>>;

/** What the invoice adds to the histogram: the report's rule (the open index, amount still due > 0). */
export const shareOf = (inv: ShareSource | undefined): DayShare | undefined => {
  if (!inv || !ACTIVE_STATUSES.includes(inv.status)) return undefined;
  const amount = amountDue(inv);
  return amount > 0 ? { currency: inv.currency, dueDate: inv.dueDate, amount } : undefined;
};

export const sameShare = (a: DayShare | undefined, b: DayShare | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.currency === b.currency && a.dueDate === b.dueDate && a.amount === b.amount);

/** The ADDs that turn a histogram holding `from` into one holding `to`: at most two days, none when nothing moves. */
export const dayMoves = (from: DayShare | undefined, to: DayShare | undefined): DayMove[] => {
  const moves = new Map<string, DayMove>();
  const add = (s: DayShare, sign: 1 | -1) => {
    const key = `${s.currency}\u0000${s.dueDate}`;
    const m = moves.get(key) ?? { currency: s.currency, dueDate: s.dueDate, amount: 0, invoices: 0 };
    m.amount += sign * s.amount;
    m.invoices += sign;
    moves.set(key, m);
  };
  if (from) add(from, -1);
  if (to) add(to, 1);
  return [...moves.values()].filter((m) => m.amount !== 0 || m.invoices !== 0);
};

/**
 * Whether stream sequence number `a` comes after `b` (absent: before everything). Sequence numbers
 * are decimal strings of up to 40 digits, so they are compared as integers, not as text.
 */
export const isLaterSequence = (a: string, b: string | undefined): boolean => b === undefined || BigInt(a) > BigInt(b);

/** Adds up shares per currency and day (what the day items must hold). */
export const daysOf = (shares: Iterable<DayShare>): AgeDay[] => {
  const out = new Map<string, AgeDay>();
  for (const s of shares) {
    const key = `${s.currency}\u0000${s.dueDate}`;
    const d = out.get(key) ?? { currency: s.currency, dueDate: s.dueDate, amount: 0, invoices: 0 };
    d.amount += s.amount;
    d.invoices += 1;
    out.set(key, d);
  }
  return [...out.values()];
};

export type Buckets = Record<AgeingBucket, number>;

export interface AgeingTotal {
  currency: string;
  buckets: Buckets;
  total: number;
  invoices: number;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The report's "open amounts by age", per currency, from the day totals. */
export const totalsFromDays = (days: Iterable<AgeDay>, today: string): AgeingTotal[] => {
  const list = [...days].filter((d) => d.invoices !== 0 || d.amount !== 0);
  const balances = ageBalances(list.map((d) => ({ currency: d.currency, dueDate: d.dueDate, amountDue: d.amount })), today);
  const invoices = new Map<string, number>();
  for (const d of list) invoices.set(d.currency, (invoices.get(d.currency) ?? 0) + d.invoices);
  return Object.entries(balances)
    .map(([currency, buckets]) => ({ currency, buckets, total: AGEING_BUCKETS.reduce((s, b) => s + buckets[b], 0), invoices: invoices.get(currency) ?? 0 }))
    .sort((a, b) => byText(a.currency, b.currency));
};

/** Receivables per currency: every amount still due, whatever its age. */
export const receivablesFromDays = (days: Iterable<AgeDay>): Map<string, number> => {
  const out = new Map<string, number>();
  for (const d of days) if (d.amount > 0) out.set(d.currency, (out.get(d.currency) ?? 0) + d.amount);
  return out;
};

export interface DsoRow {
  currency: string;
  receivables: number;
  creditSales: number;
  days: number | null;
}

/** The simple DSO (report.ts): receivables / credit sales of the period × the period's days, one decimal; null without sales. */
export const dsoRows = (receivables: ReadonlyMap<string, number>, creditSales: ReadonlyMap<string, number>, periodDays: number): DsoRow[] =>
  [...new Set([...creditSales.keys(), ...receivables.keys()])].sort(byText).map((currency) => {
    const r = receivables.get(currency) ?? 0;
    const s = creditSales.get(currency) ?? 0;
    return { currency, receivables: r, creditSales: s, days: s > 0 ? Math.round((r / s) * periodDays * 10) / 10 : null };
  });

/** Credit sales per currency: the invoices issued in the `periodDays` days up to `today` (the activity feed). */
export const creditSalesOf = (activity: readonly ActivityItem[], today: string, periodDays: number): Map<string, number> => {
  const from = addDays(today, -(periodDays - 1));
  const out = new Map<string, number>();
  for (const a of activity) if (a.kind === 'issued' && a.date >= from && a.date <= today) out.set(a.currency, (out.get(a.currency) ?? 0) + a.amount);
  return out;
};
