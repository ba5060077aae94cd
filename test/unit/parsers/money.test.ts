import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { currencyDigits, parseAmount } from '../../../lambdas/domain/parsers/money.js';
import { parseDate } from '../../../lambdas/domain/parsers/dates.js';

const minor = (raw: unknown, currency = 'EUR', mark?: ',' | '.') => {
  const r = parseAmount(raw, currency, mark);
  return r.ok ? r.minor : r.reason;
};

describe('parseAmount', () => {
  it('reads decimal commas, thousands separators and plain decimals into minor units', () => {
    expect(minor('12.480,00', 'EUR', ',')).toBe(1_248_000);
    expect(minor('1,234.56')).toBe(123_456);
    expect(minor('7600.00')).toBe(760_000);
    expect(minor('980,4', 'EUR', ',')).toBe(98_040);
    expect(minor('1 234,00', 'EUR', ',')).toBe(123_400);
    expect(minor("1'234.50", 'CHF')).toBe(123_450);
    expect(minor('€ 1.000,00', 'EUR', ',')).toBe(100_000);
    expect(minor(412.5, 'GBP')).toBe(41_250);
  });

  it('lets the file decide a lone separator followed by three digits', () => {
    expect(minor('1.234', 'EUR', ',')).toBe(123_400); // Italian file: thousands
    expect(minor('1,234', 'EUR', '.')).toBe(123_400); // English file: thousands
    expect(minor('1.234', 'EUR', '.')).toBe('more decimals than EUR has (2)');
  });

  it('takes the fraction digits from the currency', () => {
    expect(currencyDigits('JPY')).toBe(0);
    expect(currencyDigits('BHD')).toBe(3);
    expect(minor('1500', 'JPY')).toBe(1500);
    expect(minor('1.250', 'BHD')).toBe(1250);
    expect(minor('10.5', 'JPY')).toBe('more decimals than JPY has (0)');
  });

  it('keeps the sign of credits', () => {
    expect(minor('-1656.25')).toBe(-165_625);
    expect(minor('(250.00)')).toBe(-25_000);
    expect(minor('250,00-', 'EUR', ',')).toBe(-25_000);
  });

  it('refuses what is not an amount, with a reason', () => {
    expect(minor('dieci')).toMatch(/expected an amount/);
    expect(minor('1.2.3,4.5', 'EUR', ',')).toMatch(/separator/);
    expect(minor('12,34,56', 'EUR', ',')).toMatch(/separator/);
    expect(minor('')).toBe('empty');
    expect(minor(Number.NaN)).toBe('not a number');
    expect(minor('99999999999999999999')).toBe('amount out of range');
  });

  it('reads back any amount written the Italian or the English way (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom('it-IT', 'en-GB'), (cents, locale) => {
        const text = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2, useGrouping: true }).format(cents / 100);
        const r = parseAmount(text.replace('\u2212', '-'), 'EUR', locale === 'it-IT' ? ',' : '.');
        expect(r).toEqual({ ok: true, minor: cents });
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseDate', () => {
  it('reads ISO and day-first dates, and refuses impossible ones', () => {
    expect(parseDate('2026-01-31')).toEqual({ ok: true, date: '2026-01-31' });
    expect(parseDate('2026-01-31T10:00:00+01:00')).toEqual({ ok: true, date: '2026-01-31' });
    expect(parseDate('31/01/2026')).toEqual({ ok: true, date: '2026-01-31' });
    expect(parseDate('1.2.2026')).toEqual({ ok: true, date: '2026-02-01' });
    expect(parseDate('31-01-26')).toEqual({ ok: true, date: '2026-01-31' });
    expect(parseDate('29/02/2028')).toEqual({ ok: true, date: '2028-02-29' });
    expect(parseDate('29/02/2026')).toEqual({ ok: false, reason: 'no such calendar date' });
    expect(parseDate('01/13/2026').ok).toBe(false);
    expect(parseDate('Jan 5 2026').ok).toBe(false);
  });
});
