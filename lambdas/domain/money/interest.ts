/**
 * Late-payment interest and the fixed recovery compensation, per EU Directive 2011/7/EU
 * (Italy: D.Lgs. 231/2002; Romania: Legea 72/2013; UK: Late Payment of Commercial Debts Act).
 *
 * Interest is simple, from the day after the due date to `asOf` inclusive, actual/365, at the
 * reference rate in force on 1 January (first half-year) or 1 July (second) plus 8 points. It is
 * computed per half-year segment in exact integer arithmetic and rounded to the minor unit once,
 * half up. A debt paid in parts runs each part to its own payment day (interestOnParts).
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
  /**
   * The parts already paid, with their value dates: one paid after the due date earns interest up
   * to its day (interestOnParts). Without them interest runs on `principal` alone.
   */
  payments?: readonly DatedAmount[];
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
  /** The parts interest ran on: each part paid late, and the unpaid rest (interestOnParts). */
  parts: InterestPart[];
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

/** Σ rate × days (thousandths of a percent × days) from `start` to `end` inclusive, split by half-year. */
const weightedDays = (start: DateTime, end: DateTime, sorted: HalfYearRate[]): { weighted: bigint; segments: InterestSegment[] } => {
  const segments: InterestSegment[] = [];
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
  return { weighted, segments };
};

const DENOMINATOR = 365n * 100n * BigInt(RATE_SCALE);
/** The one rounding: Σ amount × rate × days / (365 × 100 × RATE_SCALE), half up (floor((2n + d) / 2d)). */
const roundHalfUp = (numerator: bigint): number => Number((numerator * 2n + DENOMINATOR) / (DENOMINATOR * 2n));

const checkAmount = (amount: number, field: string): void => {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${field} must be whole minor units (got ${amount})`);
};

/** Interest on `principal` (minor units) for the days after `dueDate` up to `asOf`, with its segments. */
export const lateInterest = (principal: number, dueDate: string, asOf: string, rates: RateTable = DEFAULT_RATES): Interest => {
  checkAmount(principal, 'principal');
  const start = parseDate(dueDate, 'dueDate').plus({ days: 1 });
  const end = parseDate(asOf, 'asOf');
  if (principal <= 0 || end < start) return { interest: 0, days: 0, segments: [] };
  const { weighted, segments } = weightedDays(start, end, checkRates(rates));
  return { interest: roundHalfUp(BigInt(principal) * weighted), days: segments.reduce((n, s) => n + s.days, 0), segments };
};

/** An amount paid (minor units) on a day (ISO date, the value date). */
export interface DatedAmount {
  amount: number;
  date: string;
}

/** One part of the debt and the days it ran late: a part paid late up to its payment day, or the rest still unpaid up to `asOf`. */
export interface InterestPart {
  kind: 'paidLate' | 'unpaid';
  amount: number;
  /** Last day interest runs on this part (its payment day, or asOf). */
  until: string;
  days: number;
  segments: InterestSegment[];
}

export interface PartsInterest extends Interest {
  parts: InterestPart[];
}

/**
 * Interest on a debt paid in parts (D.Lgs. 231/2002 art. 5, Directive 2011/7/EU art. 3): each
 * part paid after `dueDate` runs from the day after the due date to its payment day inclusive;
 * `unpaid` runs to `asOf`. A payment on or before the due date (or after `asOf`) earns nothing.
 * The parts are summed exactly and rounded once, at the end (roundHalfUp): never per part.
 * `interest`, `days` and `segments` are the unpaid rest's (what is still running); the late
 * parts are in `parts`.
 */
export const interestOnParts = (unpaid: number, payments: readonly DatedAmount[], dueDate: string, asOf: string, rates: RateTable = DEFAULT_RATES): PartsInterest => {
  checkAmount(unpaid, 'unpaid');
  const start = parseDate(dueDate, 'dueDate').plus({ days: 1 });
  const end = parseDate(asOf, 'asOf');
  const sorted = checkRates(rates);
  const parts: InterestPart[] = [];
  let numerator = 0n;
  const add = (kind: InterestPart['kind'], amount: number, until: DateTime) => {
    if (amount <= 0 || until < start) return;
    const { weighted, segments } = weightedDays(start, until, sorted);
    numerator += BigInt(amount) * weighted;
    parts.push({ kind, amount, until: until.toISODate()!, days: segments.reduce((n, s) => n + s.days, 0), segments });
  };
  payments.forEach((p, i) => {
    checkAmount(p.amount, `payments[${i}].amount`);
    const paidOn = parseDate(p.date, `payments[${i}].date`);
    if (paidOn <= end) add('paidLate', p.amount, paidOn);
  });
  add('unpaid', unpaid, end);
  const rest = parts.find((p) => p.kind === 'unpaid');
  return { interest: roundHalfUp(numerator), days: rest?.days ?? 0, segments: rest?.segments ?? [], parts };
};

/** interestOnParts from the invoice's side: the unpaid rest is `amount` less every payment made by `asOf`. */
export const invoiceInterest = (input: { amount: number; dueDate: string; payments: readonly DatedAmount[]; asOf: string; rates?: RateTable }): PartsInterest => {
  const paid = input.payments.filter((p) => p.date <= input.asOf).reduce((n, p) => n + p.amount, 0);
  return interestOnParts(Math.max(0, input.amount - paid), input.payments, input.dueDate, input.asOf, input.rates);
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
  const { interest, days, segments, parts } = rates
    ? interestOnParts(input.principal, input.payments ?? [], input.dueDate, input.asOf, rates)
    : { interest: 0, days: daysLate(input.principal, input.dueDate, input.asOf), segments: [], parts: [] };
  const compensation = days > 0 ? fixedCompensation(input.currency, input.principal, input.compensation) : 0;
  return { principal: input.principal, interest, compensation, total: input.principal + interest + compensation, days, segments, parts };
};
