/**
 * Day arithmetic for the simulator's inner loop, where luxon per contact (shared/days.ts) would
 * cost more than the planner itself: days as whole numbers since the epoch, and the local day of
 * an instant from one Intl formatter per time zone. Same answers as shared/days.ts.
 */
const DAY_MS = 86_400_000;

/** An ISO date (YYYY-MM-DD) as days since 1970-01-01. */
export const dayNumber = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;

export const isoOfDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day an instant falls on in an IANA time zone. */
export const localDayIn = (instant: Date, timeZone: string): string => {
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(instant);
};
