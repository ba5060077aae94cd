import { describe, expect, it } from 'vitest';
import { claimAmount, interestOnParts, invoiceInterest, lateInterest } from '../../../lambdas/domain/money/interest.js';

// Rate table (interest.ts DEFAULT_RATES): 2026-H1 ECB 2.15 + 8 = 10.15%, held as 10 150 thousandths.
// Interest = Σ amount × 10 150 × days / (365 × 100 × 1000 = 36 500 000), rounded half up once.
describe('interest on a debt paid in parts', () => {
  it('runs the late part to its payment day and the rest to asOf: 13.18 EUR', () => {
    // 1,000.00 due 2026-01-31; 400.00 paid 2026-03-02 (30 days late); 600.00 unpaid at 2026-03-31 (59 days).
    // 40 000 × 10 150 × 30 = 12 180 000 000
    // 60 000 × 10 150 × 59 = 35 931 000 000
    // Σ 48 111 000 000 / 36 500 000 = 1318.109… → 1318 cents.
    const r = invoiceInterest({ amount: 100_000, dueDate: '2026-01-31', payments: [{ amount: 40_000, date: '2026-03-02' }], asOf: '2026-03-31' });
    expect(r.interest).toBe(1318);
    expect(r.parts.map((p) => [p.kind, p.amount, p.until, p.days])).toEqual([
      ['paidLate', 40_000, '2026-03-02', 30],
      ['unpaid', 60_000, '2026-03-31', 59],
    ]);
    // What the unpaid rest alone earned before this rule: 35 931 000 000 / 36 500 000 = 984.4… → 984.
    expect(lateInterest(60_000, '2026-01-31', '2026-03-31').interest).toBe(984);
    // The rest's days and segments stay what the message shows as days late.
    expect(r.days).toBe(59);
    expect(r.segments).toEqual([{ period: '2026-H1', from: '2026-02-01', to: '2026-03-31', days: 59, rate: 10.15 }]);
  });

  it('lets a payment on or before the due date stop nothing and earn nothing', () => {
    // 400.00 paid on the due date: only the 600.00 runs, 59 days → 984 cents as above.
    const onTime = invoiceInterest({ amount: 100_000, dueDate: '2026-01-31', payments: [{ amount: 40_000, date: '2026-01-31' }], asOf: '2026-03-31' });
    expect(onTime.interest).toBe(984);
    expect(onTime.parts.map((p) => p.kind)).toEqual(['unpaid']);
    const early = invoiceInterest({ amount: 100_000, dueDate: '2026-01-31', payments: [{ amount: 40_000, date: '2026-01-10' }], asOf: '2026-03-31' });
    expect(early.interest).toBe(984);
  });

  it('earns on a fully paid late invoice, nothing left running', () => {
    // 1,000.00 paid 2026-03-02: 100 000 × 10 150 × 30 / 36 500 000 = 834.2… → 834.
    const r = invoiceInterest({ amount: 100_000, dueDate: '2026-01-31', payments: [{ amount: 100_000, date: '2026-03-02' }], asOf: '2026-03-31' });
    expect(r.interest).toBe(834);
    expect(r.days).toBe(0);
  });

  it('rounds once over all parts, never per part', () => {
    // Two parts of 0.31 paid 2026-03-31, 59 days late: each 31 × 10 150 × 59 / 36 500 000 = 0.508… cents.
    // Rounded per part: 1 + 1 = 2. Rounded once: 1.017… → 1.
    const r = interestOnParts(0, [{ amount: 31, date: '2026-03-31' }, { amount: 31, date: '2026-03-31' }], '2026-01-31', '2026-03-31');
    expect(r.interest).toBe(1);
  });

  it('ignores a payment dated after asOf (not yet paid as of that day)', () => {
    const r = interestOnParts(60_000, [{ amount: 40_000, date: '2026-04-15' }], '2026-01-31', '2026-03-31');
    expect(r.interest).toBe(984);
  });

  it('reaches the claim: principal is the unpaid rest, interest covers the late part too', () => {
    const claim = claimAmount({ principal: 60_000, currency: 'EUR', dueDate: '2026-01-31', asOf: '2026-03-31', payments: [{ amount: 40_000, date: '2026-03-02' }] });
    // 600.00 + 13.18 + 40.00 compensation.
    expect(claim).toMatchObject({ principal: 60_000, interest: 1318, compensation: 4000, total: 65_318, days: 59 });
  });
});
