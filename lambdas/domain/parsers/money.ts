/**
 * Amounts as people and ERPs write them -> integer minor units. Never through floats: the digits
 * are split on the decimal mark and scaled by the currency's digits (from Intl, ISO 4217).
 */

const digitsCache = new Map<string, number>();

/** Fraction digits of an ISO 4217 currency (EUR 2, JPY 0, BHD 3). */
export const currencyDigits = (currency: string): number => {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    digitsCache.set(currency, d);
  }
  return d;
};

export type DecimalMark = ',' | '.';

export type AmountResult = { ok: true; minor: number } | { ok: false; reason: string };

const fail = (reason: string): AmountResult => ({ ok: false, reason });

/** Groups of three digits after the first one to three: 1.234.567 or 1,234,567 (built once, not per row). */
const GROUPED: Record<DecimalMark, RegExp> = { '.': /^\d{1,3}(\.\d{3})*$/, ',': /^\d{1,3}(,\d{3})*$/ };

/**
 * Parses "12.480,00", "1,234.56", "7600.00", "-12,5", "€ 1 234,00", "(250.00)" or a JSON number.
 * With both marks present the last one is the decimal mark. With one mark seen once and followed by
 * exactly three digits ("1.234") the file's `decimalMark` decides; otherwise the shape does.
 */
export const parseAmount = (raw: unknown, currency: string, decimalMark: DecimalMark = '.'): AmountResult => {
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return fail('not a number');
    // JSON numbers in major units: the shortest round-trip text keeps 412.5 as "412.5".
    return parseAmount(String(raw).includes('e') ? raw.toFixed(20) : String(raw), currency, '.');
  }
  if (typeof raw !== 'string') return fail('expected an amount such as 1234.56 or 1.234,56');
  let s = raw.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return fail('empty');
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(/^[€£$]|[€£$]$/g, '');
  if (s.startsWith('-')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  } else if (s.startsWith('+')) s = s.slice(1);
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return fail('expected an amount such as 1234.56 or 1.234,56');

  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let mark: DecimalMark | undefined;
  if (lastDot >= 0 && lastComma >= 0) mark = lastDot > lastComma ? '.' : ',';
  else if (lastDot >= 0 || lastComma >= 0) {
    const m: DecimalMark = lastDot >= 0 ? '.' : ',';
    const count = s.split(m).length - 1;
    const after = s.length - s.lastIndexOf(m) - 1;
    if (count > 1) mark = undefined; // only thousands separators: 1.234.567
    else if (after === 3) mark = m === decimalMark ? m : undefined;
    else mark = m;
  }
  const thousands = mark === ',' ? '.' : mark === '.' ? ',' : undefined;
  let intPart = s;
  let fracPart = '';
  if (mark) {
    const at = s.lastIndexOf(mark);
    intPart = s.slice(0, at);
    fracPart = s.slice(at + 1);
    if (fracPart.includes('.') || fracPart.includes(',')) return fail('misplaced separator');
  }
  if (lastDot < 0 && lastComma < 0) {
    intPart = s;
  } else if (mark === undefined) {
    // only one kind of mark, used as a thousands separator
    const sep = s.includes('.') ? '.' : ',';
    if (!/^\d{1,3}([.,]\d{3})*$/.test(s)) return fail('misplaced thousands separator');
    intPart = s.split(sep).join('');
  } else if (thousands) {
    if (intPart.includes(mark!)) return fail('misplaced separator');
    if (intPart.includes(thousands)) {
      if (!GROUPED[thousands].test(intPart)) return fail('misplaced thousands separator');
      intPart = intPart.split(thousands).join('');
    }
  }
  if (intPart === '') intPart = '0';
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fracPart)) return fail('expected an amount such as 1234.56 or 1.234,56');
  const digits = currencyDigits(currency);
  const significant = fracPart.replace(/0+$/, '');
  if (significant.length > digits) return fail(`more decimals than ${currency} has (${digits})`);
  const minorText = (intPart + fracPart.padEnd(digits, '0').slice(0, digits)).replace(/^0+(?=\d)/, '');
  const minor = Number(minorText);
  if (!Number.isSafeInteger(minor)) return fail('amount out of range');
  return { ok: true, minor: negative && minor !== 0 ? -minor : minor };
};
