/**
 * Late-payment interest and the fixed recovery compensation, per EU Directive 2011/7/EU
 * (Italy: D.Lgs. 231/2002; Romania: Legea 72/2013; UK: Late Payment of Commercial Debts Act).
 *
 * Interest is simple, from the day after the due date to `asOf` inclusive, actual/365, at the
 * reference rate in force on 1 January (first half-year) or 1 July (second) plus 8 points. It is
 * computed per half-year segment in exact integer arithmetic and rounded to the minor unit once,
 * half up.
 */
import { DateTime } from 'luxon';

export interface HalfYearRate {
  /** 'YYYY-H1' or 'YYYY-H2'. */
  period: `${number}-H1` | `${number}-H2`;
  /** Reference rate, percent, on the period's first day (for EUR: the ECB main refinancing rate). */
  ecbRate: number;
}
export type RateTable = readonly HalfYearRate[];

/**
 * ECB MRO rate on 1 January / 1 July. Keep this table current every half-year (docs/timeline.md):
 * a period missing from the table uses the latest earlier one.
 */
export const DEFAULT_RATES: RateTable = [
  { period: '2023-H1', ecbRate: 2.5 },
  { period: '2023-H2', ecbRate: 4.0 },
  { period: '2024-H1', ecbRate: 4.5 },
  { period: '2024-H2', ecbRate: 4.25 },
  { period: '2025-H1', ecbRate: 3.15 },
  { period: '2025-H2', ecbRate: 2.15 },
  { period: '2026-H1', ecbRate: 2.15 },
  { period: '2026-H2', ecbRate: 2.15 },
];

/**
 * Reference-rate tables by currency. The ECB rate is the reference for euro debts only: GBP debts
 * run on the Bank of England base rate, RON debts on the BNR reference rate. Until those tables are
 * configured here (or passed as `rates`), no interest is claimed in those currencies rather than a
 * wrong one.
 */
export const DEFAULT_RATE_TABLES: Readonly<Record<string, RateTable>> = { EUR: DEFAULT_RATES };

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
  /** Reference rates; default: DEFAULT_RATE_TABLES[currency] (none: no interest). */
  rates?: RateTable;
  compensation?: CompensationTable;
}

export interface InterestSegment {
  period: string;
  from: string;
  to: string;
  days: number;
  /** Annual rate applied, percent (reference + margin). */
  rate: number;
}

export interface Interest {
  interest: number;
  days: number;
  segments: InterestSegment[];
}

export interface Claim extends Interest {
  principal: number;
  compensation: number;
  total: number;
}

const PERIOD = /^(\d{4})-H([12])$/;
/** Rates are held in thousandths of a percent, so Σ rate × days stays an exact integer. */
const RATE_SCALE = 1000;

const parseDate = (value: string, field: string): DateTime => {
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !d.isValid) throw new RangeError(`${field} must be an ISO date YYYY-MM-DD (got ${JSON.stringify(value)})`);
  return d;
};

const checkRates = (rates: RateTable): HalfYearRate[] => {
  rates.forEach((r, i) => {
    if (!PERIOD.test(r.period)) throw new RangeError(`rates[${i}].period must be YYYY-H1 or YYYY-H2 (got ${JSON.stringify(r.period)})`);
    if (!Number.isFinite(r.ecbRate)) throw new RangeError(`rates[${i}].ecbRate must be a number of percent (got ${r.ecbRate})`);
  });
  return [...rates].sort((a, b) => a.period.localeCompare(b.period));
};

/** Rate (thousandths of a percent, margin included) for the half-year holding `date`. */
const rateFor = (date: DateTime, sorted: HalfYearRate[]): { period: string; scaled: number } => {
  const period = `${date.year}-H${date.month <= 6 ? 1 : 2}`;
  const entry = sorted.filter((r) => r.period <= period).at(-1);
  if (!entry) throw new RangeError(`no reference rate for ${period} or earlier in the rate table`);
  return { period, scaled: Math.round((entry.ecbRate + STATUTORY_MARGIN) * RATE_SCALE) };
};

