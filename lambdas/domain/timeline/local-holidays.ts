/**
 * The holidays of a place: its country's public and bank holidays, its state's or region's
 * (date-holidays' own subdivisions, e.g. DE "BY"), and its city's: the cities date-holidays knows
 * (Milan's 7 December) and the Italian patron saints' days it does not (patron-days.ts). All from
 * the table built out of date-holidays (scripts/holiday-table.ts), never its rule engine at runtime.
 */
import { brotliDecompressSync } from 'node:zlib';
import { readPackagedFile } from '../shared/packaged-file.js';
import { HOLIDAY_TABLE } from './holiday-table.js';
import { CITY_ALIASES, ITALIAN_PATRON_DAYS, type PatronDay } from './patron-days.js';

export interface Place {
  country: string;
  region?: string | undefined;
  city?: string | undefined;
}

/** The last year the table knows holidays for: later days are judged by their weekday alone. */
export const HOLIDAYS_KNOWN_UNTIL: number = HOLIDAY_TABLE.to;

export interface HolidayData {
  /** Country, `country-state` or `country-state-region` -> one string per year from HOLIDAY_TABLE.from: its holidays as MMDD. */
  rows: Readonly<Record<string, readonly string[]>>;
  /** Country -> state code, or state-region code (a city or province), -> its name in date-holidays. */
  regions: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

let data: HolidayData | undefined;
/** The table (scripts/holiday-table.ts), read from its file the first time a holiday or a region is asked for. */
export const holidayData = (): HolidayData =>
  (data ??= JSON.parse(brotliDecompressSync(readPackagedFile(HOLIDAY_TABLE.file)).toString('utf8')) as HolidayData);
const holidayRows = () => holidayData().rows;
const regionNames = (country: string): Readonly<Record<string, string>> => holidayData().regions[country] ?? {};

const rowCache = new Map<string, ReadonlySet<string>>();

/** The days of one table row (`IT`, `DE-BY`, `IT-25-MI`) in a year, as ISO dates. */
const rowDays = (key: string, year: number): ReadonlySet<string> => {
  const cacheKey = `${key}:${year}`;
  let days = rowCache.get(cacheKey);
  if (!days) {
    const years = holidayRows()[key];
    // An unknown code would silently give no holidays at all: a data error to surface, not to guess.
    if (!years) throw new RangeError(`country ${JSON.stringify(key)} has no public-holiday calendar (ISO 3166-1 alpha-2, e.g. IT)`);
    // Before the table, a date is in the past of every plan (a stage due then is sent now, as
    // backlog); after it, the planner warns (calendarWarnings): weekends alone are known there.
    const row = years[year - HOLIDAY_TABLE.from] ?? '';
    days = new Set(row.match(/\d{4}/g)?.map((mmdd) => `${year}-${mmdd.slice(0, 2)}-${mmdd.slice(2)}`) ?? []);
    rowCache.set(cacheKey, days);
  }
  return days;
};

/**
 * The public and bank holidays of a country (or of one of its date-holidays states) in a year, as
 * ISO dates; for GB, England's. Empty outside the table's years.
 */
export const publicHolidays = (country: string, year: number, region?: string): ReadonlySet<string> =>
  rowDays(region ? `${country}-${region}` : country, year);

/** Why `region` is no region of `country` date-holidays knows, listing those it does; undefined when it is one. */
export const regionProblem = (country: string, region: string): string | undefined => {
  const names = regionNames(country);
  const known = Object.keys(names).filter((k) => !k.includes('-'));
  if (known.includes(region)) return undefined;
  if (known.length === 0) return `date-holidays knows no regions of ${country}: leave region empty`;
  return `not a region of ${country} date-holidays knows (${known.map((k) => `${k} ${names[k]}`).join(', ')})`;
};

/** The date-holidays code of a region written as its code or its name, any case ("by", "Bayern"); undefined when none. */
export const regionCode = (country: string, written: string): string | undefined => {
  const w = plain(written);
  return Object.entries(regionNames(country)).find(([k, n]) => !k.includes('-') && (plain(k) === w || plain(n) === w))?.[0];
};

const plain = (s: string): string => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().toLowerCase();

/** The table row of a city date-holidays knows (`25-MI` for Milan, Milano), if it knows the city. */
const cityRow = (country: string, city: string): string | undefined => {
  const name = plain(CITY_ALIASES[country]?.[plain(city)] ?? city);
  const entry = Object.entries(regionNames(country)).find(([k, n]) => k.includes('-') && plain(n) === name);
  return entry ? `${country}-${entry[0]}` : undefined;
};

const patronOf = (country: string, city: string): PatronDay | undefined =>
  country === 'IT' ? ITALIAN_PATRON_DAYS.find((p) => p.names.some((n) => plain(n) === plain(city))) : undefined;

const placeCache = new Map<string, ReadonlySet<string>>();

/**
 * Every holiday of a place in a year: national, its region's, its city's. A region date-holidays
 * does not know is an error (RangeError), not a silent national calendar; a city it knows no
 * holiday of adds none.
 */
export const localHolidays = (place: Place, year: number): ReadonlySet<string> => {
  if (!place.region && !place.city) return rowDays(place.country, year);
  const key = `${place.country}|${place.region ?? ''}|${place.city ? plain(place.city) : ''}|${year}`;
  let days = placeCache.get(key);
  if (!days) {
    if (place.region) {
      const problem = regionProblem(place.country, place.region);
      if (problem) throw new RangeError(`region ${JSON.stringify(place.region)}: ${problem}`);
    }
    const all = new Set(rowDays(place.country, year));
    if (place.region) for (const d of rowDays(`${place.country}-${place.region}`, year)) all.add(d);
    const row = place.city ? cityRow(place.country, place.city) : undefined;
    if (row) for (const d of rowDays(row, year)) all.add(d);
    const patron = place.city ? patronOf(place.country, place.city) : undefined;
    // A fixed day of the year: known for any year, the table's or not.
    if (patron) all.add(`${year}-${patron.day}`);
    days = all;
    placeCache.set(key, days);
  }
  return days;
};
