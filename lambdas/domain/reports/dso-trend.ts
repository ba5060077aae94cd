/**
 * The DSO trend: the simple DSO (report.ts) as it stood at the end of each of the last weeks, per
 * currency, without a stored history. Receivables at a past day are today's (the open index, exact)
 * with what happened since taken back out of them, read from the activity feed (activity.ts):
 *   receivables(D) = receivables(today) − issued after D + collected after D − reversed after D
 *                    + written off or escalated after D (what was still due then),
 * payments on an invoice after it went to the agency aside (it had left the receivables already).
 * Credit sales are the issued amounts of the 90 days up to D, as for today's DSO.
 * What this cannot see: a credit note that lowered an invoice issued before the window (its issue
 * item carries the lowered amount), so earlier weeks read that much less. Pure.
 */
import { addDays } from '../shared/days.js';
import type { ActivityItem } from './activity.js';

export interface DsoPoint {
  /** The last day of the week (the report's today, then 7, 14, … days before). */
  date: string;
  currencies: { currency: string; receivables: number; creditSales: number; days: number | null }[];
}

export interface DsoTrendInput {
  today: string;
  /** What is owed today per currency (the report's receivables: the agency's share excluded). */
  receivables: ReadonlyMap<string, number>;
  /** The feed from at least `weeks` weeks plus `periodDays` before today. */
  activity: readonly ActivityItem[];
  periodDays: number;
  weeks: number;
}

/** How the receivables moved on the item's day: + owed more, − owed less. */
const movement = (a: ActivityItem, escalatedOn: ReadonlyMap<string, string>): number => {
  switch (a.kind) {
    case 'issued':
      return a.amount;
    case 'collected': {
      const handedOver = escalatedOn.get(a.invoiceId);
      return handedOver !== undefined && a.date >= handedOver ? 0 : -a.amount;
    }
    case 'reversed': {
      const handedOver = escalatedOn.get(a.invoiceId);
      return handedOver !== undefined && a.date >= handedOver ? 0 : a.amount;
    }
    case 'closed':
      return a.outcome === 'paid' ? 0 : -a.amount;
    default:
      return 0;
  }
};

const dso = (receivables: number, creditSales: number, periodDays: number): number | null =>
  creditSales > 0 ? Math.round((receivables / creditSales) * periodDays * 10) / 10 : null;

/** Oldest week first, today last. */
export const dsoTrend = (input: DsoTrendInput): DsoPoint[] => {
  const { today, periodDays, weeks } = input;
  const escalatedOn = new Map<string, string>();
  for (const a of input.activity) {
    if (a.kind === 'closed' && a.outcome === 'escalated' && a.date > (escalatedOn.get(a.invoiceId) ?? '')) escalatedOn.set(a.invoiceId, a.date);
  }
  const currencies = [...new Set([...input.receivables.keys(), ...input.activity.map((a) => a.currency)])].sort();
  const points: DsoPoint[] = [];
  for (let k = weeks - 1; k >= 0; k--) {
    const date = addDays(today, -7 * k);
    const salesFrom = addDays(date, -(periodDays - 1));
    const rows = currencies.map((currency) => {
      let receivables = input.receivables.get(currency) ?? 0;
      let creditSales = 0;
      for (const a of input.activity) {
        if (a.currency !== currency) continue;
        if (a.date > date && a.date <= today) receivables -= movement(a, escalatedOn);
        if (a.kind === 'issued' && a.date >= salesFrom && a.date <= date) creditSales += a.amount;
      }
      return { currency, receivables: Math.max(0, receivables), creditSales, days: dso(Math.max(0, receivables), creditSales, periodDays) };
    });
    points.push({ date, currencies: rows.filter((r) => r.receivables > 0 || r.creditSales > 0) });
  }
  return points;
};
