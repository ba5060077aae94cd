import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { creditSalesFromDays, salesDaysOf, salesMoves, type IssuedFigure, type SalesDay } from '../../lambdas/domain/reports/sales-days.js';
import { creditSalesOf } from '../../lambdas/domain/reports/ageing-days.js';
import type { ActivityItem } from '../../lambdas/domain/reports/activity.js';
import { addDays } from '../../lambdas/domain/shared/days.js';

const TODAY = '2026-03-09';
const base = { tenantId: 't', number: 'n', customerId: 'c', dueDate: '2026-04-01' };
const issued = (invoiceId: string, date: string, amount: number, currency = 'EUR'): ActivityItem => ({ ...base, kind: 'issued', invoiceId, date, amount, currency });
const collected = (invoiceId: string, date: string, amount: number): ActivityItem => ({
  ...base,
  kind: 'collected',
  invoiceId,
  date,
  amount,
  currency: 'EUR',
  paymentId: 'p',
  valueDate: date,
  afterStage: 'none',
  policy: 'standard',
});

describe('sales days', () => {
  it('add up the issued items per currency and day, nothing else of the feed', () => {
    const days = salesDaysOf([issued('A', '2026-03-01', 10_000), issued('B', '2026-03-01', 2_500), issued('C', '2026-03-01', 700, 'RON'), collected('A', '2026-03-01', 10_000)]);
    expect(days).toEqual([
      { currency: 'EUR', date: '2026-03-01', amount: 12_500, invoices: 2 },
      { currency: 'RON', date: '2026-03-01', amount: 700, invoices: 1 },
    ]);
  });

  it('give the credit sales of the period: its first day and today in, the day before and tomorrow out', () => {
    const first = addDays(TODAY, -89);
    const days: SalesDay[] = [
      { currency: 'EUR', date: first, amount: 1, invoices: 1 },
      { currency: 'EUR', date: TODAY, amount: 10, invoices: 1 },
      { currency: 'EUR', date: addDays(first, -1), amount: 100, invoices: 1 },
      { currency: 'EUR', date: addDays(TODAY, 1), amount: 1_000, invoices: 1 },
    ];
    expect(creditSalesFromDays(days, TODAY, 90)).toEqual(new Map([['EUR', 11]]));
  });

  it('name a currency whose issues add up to nothing (as the feed does), and not one whose days were emptied', () => {
    const days: SalesDay[] = [
      { currency: 'RON', date: TODAY, amount: 0, invoices: 1 },
      { currency: 'USD', date: TODAY, amount: 0, invoices: 0 },
    ];
    expect(creditSalesFromDays(days, TODAY, 90)).toEqual(new Map([['RON', 0]]));
    expect(creditSalesOf([issued('N', TODAY, 0, 'RON')], TODAY, 90)).toEqual(new Map([['RON', 0]]));
  });

  it('give exactly what creditSalesOf gives from the feed itself, for any feed', () => {
    const date = fc.integer({ min: -120, max: 10 }).map((d) => addDays(TODAY, d));
    const item = fc.oneof(
      fc.tuple(fc.constantFrom('A', 'B', 'C'), date, fc.integer({ min: -50_000, max: 500_000 }), fc.constantFrom('EUR', 'RON', 'USD')).map(([id, d, a, c]) => issued(id, d, a, c)),
      fc.tuple(date, fc.integer({ min: 1, max: 9_000 })).map(([d, a]) => collected('A', d, a)),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 80 }), fc.integer({ min: 1, max: 120 }), (feed, period) => {
        expect(creditSalesFromDays(salesDaysOf(feed), TODAY, period)).toEqual(creditSalesOf(feed, TODAY, period));
      }),
    );
  });
});

describe('sales moves', () => {
  const a: IssuedFigure = { currency: 'EUR', date: '2026-03-01', amount: 10_000 };
  it('add a new issue, take a forgotten one away, move the difference of a lowered amount, and move days when the currency changed', () => {
    expect(salesMoves(undefined, a)).toEqual([{ ...a, invoices: 1 }]);
    expect(salesMoves(a, undefined)).toEqual([{ ...a, amount: -10_000, invoices: -1 }]);
    expect(salesMoves(a, { ...a, amount: 6_000 })).toEqual([{ ...a, amount: -4_000, invoices: 0 }]);
    expect(salesMoves(a, { ...a, currency: 'RON' })).toEqual([
      { ...a, amount: -10_000, invoices: -1 },
      { ...a, currency: 'RON', invoices: 1 },
    ]);
    expect(salesMoves(a, { ...a })).toEqual([]);
  });

  it('keep the days equal to the day totals of the items as last written, over any sequence of writes and removals', () => {
    const figure = fc.option(
      fc.record({ currency: fc.constantFrom('EUR', 'RON'), date: fc.constantFrom('2026-03-01', '2026-03-02'), amount: fc.integer({ min: -1_000, max: 1_000_000 }) }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), figure), { maxLength: 60 }), (writes) => {
        const stored = new Map<number, IssuedFigure | undefined>();
        const days = new Map<string, SalesDay>();
        for (const [invoice, to] of writes) {
          for (const m of salesMoves(stored.get(invoice), to)) {
            const k = `${m.date}#${m.currency}`;
            const d = days.get(k) ?? { currency: m.currency, date: m.date, amount: 0, invoices: 0 };
            d.amount += m.amount;
            d.invoices += m.invoices;
            days.set(k, d);
          }
          stored.set(invoice, to);
        }
        const items = [...stored.entries()].flatMap(([i, f]) => (f ? [issued(`I${i}`, f.date, f.amount, f.currency)] : []));
        const order = (x: SalesDay[]) => [...x].sort((p, q) => `${p.date}${p.currency}`.localeCompare(`${q.date}${q.currency}`));
        expect(order([...days.values()].filter((d) => d.invoices !== 0 || d.amount !== 0))).toEqual(order(salesDaysOf(items)));
      }),
    );
  });
});
