/**
 * The business calendar of a customer: working days (weekends and the public holidays of the
 * customer's country, from a table built out of date-holidays), the hours messages may leave in the customer's time
 * zone, the accounts office's days and hours for calls, and the days of the month it pays on.
 */
import { brotliDecompressSync } from 'node:zlib';
import { DateTime } from 'luxon';
import { HOLIDAY_TABLE } from './holiday-table.js';
import { addDays, isoDay, localDay } from '../shared/days.js';

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

export interface OfficeHours {
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  from: string;
  to: string;
}

export const DEFAULT_SEND_WINDOW: Window = { from: '09:00', to: '18:00' };
export const DEFAULT_OFFICE_HOURS: OfficeHours = { days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' };

const WORKWEEK = [1, 2, 3, 4, 5] as const;

let table: Readonly<Record<string, readonly string[]>> | undefined;
const holidayRows = (): Readonly<Record<string, readonly string[]>> =>
  (table ??= JSON.parse(brotliDecompressSync(Buffer.from(HOLIDAY_TABLE.data, 'base64')).toString('utf8')) as Record<string, string[]>);

const holidayCache = new Map<string, ReadonlySet<string>>();

/**
 * The public and bank holidays of a country in a year, as ISO dates, from the table built out of
 * date-holidays (scripts/holiday-table.ts); for GB, England's.
 */
export const publicHolidays = (country: string, year: number): ReadonlySet<string> => {
  const key = `${country}:${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    const years = holidayRows()[country];
    // An unknown code would silently give no holidays at all: a data error to surface, not to guess.
    if (!years) throw new RangeError(`country ${JSON.stringify(country)} has no public-holiday calendar (ISO 3166-1 alpha-2, e.g. IT)`);
    // Before the table, a date is in the past of every plan (a stage due then is sent now, as
    // backlog): weekends alone are enough there. After it, the table needs widening, not a guess.
    const row = year < HOLIDAY_TABLE.from ? '' : years[year - HOLIDAY_TABLE.from];
    if (row === undefined) throw new RangeError(`public holidays are known for ${HOLIDAY_TABLE.from}-${HOLIDAY_TABLE.to}, not ${year} (npm run holidays:table widens the span)`);
    days = new Set(row.match(/\d{4}/g)?.map((mmdd) => `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`) ?? []);
    holidayCache.set(key, days);
  }
  return days;
};

const isoDate = (d: DateTime): string => d.toISODate()!;


/** A local calendar date (YYYY-MM-DD) that is not a weekend day nor a public holiday of the country. */
export const isBusinessDay = (localDate: string, country: string, weekdays: readonly number[] = WORKWEEK): boolean => {
  const d = isoDay(localDate, 'localDate');
  return weekdays.includes(d.weekday) && !publicHolidays(country, d.year).has(localDate);
};

/** The first business day on or after `localDate`. */
export const nextBusinessDay = (localDate: string, country: string, weekdays: readonly number[] = WORKWEEK): string => {
  if (weekdays.length === 0) throw new RangeError('weekdays must hold at least one ISO weekday (1 = Monday … 7 = Sunday)');
  let d = isoDay(localDate, 'localDate');
  for (let i = 0; i < 366; i++, d = d.plus({ days: 1 })) {
    if (isBusinessDay(isoDate(d), country, weekdays)) return isoDate(d);
  }
  throw new Error(`no business day within a year of ${localDate} in ${country}`);
};


const checkContext = (ctx: CalendarContext): void => {
  if (!DateTime.local({ zone: ctx.timeZone }).isValid) throw new RangeError(`timeZone ${JSON.stringify(ctx.timeZone)} is not an IANA time zone (e.g. Europe/Rome)`);
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!hhmm.test(ctx.window.from) || !hhmm.test(ctx.window.to)) throw new RangeError(`window ${ctx.window.from}-${ctx.window.to} must be HH:MM-HH:MM`);
  if (ctx.window.from >= ctx.window.to) throw new RangeError(`window ${ctx.window.from}-${ctx.window.to} is empty: it must end after it starts`);
  if (ctx.weekdays && !ctx.weekdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw new RangeError('weekdays must hold at least one ISO weekday (1 = Monday … 7 = Sunday)');
};

const at = (date: string, hhmm: string, timeZone: string): Date => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return isoDay(date, 'date').setZone(timeZone, { keepLocalTime: true }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
};

/**
 * The earliest instant at or after `instant` inside the window, on a business day, in the
 * context's time zone (DST-correct: 09:00 Rome is 08:00Z in winter, 07:00Z in summer).
 */
export const nextMoment = (instant: Date, ctx: CalendarContext): Date => {
  if (Number.isNaN(instant.getTime())) throw new RangeError('instant is not a valid date');
  checkContext(ctx);
  const weekdays = ctx.weekdays ?? WORKWEEK;
  let day = localDay(instant, ctx.timeZone);
  for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
    if (!isBusinessDay(day, ctx.country, weekdays)) continue;
    const open = at(day, ctx.window.from, ctx.timeZone);
    const close = at(day, ctx.window.to, ctx.timeZone);
    if (instant < open) return open;
    if (instant < close) return instant;
  }
  throw new Error(`no open moment within a year of ${instant.toISOString()}`);
};

/** The context in which messages to a customer may leave: its country and zone, the policy's send window. */
export const sendContext = (customer: { timeZone: string; country: string }, sendWindow: Window = DEFAULT_SEND_WINDOW): CalendarContext => ({
  timeZone: customer.timeZone,
  country: customer.country,
  window: sendWindow,
});

/** The context in which a customer's accounts office answers the phone: its days and hours, never a holiday. */
export const officeContext = (customer: { timeZone: string; country: string; officeHours?: OfficeHours }): CalendarContext => {
  const office = customer.officeHours ?? DEFAULT_OFFICE_HOURS;
  return {
    timeZone: customer.timeZone,
    country: customer.country,
    window: { from: office.from, to: office.to },
    weekdays: office.days.length > 0 ? office.days : WORKWEEK,
  };
};

/** The earliest moment at or after `instant` a message may leave (send window, business day, customer zone). */
export const nextSendMoment = (instant: Date, customer: { timeZone: string; country: string; sendWindow?: Window }): Date =>
  nextMoment(instant, sendContext(customer, customer.sendWindow));

/** The earliest moment at or after `instant` the customer's accounts office can be called. */
export const nextOfficeMoment = (instant: Date, customer: { timeZone: string; country: string; officeHours?: OfficeHours }): Date =>
  nextMoment(instant, officeContext(customer));

/** The window's opening on `localDate`, or on the next business day after it. */
export const openingOn = (date: string, ctx: CalendarContext): Date => {
  checkContext(ctx);
  return nextMoment(at(date, '00:00', ctx.timeZone), ctx);
};

/**
 * The first of the customer's payment days on or after `date`. A payment day past the end of a
 * short month (31 in April, 30 in February) falls on that month's last day. No payment days: `date`.
 */
export const nextPaymentDay = (date: string, paymentDays: readonly number[]): string => {
  const start = isoDay(date, 'date');
  if (paymentDays.length === 0) return date;
  const wrong = paymentDays.find((d) => !Number.isInteger(d) || d < 1 || d > 31);
  if (wrong !== undefined) throw new RangeError(`paymentDays must be days of the month 1-31 (got ${wrong})`);
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
