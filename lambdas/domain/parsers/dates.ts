/** Calendar dates as ERPs export them -> ISO yyyy-mm-dd (day first, the European way, for slashes). */

export type DateResult = { ok: true; date: string } | { ok: false; reason: string };

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

const valid = (y: number, m: number, d: number): boolean => {
  if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
};

/**
 * Accepts 2026-01-31, 2026-01-31T10:00:00 (the date is kept), 31/01/2026, 31.01.2026, 31-01-2026
 * and 2-digit years (31/01/26 -> 2026). Month-first (US) dates are not guessed. An XML Schema date
 * may carry a zone (2014-12-18+01:00, 2014-12-18Z): the calendar day written is the day meant.
 */
export const parseDate = (raw: unknown): DateResult => {
  if (typeof raw !== 'string') return { ok: false, reason: 'expected a date as YYYY-MM-DD or DD/MM/YYYY' };
  const s = raw.trim();
  let y: number, m: number, d: number;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2}|[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (iso) {
    [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else {
    const eu = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(s);
    if (!eu) return { ok: false, reason: 'expected a date as YYYY-MM-DD or DD/MM/YYYY' };
    d = Number(eu[1]);
    m = Number(eu[3]);
    y = Number(eu[4]);
    if (eu[4]!.length === 2) y += 2000;
  }
  if (!valid(y, m, d)) return { ok: false, reason: 'no such calendar date' };
  return { ok: true, date: `${pad(y, 4)}-${pad(m)}-${pad(d)}` };
};

/** yyyy-mm-dd plus whole days, in the calendar (no time zone involved). */
