import { describe, expect, it } from 'vitest';
import type { ActivityItem } from '../../lambdas/domain/reports/activity.js';
import { dsoTrend } from '../../lambdas/domain/reports/dso-trend.js';

const base = { tenantId: 't', number: 'N', customerId: 'C1', dueDate: '2026-03-01', currency: 'EUR' };
const issued = (invoiceId: string, date: string, amount: number, currency = 'EUR'): ActivityItem => ({ ...base, invoiceId, kind: 'issued', date, amount, currency });
const collected = (invoiceId: string, date: string, amount: number): ActivityItem => ({
  ...base,
  invoiceId,
  kind: 'collected',
  date,
  amount,
  paymentId: `p-${invoiceId}-${date}`,
  valueDate: date,
  afterStage: 'none',
  policy: 'standard',
});

describe('the DSO trend', () => {
  it('rebuilds each week end from today back: what was issued, paid, taken back, written off or escalated since', () => {
    // Today, Monday 30 March: 900 owed in EUR (I1's 400 rest and I4's 500).
    const activity: ActivityItem[] = [
      issued('I1', '2026-03-02', 1_000),
      issued('I2', '2026-03-05', 600),
      issued('I3', '2026-03-10', 300),
      issued('I4', '2026-03-25', 500),
      collected('I1', '2026-03-20', 600),
      collected('I2', '2026-03-12', 600),
      { ...base, invoiceId: 'I2', kind: 'reversed', date: '2026-03-18', amount: 600, paymentId: 'p-I2-2026-03-12', reason: 'return' },
      // I2 escalated on the 26th with 600 due; the agency's collection on the 28th was not ours to count.
      { ...base, invoiceId: 'I2', kind: 'closed', outcome: 'escalated', date: '2026-03-26', amount: 600, policy: 'standard', lastStage: 'creditHold' },
      collected('I2', '2026-03-28', 600),
      { ...base, invoiceId: 'I3', kind: 'closed', outcome: 'written_off', date: '2026-03-16', amount: 300, policy: 'standard', lastStage: 'none' },
    ];
    const trend = dsoTrend({ today: '2026-03-30', receivables: new Map([['EUR', 900]]), activity, periodDays: 90, weeks: 5 });
    expect(trend.map((p) => p.date)).toEqual(['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30']);
    const eur = trend.map((p) => p.currencies.find((c) => c.currency === 'EUR'));
    // 2 Mar: I1 only.                         receivables 1,000, sales 1,000
    // 9 Mar: I1 + I2.                         1,600 / 1,600
    // 16 Mar: + I3 1,900, I2 paid −600, I3 written off −300 = 1,000; sales 1,900
    // 23 Mar: I2 returned +600, I1 part −600 = 1,000; sales 1,900
    // 30 Mar: I4 +500, I2 to the agency −600 = 900 (today's); sales 2,400
    expect(eur.map((c) => [c?.receivables, c?.creditSales])).toEqual([
      [1_000, 1_000],
      [1_600, 1_600],
      [1_000, 1_900],
      [1_000, 1_900],
      [900, 2_400],
    ]);
    expect(eur.map((c) => c?.days)).toEqual([90, 90, 47.4, 47.4, 33.8]);
  });

  it('keeps currencies apart, and has no DSO for a week without credit sales', () => {
    const trend = dsoTrend({
      today: '2026-03-30',
      receivables: new Map([
        ['EUR', 500],
        ['RON', 2_000],
      ]),
      activity: [issued('E1', '2026-03-25', 500), issued('R1', '2025-10-01', 2_000, 'RON')],
      periodDays: 90,
      weeks: 2,
    });
    expect(trend).toEqual([
      { date: '2026-03-23', currencies: [{ currency: 'RON', receivables: 2_000, creditSales: 0, days: null }] },
      {
        date: '2026-03-30',
        currencies: [
          { currency: 'EUR', receivables: 500, creditSales: 500, days: 90 },
          { currency: 'RON', receivables: 2_000, creditSales: 0, days: null },
        ],
      },
    ]);
  });
});
