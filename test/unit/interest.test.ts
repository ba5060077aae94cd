import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { claimAmount, fixedCompensation, lateInterest, type RateTable } from '../../lambdas/domain/money/interest.js';

describe('late-payment interest (ECB + 8 points, actual/365)', () => {
  it('is 8.34 EUR on 1,000.00 EUR for 30 days at 10.15%', () => {
    // 100 000 × 10.15% × 30 / 365 = 834.25 cents → 834.
    const r = lateInterest(100_000, '2026-03-01', '2026-03-31');
    expect(r.days).toBe(30);
    expect(r.segments).toEqual([{ period: '2026-H1', from: '2026-03-02', to: '2026-03-31', days: 30, rate: 10.15 }]);
    expect(r.interest).toBe(834);
  });

  it('splits at the half-year and applies each period its own rate', () => {
    // 2025-H1: 3.15 + 8 = 11.15%; 2025-H2: 2.15 + 8 = 10.15%.
    const r = lateInterest(1_000_000, '2025-06-20', '2025-07-10');
    expect(r.segments.map((s) => [s.period, s.days, s.rate])).toEqual([
      ['2025-H1', 10, 11.15],
      ['2025-H2', 10, 10.15],
    ]);
    // 1 000 000 × (1115 × 10 + 1015 × 10) / 3 650 000 = 5835.6… → 5836, rounded once.
    expect(r.interest).toBe(5836);
  });

  it('counts 29 February in a leap year and still divides by 365', () => {
    const r = lateInterest(365_000, '2024-02-27', '2024-03-01');
    expect(r.days).toBe(3);
    // 365 000 × 12.5% × 3 / 365 = 375.
    expect(r.interest).toBe(375);
  });

  it('counts every day of a leap year, 366, over 365, with each half-year its own rate', () => {
    // 10,000.00 EUR due 2023-12-31, claimed 2024-12-31: 182 days at 12.5% and 184 at 12.25%.
    const r = lateInterest(1_000_000, '2023-12-31', '2024-12-31');
    expect(r.segments.map((s) => [s.period, s.days, s.rate])).toEqual([
      ['2024-H1', 182, 12.5],
      ['2024-H2', 184, 12.25],
    ]);
    expect(r.days).toBe(366);
    // 1 000 000 × (12.5 × 182 + 12.25 × 184) / 36 500 = 1 000 000 × 4529 / 36 500 = 124 082.19… → 124 082.
    expect(r.interest).toBe(124_082);
  });

  it('is zero on or before the due date and on nothing due', () => {
    expect(lateInterest(100_000, '2026-03-01', '2026-03-01').interest).toBe(0);
    expect(lateInterest(100_000, '2026-03-01', '2026-02-01').interest).toBe(0);
    expect(lateInterest(0, '2026-03-01', '2026-06-01').interest).toBe(0);
  });

  it('rounds half up once, at the end', () => {
    // 200 × 10.15% × 9 / 365 = 0.5005… → 1; per-day rounding would give 0.
    expect(lateInterest(200, '2026-03-01', '2026-03-10').interest).toBe(1);
    // At 10% for a whole year, 25 minor units earn exactly 2.5: half up gives 3 (banker's rounding would give 2).
    const tenPercent: RateTable = [{ period: '2026-H1', ecbRate: 2 }];
    expect(lateInterest(25, '2026-01-01', '2027-01-01', tenPercent)).toMatchObject({ days: 365, interest: 3 });
    expect(lateInterest(24, '2026-01-01', '2027-01-01', tenPercent).interest).toBe(2);
  });

  it('takes a custom rate table and uses the latest earlier period for a missing one', () => {
    const rates: RateTable = [{ period: '2020-H1', ecbRate: 0 }];
    const r = lateInterest(365_000, '2026-01-01', '2026-01-11', rates);
    expect(r.segments[0]!.rate).toBe(8);
    expect(r.interest).toBe(800);
    expect(() => lateInterest(365_000, '2019-01-01', '2019-01-11', rates)).toThrow(/no reference rate for 2019-H1/);
  });
});

