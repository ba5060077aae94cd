/**
 * Amounts and dates for people, per locale. Amounts are integer minor units with an ISO 4217
 * currency; the number of minor digits comes from Intl (EUR 2, JPY 0, BHD 3), and the decimal
 * string handed to Intl is built from the integer, so no float rounding ever shows.
 */
import { currencyDigits } from '../parsers/money.js';

export { currencyDigits };

/** The formatting locale of each product language; anything else formats as British English. */
const LOCALES: Readonly<Record<string, string>> = { it: 'it-IT', en: 'en-GB', ro: 'ro-RO' };

export const localeFor = (language: string): string => LOCALES[language] ?? 'en-GB';

const assertMinor = (minor: number): void => {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount must be whole minor units (got ${minor})`);
};

/** Minor units as an exact decimal string ("1234.50", "-0.05", "1235" for JPY). */
export const toDecimalString = (minor: number, currency: string): `${number}` => {
  assertMinor(minor);
  const digits = currencyDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  return (digits === 0 ? `${sign}${s}` : `${sign}${s.slice(0, -digits)}.${s.slice(-digits)}`) as `${number}`;
};

// Intl formatters are costly to build and immutable: one per locale and style, kept for the process.
const formatters = new Map<string, unknown>();
const cached = <T>(key: string, make: () => T): T => {
  let f = formatters.get(key) as T | undefined;
  if (f === undefined) {
    f = make();
    formatters.set(key, f);
  }
  return f;
};

/**
 * "1.234,56 €" (it-IT), "£1,234.56" (en-GB), "1.234,56 RON" (ro-RO). Grouping is forced: CLDR
 * leaves four-digit Italian amounts ungrouped ("1234,56 €"), which invoices never do.
 */
export const formatMoney = (minor: number, currency: string, locale: string): string => {
  const f = cached(`money|${locale}|${currency}`, () => new Intl.NumberFormat(locale, { style: 'currency', currency, useGrouping: 'always' }));
  return f.format(toDecimalString(minor, currency));
};

export interface CurrencyTotal {
  currency: string;
  amount: number;
}

/** Sums per currency, never across: one entry per currency, in order of first appearance. */
export const totalsByCurrency = (items: readonly { currency: string; amount: number }[]): CurrencyTotal[] => {
  const totals = new Map<string, number>();
  for (const { currency, amount } of items) {
    assertMinor(amount);
    const sum = (totals.get(currency) ?? 0) + amount;
    if (!Number.isSafeInteger(sum)) throw new RangeError(`total in ${currency} out of range`);
    totals.set(currency, sum);
  }
  return [...totals].map(([currency, amount]) => ({ currency, amount }));
};

/** Several per-currency totals for a sentence: "1.000,00 € e 500,00 RON". */
export const formatTotals = (totals: readonly CurrencyTotal[], locale: string): string =>
  cached(`list|${locale}`, () => new Intl.ListFormat(locale, { type: 'conjunction' })).format(totals.map((t) => formatMoney(t.amount, t.currency, locale)));

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A calendar date (YYYY-MM-DD) for people: 'long' = "15 gennaio 2026", 'short' = "15/01/2026".
 * A calendar date has no time zone; it is shown as the same day everywhere.
 */
export const formatDate = (isoDate: string, locale: string, style: 'long' | 'short' = 'long'): string => {
  const m = ISO_DATE.exec(isoDate);
  if (!m) throw new RangeError(`not an ISO date YYYY-MM-DD: ${JSON.stringify(isoDate)}`);
  const f = cached(`date|${locale}|${style}`, () =>
    new Intl.DateTimeFormat(
      locale,
      style === 'long' ? { dateStyle: 'long', timeZone: 'UTC' } : { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' },
    ),
  );
  return f.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
};

/** The CLDR plural category of a count in a locale ("one", "few", "other"…). */
export const pluralCategory = (n: number, locale: string): Intl.LDMLPluralRule => cached(`plural|${locale}`, () => new Intl.PluralRules(locale)).select(n);

