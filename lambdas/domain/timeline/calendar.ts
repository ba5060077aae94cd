/**
 * The business calendar of a customer: working days (weekends; the public holidays of the
 * customer's country, region and city, from a table built out of date-holidays; the company's and
 * the customer's closures; the policy's quiet days), the hours messages may leave in the customer's
 * time zone, the accounts office's days and hours for calls, and the days of the month it pays on.
 * The planner and the send guard build their contexts here (sendContext, officeContext), so they
 * agree on every day.
 */
import { DateTime } from 'luxon';
import type { Closure } from '../model.js';
import { addDays, isoDay, localDay } from '../shared/days.js';
import { zoneOf } from '../shared/zones.js';
import { closureOn } from './closures.js';
import { HOLIDAYS_KNOWN_UNTIL, localHolidays, publicHolidays } from './local-holidays.js';

export { publicHolidays } from './local-holidays.js';

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
  /** The customer's region (a date-holidays state code) and city: their holidays count too. */
  region?: string | undefined;
  city?: string | undefined;
  /** The company's and the customer's closures: no day in one is open. */
  closures?: readonly Closure[];
}

/** What the contexts read of a customer (model.ts Customer). */
export interface CalendarCustomer {
  timeZone: string;
  country: string;
  region?: string | undefined;
  city?: string | undefined;
  closures?: readonly Closure[] | undefined;
  /** Overrides the policy's send window. */
  sendWindow?: Window | undefined;
  officeHours?: OfficeHours | undefined;
}

/** What the send context reads of a policy (model.ts Policy). */
export interface CalendarPolicy {
  sendWindow: Window;
  quietDays?: readonly number[] | undefined;
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

const isoDate = (d: DateTime): string => d.toISODate()!;


/** A local calendar date (YYYY-MM-DD) that is not a weekend day nor a public holiday of the country. */
export const isBusinessDay = (localDate: string, country: string, weekdays: readonly number[] = WORKWEEK): boolean => {
  const d = isoDay(localDate, 'localDate');
  return weekdays.includes(d.weekday) && !publicHolidays(country, d.year).has(localDate);
};

/**
 * A local date the context is open on: one of its weekdays, no holiday of the customer's country,
 * region or city, in no closure.
 */
export const isOpenDay = (localDate: string, ctx: CalendarContext): boolean => {
  const d = isoDay(localDate, 'localDate');
  return (
    (ctx.weekdays ?? WORKWEEK).includes(d.weekday) &&
    !localHolidays({ country: ctx.country, region: ctx.region, city: ctx.city }, d.year).has(localDate) &&
    !closureOn(localDate, ctx.closures)
  );
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
  if (typeof zoneOf(ctx.timeZone) === 'string') throw new RangeError(`timeZone ${JSON.stringify(ctx.timeZone)} is not an IANA time zone (e.g. Europe/Rome)`);
  const hhmm = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!hhmm.test(ctx.window.from) || !hhmm.test(ctx.window.to)) throw new RangeError(`window ${ctx.window.from}-${ctx.window.to} must be HH:MM-HH:MM`);
  if (ctx.window.from >= ctx.window.to) throw new RangeError(`window ${ctx.window.from}-${ctx.window.to} is empty: it must end after it starts`);
  if (ctx.weekdays && !ctx.weekdays.some((d) => Number.isInteger(d) && d >= 1 && d <= 7)) throw new RangeError('weekdays must hold at least one ISO weekday (1 = Monday … 7 = Sunday)');
};

const at = (date: string, hhmm: string, timeZone: string): Date => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return isoDay(date, 'date').setZone(zoneOf(timeZone), { keepLocalTime: true }).set({ hour, minute, second: 0, millisecond: 0 }).toJSDate();
};

/**
 * The earliest instant at or after `instant` inside the window, on a business day, in the
 * context's time zone (DST-correct: 09:00 Rome is 08:00Z in winter, 07:00Z in summer).
 */
export const nextMoment = (instant: Date, ctx: CalendarContext): Date => {
  if (Number.isNaN(instant.getTime())) throw new RangeError('instant is not a valid date');
  checkContext(ctx);
  let day = localDay(instant, ctx.timeZone);
  for (let i = 0; i < 400; i++, day = addDays(day, 1)) {
    if (!isOpenDay(day, ctx)) continue;
    const open = at(day, ctx.window.from, ctx.timeZone);
    const close = at(day, ctx.window.to, ctx.timeZone);
    if (instant < open) return open;
    if (instant < close) return instant;
  }
  throw new Error(`no open moment within a year of ${instant.toISOString()}`);
};

/** Monday to Friday without the policy's quiet days. */
const sendDays = (quietDays: readonly number[] | undefined): readonly number[] => WORKWEEK.filter((d) => !quietDays?.includes(d));

const placeOf = (customer: CalendarCustomer) => ({
  ...(customer.region ? { region: customer.region } : {}),
  ...(customer.city ? { city: customer.city } : {}),
});

/**
 * The context in which messages to a customer may leave: its country, region, city and zone; the
 * customer's send window, else the policy's; the policy's quiet days; the company's and the
 * customer's closures. `policy` may be a bare window (no quiet days).
 */
export const sendContext = (customer: CalendarCustomer, policy: CalendarPolicy | Window = DEFAULT_SEND_WINDOW, companyClosures: readonly Closure[] = []): CalendarContext => {
  const p: CalendarPolicy = 'sendWindow' in policy ? policy : { sendWindow: policy };
  return {
    timeZone: customer.timeZone,
    country: customer.country,
    ...placeOf(customer),
    window: customer.sendWindow ?? p.sendWindow,
    weekdays: sendDays(p.quietDays),
    closures: [...companyClosures, ...(customer.closures ?? [])],
  };
};

/**
 * The context in which a customer's accounts office answers the phone: its days and hours, never
 * a holiday of its place nor a closure of the company's or its own (quiet days are for messages).
 */
export const officeContext = (customer: CalendarCustomer, companyClosures: readonly Closure[] = []): CalendarContext => {
  const office = customer.officeHours ?? DEFAULT_OFFICE_HOURS;
  return {
    timeZone: customer.timeZone,
    country: customer.country,
    ...placeOf(customer),
    window: { from: office.from, to: office.to },
    weekdays: office.days.length > 0 ? office.days : WORKWEEK,
    closures: [...companyClosures, ...(customer.closures ?? [])],
  };
};

/** The earliest moment at or after `instant` a message may leave (send window, open day, customer zone). */
export const nextSendMoment = (instant: Date, customer: CalendarCustomer, policy?: CalendarPolicy | Window, companyClosures?: readonly Closure[]): Date =>
  nextMoment(instant, sendContext(customer, policy, companyClosures));

/** The earliest moment at or after `instant` the customer's accounts office can be called. */
export const nextOfficeMoment = (instant: Date, customer: CalendarCustomer, companyClosures?: readonly Closure[]): Date =>
  nextMoment(instant, officeContext(customer, companyClosures));

/**
 * What a plan should say about the calendar it was made with: instants in a year past the holiday
 * table were placed on weekdays (and closures) alone.
 */
export const calendarWarnings = (instants: readonly string[], timeZone: string): string[] => {
  const years = [...new Set(instants.map((i) => Number(localDay(new Date(i), timeZone).slice(0, 4))))].filter((y) => y > HOLIDAYS_KNOWN_UNTIL).sort();
  return years.length === 0
    ? []
    : [`public holidays are known until ${HOLIDAYS_KNOWN_UNTIL}: ${years.join(', ')} planned on weekdays and closures alone (npm run holidays:table widens the span)`];
};

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
