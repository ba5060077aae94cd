/**
 * Late-payment interest and the fixed recovery compensation, per EU Directive 2011/7/EU
 * (Italy: D.Lgs. 231/2002; Romania: Legea 72/2013; UK: Late Payment of Commercial Debts Act).
 *
 * Interest is simple, from the day after the due date to `asOf` inclusive, actual/365, at the
 * ECB main refinancing rate in force on 1 January (first half-year) or 1 July (second) plus 8
 * points. It is computed per half-year segment in exact integer arithmetic and rounded to the
 * minor unit once, half up.
 */
import { DateTime } from 'luxon';

export interface HalfYearRate {
  /** 'YYYY-H1' or 'YYYY-H2'. */
  period: string;
  /** ECB main refinancing operations rate, percent, on the period's first day. */
  ecbRate: number;
}

/**
 * ECB MRO rate on 1 January / 1 July. Keep this table current every half-year (docs/timeline.md):
 * a period missing from the table uses the latest earlier one.
 */
export const DEFAULT_RATES: readonly HalfYearRate[] = [
  { period: '2023-H1', ecbRate: 2.5 },
  { period: '2023-H2', ecbRate: 4.0 },
  { period: '2024-H1', ecbRate: 4.5 },
  { period: '2024-H2', ecbRate: 4.25 },
  { period: '2025-H1', ecbRate: 3.15 },
  { period: '2025-H2', ecbRate: 2.15 },
  { period: '2026-H1', ecbRate: 2.15 },
  { period: '2026-H2', ecbRate: 2.15 },
];

/** Points over the reference rate (Directive 2011/7/EU art. 2(6)). */
export const STATUTORY_MARGIN = 8;

export interface ClaimInput {
  /** Amount due, minor units. */
  principal: number;
  currency: string;
  /** ISO date the payment was due. */
  dueDate: string;
  /** ISO date up to which interest runs (inclusive). */
  asOf: string;
  rates?: readonly HalfYearRate[];
  compensation?: CompensationTable;
}

export interface InterestSegment {
  period: string;
  from: string;
  to: string;
  days: number;
  /** Annual rate applied, percent (ECB + margin). */
  rate: number;
}

export interface Claim {
  principal: number;
  interest: number;
  compensation: number;
  total: number;
  days: number;
  segments: InterestSegment[];
}

/** Rate in basis points (integer) for the half-year holding `date`. */
const rateFor = (date: DateTime, rates: readonly HalfYearRate[]): { period: string; bp: number } => {
  const period = `${date.year}-H${date.month <= 6 ? 1 : 2}`;
  const known = [...rates].sort((a, b) => a.period.localeCompare(b.period)).filter((r) => r.period <= period);
  const entry = known.at(-1);
  if (!entry) throw new Error(`no ECB reference rate for ${period} or earlier`);
  return { period, bp: Math.round((entry.ecbRate + STATUTORY_MARGIN) * 100) };
};

/** Interest on `principal` (minor units) for the days after `dueDate` up to `asOf`, with its segments. */
export const lateInterest = (
  principal: number,
  dueDate: string,
  asOf: string,
  rates: readonly HalfYearRate[] = DEFAULT_RATES,
): { interest: number; days: number; segments: InterestSegment[] } => {
  const start = DateTime.fromISO(dueDate, { zone: 'utc' }).plus({ days: 1 });
  const end = DateTime.fromISO(asOf, { zone: 'utc' });
  if (!start.isValid || !end.isValid) throw new Error(`invalid dates: due ${dueDate}, as of ${asOf}`);
  if (principal <= 0 || end < start) return { interest: 0, days: 0, segments: [] };

  const segments: InterestSegment[] = [];
  // Σ bp × days, exact; interest = principal × Σ / (365 × 10 000).
  let weighted = 0n;
  for (let from = start; from <= end; ) {
    const halfEnd = from.month <= 6 ? from.set({ month: 6, day: 30 }) : from.set({ month: 12, day: 31 });
    const to = halfEnd < end ? halfEnd : end;
    const days = Math.round(to.diff(from, 'days').days) + 1;
    const { period, bp } = rateFor(from, rates);
    segments.push({ period, from: from.toISODate()!, to: to.toISODate()!, days, rate: bp / 100 });
    weighted += BigInt(bp) * BigInt(days);
    from = to.plus({ days: 1 });
  }
  const numerator = BigInt(principal) * weighted;
  const denominator = 365n * 10_000n;
  const interest = Number((numerator * 2n + denominator) / (denominator * 2n));
  return { interest, days: segments.reduce((n, s) => n + s.days, 0), segments };
};

/** Fixed compensation for recovery costs per invoice, minor units, by currency and amount due. */
export type CompensationTable = Readonly<Record<string, (amountDue: number) => number>>;

export const DEFAULT_COMPENSATION: CompensationTable = {
  EUR: () => 40_00,
  // UK Late Payment Act bands: under £1,000 → £40; under £10,000 → £70; above → £100.
  GBP: (due) => (due < 1_000_00 ? 40_00 : due < 10_000_00 ? 70_00 : 100_00),
  // Legea 72/2013: the lei equivalent of 40 EUR at the BNR rate; 4.97 RON/EUR, update with the rate.
  RON: () => 198_80,
};

export const fixedCompensation = (currency: string, amountDue: number, table: CompensationTable = DEFAULT_COMPENSATION): number =>
  amountDue > 0 ? (table[currency]?.(amountDue) ?? 0) : 0;

/** What can be claimed on an overdue invoice as of a date: principal, interest, compensation. */
export const claimAmount = (input: ClaimInput): Claim => {
  const { interest, days, segments } = lateInterest(input.principal, input.dueDate, input.asOf, input.rates);
  const compensation = days > 0 ? fixedCompensation(input.currency, input.principal, input.compensation) : 0;
  return { principal: input.principal, interest, compensation, total: input.principal + interest + compensation, days, segments };
};
