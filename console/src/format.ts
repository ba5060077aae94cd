/** Amounts and dates in the user's locale with Intl: amounts arrive in minor units, days as YYYY-MM-DD, instants as ISO 8601. */

const digitsCache = new Map<string, number>();
/** The currency's minor-unit digits (EUR 2, JPY 0), as ICU knows them. */
export const minorDigits = (currency: string): number => {
  let d = digitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    digitsCache.set(currency, d);
  }
  return d;
};

export const toMajor = (minor: number, currency: string): number => minor / 10 ** minorDigits(currency);
export const toMinor = (major: number, currency: string): number => Math.round(major * 10 ** minorDigits(currency));

export const money = (locale: string, minor: number | undefined, currency: string | undefined): string => {
  if (minor === undefined || !currency) return '—';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(toMajor(minor, currency));
  } catch {
    return `${toMajor(minor, currency).toFixed(2)} ${currency}`;
  }
};

/** A calendar day, shown as that day wherever the browser is. */
export const day = (locale: string, iso: string | undefined): string => {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))));
};

export const instant = (locale: string, iso: string | undefined, timeZone?: string): string => {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(d);
};

export const percent = (locale: string, share: number | null | undefined): string =>
  share === null || share === undefined ? '—' : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);

export const number = (locale: string, n: number | null | undefined, digits = 0): string =>
  n === null || n === undefined ? '—' : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);

/** YYYY-MM-DD of today in the browser's zone (the default of date inputs). */
export const todayIso = (): string => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export const addDaysIso = (iso: string, n: number): string => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
};

export const addMonthsIso = (iso: string, n: number): string => {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const last = new Date(Date.UTC(y, m - 1 + n + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + n, Math.min(d, last))).toISOString().slice(0, 10);
};
