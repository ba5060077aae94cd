/**
 * The calendar columns of the customer directory: city, region (a date-holidays state of the
 * customer's country, by code or name), closures and a send window of its own.
 * A CSV cell writes closures as `08-08..08-23 August break; 12-24..01-06; 2026-10-02 Inventory`
 * (one day alone is a closure of one day); JSON may also give `[{ "from", "to", "label" }]`.
 * A send window is `14:00-17:00`, or `{ "from", "to" }` in JSON.
 */
import * as z from 'zod/mini';
import { Closure, Closures, SendWindow, type Customer } from '../model.js';
import { regionCode, regionProblem } from '../timeline/local-holidays.js';
import { isRecordObject, text } from './field-values.js';
import { parseHourMinute } from './hour-minute.js';

type CalendarFields = Partial<Pick<Customer, 'city' | 'region' | 'closures' | 'sendWindow'>>;
type Bad = (field: string, value: unknown, reason: string) => void;

const DAY = String.raw`(?:\d{4}-)?\d{2}-\d{2}`;
const CLOSURE_TEXT = new RegExp(String.raw`^(${DAY})(?:\s*(?:\.\.|–|—|\bto\b|\bal\b)\s*(${DAY}))?(?:\s+(.*))?$`, 'i');

const closureFromText = (entry: string): unknown => {
  const m = CLOSURE_TEXT.exec(entry.trim());
  if (!m) return undefined;
  return { from: m[1], to: m[2] ?? m[1], ...(m[3]?.trim() ? { label: m[3].trim() } : {}) };
};

const firstIssue = (r: { success: false; error: { issues: { message: string }[] } }): string => r.error.issues[0]?.message ?? 'not valid';

const closuresOf = (raw: unknown, bad: Bad): Customer['closures'] | undefined => {
  const entries = Array.isArray(raw) ? raw : String(raw).split(';').map((e) => e.trim()).filter(Boolean);
  const out: unknown[] = [];
  for (const e of entries) {
    const candidate = typeof e === 'string' ? closureFromText(e) : e;
    if (candidate === undefined) {
      bad('closures', e, 'closures as MM-DD..MM-DD (every year) or YYYY-MM-DD..YYYY-MM-DD (once), each with an optional label, separated by ;');
      return undefined;
    }
    const one = z.safeParse(Closure, candidate);
    if (!one.success) {
      bad('closures', e, firstIssue(one));
      return undefined;
    }
    out.push(one.data);
  }
  const all = z.safeParse(Closures, out);
  if (!all.success) {
    bad('closures', raw, firstIssue(all));
    return undefined;
  }
  return all.data.length > 0 ? all.data : undefined;
};

const windowOf = (raw: unknown, bad: Bad): Customer['sendWindow'] => {
  const parts = isRecordObject(raw) ? [text(raw.from), text(raw.to)] : (text(raw)?.split(/\s*[-–]\s*/) ?? []);
  const [from, to] = parts.length === 2 ? parts.map((p) => (p ? parseHourMinute(p) : undefined)) : [];
  const w = z.safeParse(SendWindow, { from, to });
  if (!from || !to) bad('sendWindow', raw, 'a send window as HH:MM-HH:MM, e.g. 14:00-17:00');
  else if (!w.success) bad('sendWindow', raw, firstIssue(w));
  else return w.data;
  return undefined;
};

/** What a record's calendar columns set; a bad value is reported through `bad` (field and reason). */
export const calendarFields = (raw: Record<string, unknown>, country: string | undefined, bad: Bad): CalendarFields => {
  const f: CalendarFields = {};
  const city = text(raw.city);
  if (city) {
    if (city.length > 100) bad('city', city, 'longer than 100 characters');
    else f.city = city;
  }
  const region = text(raw.region);
  if (region) {
    // Without a country in the record, the stored customer's is checked when the record is merged (ingest/rules.ts).
    const code = country ? regionCode(country, region) : region;
    if (country && !code) bad('region', region, regionProblem(country, region) ?? 'not a region');
    else f.region = code!;
  }
  if (Array.isArray(raw.closures) || text(raw.closures) !== undefined) {
    const closures = closuresOf(raw.closures, bad);
    if (closures) f.closures = closures;
  }
  if (isRecordObject(raw.sendWindow) || text(raw.sendWindow) !== undefined) {
    const w = windowOf(raw.sendWindow, bad);
    if (w) f.sendWindow = w;
  }
  return f;
};
