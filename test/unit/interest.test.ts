import { describe, expect, it } from 'vitest';
import { claimAmount, fixedCompensation, lateInterest } from '../../lambdas/domain/interest.js';

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

  it('is zero on or before the due date and on nothing due', () => {
    expect(lateInterest(100_000, '2026-03-01', '2026-03-01').interest).toBe(0);
    expect(lateInterest(100_000, '2026-03-01', '2026-02-01').interest).toBe(0);
    expect(lateInterest(0, '2026-03-01', '2026-06-01').interest).toBe(0);
  });

  it('rounds half up once, at the end', () => {
    // 200 × 10.15% × 9 / 365 = 0.5005… → 1; per-day rounding would give 0.
    expect(lateInterest(200, '2026-03-01', '2026-03-10').interest).toBe(1);
  });

  it('takes a custom rate table and uses the latest earlier period for a missing one', () => {
    const rates = [{ period: '2020-H1', ecbRate: 0 }];
    const r = lateInterest(365_000, '2026-01-01', '2026-01-11', rates);
    expect(r.segments[0]!.rate).toBe(8);
    expect(r.interest).toBe(800);
    expect(() => lateInterest(365_000, '2019-01-01', '2019-01-11', rates)).toThrow(/no ECB reference rate for 2019-H1/);
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
  it('claims nothing extra before the due date', () => {
    const c = claimAmount({ principal: 100_000, currency: 'EUR', dueDate: '2026-03-31', asOf: '2026-03-31' });
    expect(c).toMatchObject({ interest: 0, compensation: 0, total: 100_000 });
  });
});