describe('bad input', () => {
  it('names the field and says why', () => {
    expect(() => lateInterest(10.5, '2026-03-01', '2026-03-31')).toThrow('principal must be whole minor units (got 10.5)');
    expect(() => lateInterest(100, '2026-02-30', '2026-03-31')).toThrow(/^dueDate must be an ISO date/);
    expect(() => lateInterest(100, '2026-03-01', '31/03/2026')).toThrow(/^asOf must be an ISO date/);
    const bad = [{ period: '2026-H3', ecbRate: 2 }] as unknown as RateTable;
    expect(() => lateInterest(100, '2026-03-01', '2026-03-31', bad)).toThrow('rates[0].period must be YYYY-H1 or YYYY-H2 (got "2026-H3")');
  });
});

describe('interest properties', () => {
  const date = fc.integer({ min: 0, max: 1400 }).map((n) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
  const amount = fc.integer({ min: 0, max: 10_000_000_000 });

  it('is within half a minor unit of the exact sum of the half-year segments, and rounded once', () => {
    fc.assert(
      fc.property(amount, date, fc.integer({ min: 0, max: 700 }), (principal, due, span) => {
        const asOf = new Date(Date.parse(due) + span * 86_400_000).toISOString().slice(0, 10);
        const r = lateInterest(principal, due, asOf);
        expect(r.days).toBe(principal > 0 ? span : 0);
        expect(r.segments.reduce((n, s) => n + s.days, 0)).toBe(r.days);
        const exact = r.segments.reduce((sum, s) => sum + (principal * s.rate * s.days) / 36_500, 0);
        expect(Math.abs(r.interest - exact)).toBeLessThanOrEqual(0.5 + 1e-6 * Math.max(1, exact));
      }),
      { numRuns: 200 },
    );
  });

  it('never falls as time passes or the amount grows', () => {
    fc.assert(
      fc.property(amount, amount, date, fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 }), (a, b, due, d1, d2) => {
        const day = (n: number) => new Date(Date.parse(due) + n * 86_400_000).toISOString().slice(0, 10);
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const [early, late] = d1 <= d2 ? [day(d1), day(d2)] : [day(d2), day(d1)];
        expect(lateInterest(lo, due, late).interest).toBeLessThanOrEqual(lateInterest(hi, due, late).interest);
        expect(lateInterest(hi, due, early).interest).toBeLessThanOrEqual(lateInterest(hi, due, late).interest);
      }),
      { numRuns: 200 },
    );
  });
});

describe('fixed compensation', () => {
  it('is 40 EUR per overdue invoice', () => {
    expect(fixedCompensation('EUR', 1)).toBe(4000);
    expect(fixedCompensation('EUR', 0)).toBe(0);
  });
  it('follows the UK Late Payment Act bands in GBP', () => {
    expect(fixedCompensation('GBP', 999_99)).toBe(40_00);
    expect(fixedCompensation('GBP', 1_000_00)).toBe(70_00);
    expect(fixedCompensation('GBP', 10_000_00)).toBe(100_00);
  });
  it('is none for a currency without a rule', () => {
    expect(fixedCompensation('USD', 1_000_00)).toBe(0);
  });
});

describe('claimAmount', () => {
  it('adds principal, interest and compensation once the invoice is late', () => {
    const c = claimAmount({ principal: 100_000, currency: 'EUR', dueDate: '2026-03-01', asOf: '2026-03-31' });
    expect(c).toMatchObject({ principal: 100_000, interest: 834, compensation: 4000, total: 104_834, days: 30 });
  });
  it('claims no ECB interest on a debt in another currency unless its reference rates are given', () => {
    const gbp = claimAmount({ principal: 500_000, currency: 'GBP', dueDate: '2026-03-01', asOf: '2026-03-31' });
    expect(gbp).toMatchObject({ interest: 0, compensation: 70_00, total: 507_000, days: 30 });
    // Bank of England base 3.75% + 8 = 11.75%: 500 000 × 11.75% × 30 / 365 = 4828.77 → 4829.
    const withBoe = claimAmount({ principal: 500_000, currency: 'GBP', dueDate: '2026-03-01', asOf: '2026-03-31', rates: [{ period: '2026-H1', ecbRate: 3.75 }] });
    expect(withBoe.interest).toBe(4829);
  });

  it('claims nothing extra before the due date', () => {
    const c = claimAmount({ principal: 100_000, currency: 'EUR', dueDate: '2026-03-31', asOf: '2026-03-31' });
    expect(c).toMatchObject({ interest: 0, compensation: 0, total: 100_000 });
  });
});
