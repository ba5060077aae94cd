/**
 * The business calendar of a customer: working days (weekends and the public holidays of the
 * customer's country, from date-holidays), the hours messages may leave in the customer's time
 * zone, the accounts office's days and hours for calls, and the days of the month it pays on.
 */
import Holidays from 'date-holidays';
import { DateTime } from 'luxon';

export interface Window {
  from: string;
  to: string;
}

export interface CalendarContext {
  timeZone: string;
  country: string;
  /** Local HH:MM range messages may leave in. */
  window: Window;
  /** ISO weekdays the moment may fall on (1 = Monday); Monday to Friday when absent. */
  weekdays?: readonly number[];
}

/** Regions whose national calendar is not the one a business there works by. */
const REGION: Record<string, string> = { GB: 'ENG' };
const WORKWEEK = [1, 2, 3, 4, 5] as const;

/** Public holidays per country and year as ISO dates; building a Holidays instance is costly, so cache. */
const holidayCache = new Map<string, ReadonlySet<string>>();
const calendars = new Map<string, Holidays>();

export const publicHolidays = (country: string, year: number): ReadonlySet<string> => {
  const key = `${country}:${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    let hd = calendars.get(country);
    if (!hd) {
      hd = REGION[country] ? new Holidays(country, REGION[country]) : new Holidays(country);
      calendars.set(country, hd);
    }
    const list = hd.getHolidays(year) || [];
    days = new Set(list.filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)));
    holidayCache.set(key, days);
  }
  return days;
};

const isoDate = (d: DateTime): string => d.toISODate()!;

/** A local calendar date (YYYY-MM-DD) that is not a weekend day nor a public holiday of the country. */
export const isBusinessDay = (localDate: string, country: string, weekdays: readonly number[] = WORKWEEK): boolean => {
  const d = DateTime.fromISO(localDate);
  return weekdays.includes(d.weekday) && !publicHolidays(country, d.year).has(localDate);
};

/** The first business day on or after `localDate`. */
export const nextBusinessDay = (localDate: string, country: string, weekdays: readonly number[] = WORKWEEK): string => {
  if (weekdays.length === 0) throw new Error('no working weekday configured');
  let d = DateTime.fromISO(localDate);
  for (let i = 0; i < 366; i++, d = d.plus({ days: 1 })) {
    if (isBusinessDay(isoDate(d), country, weekdays)) return isoDate(d);
  }
  throw new Error(`no business day within a year of ${localDate} in ${country}`);
};

export const addDays = (localDate: string, days: number): string => isoDate(DateTime.fromISO(localDate).plus({ days }));

/** The local calendar date of an instant in a time zone. */
export const localDate = (instant: Date, timeZone: string): string => isoDate(DateTime.fromJSDate(instant, { zone: timeZone }));

const at = (date: string, hhmm: string, timeZone: string): Date => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return DateTime.fromISO(date, { zone: timeZone }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
};

/**
 * The earliest instant at or after `instant` inside the window, on a business day, in the
 * context's time zone (DST-correct: 09:00 Rome is 08:00Z in winter, 07:00Z in summer).
 */
export const nextMoment = (instant: Date, ctx: CalendarContext): Date => {
  const weekdays = ctx.weekdays ?? WORKWEEK;
  let day = localDate(instant, ctx.timeZone);
  for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
    if (!isBusinessDay(day, ctx.country, weekdays)) continue;
    const open = at(day, ctx.window.from, ctx.timeZone);
    const close = at(day, ctx.window.to, ctx.timeZone);
    if (instant < open) return open;
    if (instant < close) return instant;
  }
  throw new Error(`no open moment within a year of ${instant.toISOString()}`);
};

/** The window's opening on `localDate`, or on the next business day after it. */
export const openingOn = (date: string, ctx: CalendarContext): Date =>
  nextMoment(at(date, '00:00', ctx.timeZone), ctx);

/**
 * The first of the customer's payment days on or after `date`. A payment day past the end of a
 * short month (31 in April, 30 in February) falls on that month's last day. No payment days: `date`.
 */
export const nextPaymentDay = (date: string, paymentDays: readonly number[]): string => {
  if (paymentDays.length === 0) return date;
  const start = DateTime.fromISO(date);
  for (let m = 0; m < 3; m++) {
    const month = start.startOf('month').plus({ months: m });
    const candidates = [...new Set(paymentDays.map((d) => Math.min(d, month.daysInMonth!)))].sort((a, b) => a - b);
    for (const day of candidates) {
      const c = month.set({ day });
      if (c >= start) return isoDate(c);
    }
  }
  throw new Error(`no payment day after ${date}`);
};
