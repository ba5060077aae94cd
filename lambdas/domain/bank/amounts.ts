/**
 * Bank amounts -> integer minor units, exactly: the digits as written, scaled by the currency's
 * ISO 4217 digits (parsers/money.ts), never through a float. More decimals than the currency has
 * is an error, not a rounding.
 */
import { parseAmount, type DecimalMark } from '../parsers/money.js';

export type MinorResult = { ok: true; minor: number } | { ok: false; reason: string };

const CURRENCY = /^[A-Z]{3}$/;

export const isCurrencyCode = (code: string | undefined): code is string => {
  if (code === undefined || !CURRENCY.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
};

/** camt `Amt`: an unsigned xs:decimal ("474.4", "105678.50", "0"). */
const XML_DECIMAL = /^\d{1,18}(\.\d{1,18})?$/;

export const camtAmount = (raw: string | undefined, currency: string | undefined): MinorResult => {
  if (raw === undefined) return { ok: false, reason: 'missing' };
  if (!isCurrencyCode(currency)) return { ok: false, reason: `"${currency ?? ''}" is not an ISO 4217 currency code` };
  if (!XML_DECIMAL.test(raw)) return { ok: false, reason: 'expected an unsigned decimal such as 1405.31' };
  return parseAmount(raw, currency, '.');
};

/** MT940 amount: digits with a decimal comma, fraction optional ("300,", "1,56", "50990,05"). */
const SWIFT_AMOUNT = /^\d{1,15},\d*$/;

export const swiftAmount = (raw: string, currency: string): MinorResult => {
  if (!isCurrencyCode(currency)) return { ok: false, reason: `"${currency}" is not an ISO 4217 currency code` };
  if (!SWIFT_AMOUNT.test(raw)) return { ok: false, reason: 'expected a SWIFT amount such as 1234,56 (decimal comma)' };
  return parseAmount(raw, currency, ',');
};

/** A spreadsheet amount: "2.000,00", "-12,50", "1,234.56" (parsers/money.ts rules). */
export const csvAmount = (raw: string, currency: string, decimalMark: DecimalMark): MinorResult => {
  if (!isCurrencyCode(currency)) return { ok: false, reason: `"${currency}" is not an ISO 4217 currency code` };
  return parseAmount(raw, currency, decimalMark);
};
