import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dayMoves, daysOf, dsoRows, isLaterSequence, shareOf, totalsFromDays, type AgeDay, type DayShare } from '../../lambdas/domain/reports/ageing-days.js';
import { ageBalances } from '../../lambdas/domain/reports/ageing.js';
import type { InvoiceStatus } from '../../lambdas/domain/model.js';

const inv = (over: Partial<{ status: InvoiceStatus; currency: string; dueDate: string; amount: number; amountPaid: number; settled: number }> = {}) => ({
  status: over.status ?? 'open',
  currency: over.currency ?? 'EUR',
  dueDate: over.dueDate ?? '2026-02-10',
  amount: over.amount ?? 10_000,
  amountPaid: over.amountPaid ?? 0,
  ...(over.settled ? { settledDifference: { amount: over.settled, reason: 'rounding', at: '2026-03-01T10:00:00Z' } } : {}),
});

describe('an invoice share', () => {
  it('is the amount still due of a chased invoice, and nothing once it is settled, closed or not chased', () => {
    expect(shareOf(inv({ amount: 10_000, amountPaid: 2_500 }))).toEqual({ currency: 'EUR', dueDate: '2026-02-10', amount: 7_500 });
    expect(shareOf(inv({ status: 'disputed', amount: 4_000 }))).toEqual({ currency: 'EUR', dueDate: '2026-02-10', amount: 4_000 });
    expect(shareOf(inv({ amount: 10_000, amountPaid: 9_990, settled: 10 }))).toBeUndefined();
    for (const status of ['paid', 'written_off', 'escalated', 'not_chased'] as const) expect(shareOf(inv({ status, amountPaid: 0 }))).toBeUndefined();
    expect(shareOf(undefined)).toBeUndefined();
  });
});

describe('day moves', () => {
  const a: DayShare = { currency: 'EUR', dueDate: '2026-02-10', amount: 10_000 };
  it('adds a new invoice, takes a closed one away, and moves one whose due day or currency changed', () => {
    expect(dayMoves(undefined, a)).toEqual([{ currency: 'EUR', dueDate: '2026-02-10', amount: 10_000, invoices: 1 }]);
    expect(dayMoves(a, undefined)).toEqual([{ currency: 'EUR', dueDate: '2026-02-10', amount: -10_000, invoices: -1 }]);
    expect(dayMoves(a, { ...a, dueDate: '2026-03-10' })).toEqual([
      { currency: 'EUR', dueDate: '2026-02-10', amount: -10_000, invoices: -1 },
      { currency: 'EUR', dueDate: '2026-03-10', amount: 10_000, invoices: 1 },
    ]);
    expect(dayMoves(a, { ...a, currency: 'RON' })).toHaveLength(2);
  });

  it('is one ADD of the difference for a partial payment on the same day, and none when nothing moves', () => {
    expect(dayMoves(a, { ...a, amount: 6_000 })).toEqual([{ currency: 'EUR', dueDate: '2026-02-10', amount: -4_000, invoices: 0 }]);
    expect(dayMoves(a, { ...a })).toEqual([]);
    expect(dayMoves(undefined, undefined)).toEqual([]);
  });

  it('keeps the days equal to the sum of the latest shares over any sequence of changes', () => {
    const share = fc.option(
      fc.record({ currency: fc.constantFrom('EUR', 'RON', 'USD'), dueDate: fc.constantFrom('2026-01-01', '2026-02-01', '2026-03-01'), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), share), { maxLength: 60 }), (changes) => {
        const stored = new Map<number, DayShare | undefined>();
        const days = new Map<string, AgeDay>();
        for (const [invoice, to] of changes) {
          for (const m of dayMoves(stored.get(invoice), to)) {
            const k = `${m.currency}#${m.dueDate}`;
            const d = days.get(k) ?? { currency: m.currency, dueDate: m.dueDate, amount: 0, invoices: 0 };
            d.amount += m.amount;
            d.invoices += m.invoices;
            days.set(k, d);
          }
          stored.set(invoice, to);
        }
        const held = [...days.values()].filter((d) => d.invoices !== 0 || d.amount !== 0);
        const want = daysOf([...stored.values()].filter((s): s is DayShare => s !== undefined));
        const order = (x: AgeDay[]) => [...x].sort((p, q) => `${p.currency}${p.dueDate}`.localeCompare(`${q.currency}${q.dueDate}`));
        expect(order(held)).toEqual(order(want));
      }),
    );
  });
});

describe('stream sequence numbers', () => {
  it('compare as integers of any length, so 10 comes after 9 and a 40-digit number after a 39-digit one', () => {
    expect(isLaterSequence('10', '9')).toBe(true);
    expect(isLaterSequence('9', '10')).toBe(false);
    expect(isLaterSequence('1000000000000000000000000000000000000001', '999999999999999999999999999999999999999')).toBe(true);
    expect(isLaterSequence('5', '5')).toBe(false);
    expect(isLaterSequence('5', undefined)).toBe(true);
  });
});

describe('buckets and DSO from the days', () => {
  it('ages each day by the tenant day and counts the invoices per currency, never across currencies', () => {
    const days: AgeDay[] = [
      { currency: 'EUR', dueDate: '2026-03-09', amount: 40_000, invoices: 2 },
      { currency: 'EUR', dueDate: '2026-02-06', amount: 75_000, invoices: 1 },
      { currency: 'RON', dueDate: '2025-11-01', amount: 500_000, invoices: 3 },
      { currency: 'USD', dueDate: '2025-11-01', amount: 0, invoices: 0 },
    ];
    const totals = totalsFromDays(days, '2026-03-09');
    expect(totals.map((t) => [t.currency, t.total, t.invoices])).toEqual([
      ['EUR', 115_000, 3],
      ['RON', 500_000, 3],
    ]);
    expect(totals[0]!.buckets).toEqual(ageBalances([{ currency: 'EUR', dueDate: '2026-03-09', amountDue: 40_000 }, { currency: 'EUR', dueDate: '2026-02-06', amountDue: 75_000 }], '2026-03-09').EUR);
    expect(totals[0]!.buckets['31-60']).toBe(75_000);
  });

  it('is null without credit sales and rounds to one decimal', () => {
    const rows = dsoRows(new Map([['EUR', 122_000], ['RON', 5]]), new Map([['EUR', 150_000], ['USD', 10]]), 90);
    expect(rows).toEqual([
      { currency: 'EUR', receivables: 122_000, creditSales: 150_000, days: 73.2 },
      { currency: 'RON', receivables: 5, creditSales: 0, days: null },
      { currency: 'USD', receivables: 0, creditSales: 10, days: 0 },
    ]);
  });
});
