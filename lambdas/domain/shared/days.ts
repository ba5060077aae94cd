/**
 * Calendar days, the one place they are computed: the local day of an instant in a time zone, and
 * day arithmetic on ISO dates (YYYY-MM-DD). Every rule that says "today", "days late" or "N days
 * after" reads these, so an invoice is one day late in Rome from local midnight, whatever UTC says.
 */
import { DateTime } from 'luxon';
import { zoneOf } from './zones.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO date as a luxon day (UTC midnight); a malformed one is refused, naming the field. */
export const isoDay = (value: string, field = 'date'): DateTime => {
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!ISO_DATE.test(value) || !d.isValid) throw new RangeError(`${field} must be an ISO date YYYY-MM-DD (got ${JSON.stringify(value)})`);
  return d;
};

/** The calendar day (YYYY-MM-DD) an instant falls on in an IANA time zone. */
export const localDay = (instant: Date, timeZone: string): string => {
  const d = DateTime.fromJSDate(instant, { zone: zoneOf(timeZone) });
  if (!d.isValid) throw new RangeError(`not a valid instant or IANA time zone: ${timeZone}`);
  return d.toISODate()!;
};

/** An ISO date moved by whole calendar days (negative: earlier). */
export const addDays = (isoDate: string, days: number): string => isoDay(isoDate).plus({ days }).toISODate()!;

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round(isoDay(to).diff(isoDay(from), 'days').days);