/** Interest on `principal` (minor units) for the days after `dueDate` up to `asOf`, with its segments. */
export const lateInterest = (principal: number, dueDate: string, asOf: string, rates: RateTable = DEFAULT_RATES): Interest => {
  if (!Number.isSafeInteger(principal)) throw new RangeError(`principal must be whole minor units (got ${principal})`);
  const start = parseDate(dueDate, 'dueDate').plus({ days: 1 });
  const end = parseDate(asOf, 'asOf');
  if (principal <= 0 || end < start) return { interest: 0, days: 0, segments: [] };
  const sorted = checkRates(rates);

  const segments: InterestSegment[] = [];
  // Σ rate × days, exact; interest = principal × Σ / (365 × 100 × RATE_SCALE).
  let weighted = 0n;
  for (let from = start; from <= end; ) {
    const halfEnd = from.month <= 6 ? from.set({ month: 6, day: 30 }) : from.set({ month: 12, day: 31 });
    const to = halfEnd < end ? halfEnd : end;
    const days = Math.round(to.diff(from, 'days').days) + 1;
    const { period, scaled } = rateFor(from, sorted);
    segments.push({ period, from: from.toISODate()!, to: to.toISODate()!, days, rate: scaled / RATE_SCALE });
    weighted += BigInt(scaled) * BigInt(days);
    from = to.plus({ days: 1 });
  }
  const numerator = BigInt(principal) * weighted;
  const denominator = 365n * 100n * BigInt(RATE_SCALE);
  // Half up: floor((2n + d) / 2d).
  const interest = Number((numerator * 2n + denominator) / (denominator * 2n));
  return { interest, days: segments.reduce((n, s) => n + s.days, 0), segments };
};

/** Days after `dueDate` up to `asOf` inclusive (0 when nothing is due or not late). */
const daysLate = (principal: number, dueDate: string, asOf: string): number => {
  if (!Number.isSafeInteger(principal)) throw new RangeError(`principal must be whole minor units (got ${principal})`);
  const days = Math.round(parseDate(asOf, 'asOf').diff(parseDate(dueDate, 'dueDate'), 'days').days);
  return principal > 0 ? Math.max(0, days) : 0;
};

/** Fixed compensation for recovery costs per invoice, minor units, by currency and amount due. */
export type CompensationTable = Readonly<Record<string, (amountDue: number) => number>>;

/**
 * Legea 72/2013 art. 13: the lei equivalent of 40 EUR (4.97 RON/EUR, BNR, 2025). Update it with
 * the exchange rate, or pass a CompensationTable.
 */
export const RON_COMPENSATION = 198_80;

export const DEFAULT_COMPENSATION: CompensationTable = {
  EUR: () => 40_00,
  // UK Late Payment Act s.5A bands: under £1,000 → £40; under £10,000 → £70; £10,000 and above → £100.
  GBP: (due) => (due < 1_000_00 ? 40_00 : due < 10_000_00 ? 70_00 : 100_00),
  RON: () => RON_COMPENSATION,
};

/** The fixed compensation for one overdue invoice; 0 when nothing is due or the currency has no rule. */
export const fixedCompensation = (currency: string, amountDue: number, table: CompensationTable = DEFAULT_COMPENSATION): number =>
  amountDue > 0 ? (table[currency]?.(amountDue) ?? 0) : 0;

/** What can be claimed on an overdue invoice as of a date: principal, interest, compensation. */
export const claimAmount = (input: ClaimInput): Claim => {
  const rates = input.rates ?? DEFAULT_RATE_TABLES[input.currency];
  const { interest, days, segments } = rates
    ? lateInterest(input.principal, input.dueDate, input.asOf, rates)
    : { interest: 0, days: daysLate(input.principal, input.dueDate, input.asOf), segments: [] };
  const compensation = days > 0 ? fixedCompensation(input.currency, input.principal, input.compensation) : 0;
  return { principal: input.principal, interest, compensation, total: input.principal + interest + compensation, days, segments };
};
