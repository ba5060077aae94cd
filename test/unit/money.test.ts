import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDate, formatMoney, formatTotals, localeFor, toDecimalString, totalsByCurrency } from '../../lambdas/domain/shared/format.js';
import { localDay } from '../../lambdas/domain/shared/days.js';

// Intl separates amount and symbol with a no-break space; compare with plain spaces.
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatMoney', () => {
  it('writes amounts the way each market reads them', () => {
    expect(plain(formatMoney(123_456, 'EUR', 'it-IT'))).toBe('1.234,56 €');
    expect(plain(formatMoney(123_456, 'GBP', 'en-GB'))).toBe('£1,234.56');
    expect(plain(formatMoney(123_456, 'RON', 'ro-RO'))).toBe('1.234,56 RON');
    expect(plain(formatMoney(123_456, 'EUR', 'en-GB'))).toBe('€1,234.56');
  });

  it('groups four-digit Italian amounts, as invoices do', () => {
    expect(plain(formatMoney(500_000, 'EUR', 'it-IT'))).toBe('5.000,00 €');
  });

  it('takes the minor digits from the currency', () => {
    expect(plain(formatMoney(1235, 'JPY', 'en-GB'))).toBe('JP¥1,235');
    expect(plain(formatMoney(1_234_567, 'BHD', 'en-GB'))).toBe('BHD 1,234.567');
    expect(toDecimalString(5, 'EUR')).toBe('0.05');
    expect(toDecimalString(-5, 'EUR')).toBe('-0.05');
    expect(toDecimalString(7, 'JPY')).toBe('7');
  });

  it('is exact up to the largest safe integer (no float rounding)', () => {
    expect(plain(formatMoney(Number.MAX_SAFE_INTEGER, 'EUR', 'it-IT'))).toBe('90.071.992.547.409,91 €');
  });

  it('round-trips every amount through its decimal string', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e15, max: 1e15 }), (minor) => {
        expect(Math.round(Number(toDecimalString(minor, 'EUR')) * 100)).toBe(minor);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses fractional minor units', () => {
    expect(() => formatMoney(12.5, 'EUR', 'it-IT')).toThrow(/whole minor units/);
  });
});

describe('totalsByCurrency', () => {
  it('sums per currency and never across currencies', () => {
    const totals = totalsByCurrency([
      { currency: 'EUR', amount: 100_000 },
      { currency: 'RON', amount: 50_000 },
      { currency: 'EUR', amount: 20_000 },
    ]);
    expect(totals).toEqual([
      { currency: 'EUR', amount: 120_000 },
      { currency: 'RON', amount: 50_000 },
    ]);
    expect(plain(formatTotals(totals, 'it-IT'))).toBe('1.200,00 € e 500,00 RON');
    expect(plain(formatTotals(totals, 'en-GB'))).toBe('€1,200.00 and RON 500.00');
  });

  it('keeps the sum of each currency equal to the sum of its items', () => {
    const item = fc.record({ currency: fc.constantFrom('EUR', 'RON', 'GBP'), amount: fc.integer({ min: 0, max: 1e9 }) });
    fc.assert(
      fc.property(fc.array(item), (items) => {
        const totals = totalsByCurrency(items);
        for (const t of totals) expect(t.amount).toBe(items.filter((i) => i.currency === t.currency).reduce((n, i) => n + i.amount, 0));
        expect(new Set(totals.map((t) => t.currency)).size).toBe(totals.length);
      }),
      { numRuns: 200 },
    );
  });
});

describe('dates', () => {
  it('formats calendar dates per locale, the same day everywhere', () => {
    expect(formatDate('2026-01-15', 'it-IT')).toBe('15 gennaio 2026');
    expect(formatDate('2026-01-15', 'en-GB')).toBe('15 January 2026');
    expect(formatDate('2026-01-15', 'ro-RO')).toBe('15 ianuarie 2026');
    expect(formatDate('2026-01-05', 'it-IT', 'short')).toBe('05/01/2026');
    expect(formatDate('2026-01-05', 'ro-RO', 'short')).toBe('05.01.2026');
  });

  it('rejects what is not an ISO date', () => {
    expect(() => formatDate('15/01/2026', 'it-IT')).toThrow(/ISO date/);
  });

  it("takes today's date in the customer's time zone", () => {
    const instant = new Date('2026-03-19T23:30:00Z');
    expect(localDay(instant, 'Europe/Rome')).toBe('2026-03-20');
    expect(localDay(instant, 'Europe/London')).toBe('2026-03-19');
    expect(localDay(instant, 'Europe/Bucharest')).toBe('2026-03-20');
  });

  it('maps product languages to locales, British English otherwise', () => {
    expect([localeFor('it'), localeFor('en'), localeFor('ro'), localeFor('de')]).toEqual(['it-IT', 'en-GB', 'ro-RO', 'en-GB']);
  });
});
