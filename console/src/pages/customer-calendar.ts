/**
 * What the calendar form changes on a customer (PATCH /v1/customers/{id}), only what differs from
 * the record: office hours (the weekdays ticked, from, to), the days of the month it pays on
 * ("10, 25"; empty: any day), its own send window (empty: the policy's), its city and region (their
 * holidays), and its closures: those kept, plus one added (every year as MM-DD, or once as
 * YYYY-MM-DD). What the API refuses (a window ending before it starts, a region the country has not)
 * comes back as its 400/422, field by field. Pure (test/unit/console-customer-calendar.test.ts).
 */
import type { components } from '../api/schema.js';

type Customer = components['schemas']['Customer'];
type Patch = components['schemas']['CustomerPatchRequest'];
type Closure = NonNullable<Customer['closures']>[number];

export interface CalendarForm {
  /** The field's trimmed value, undefined when empty. */
  field: (name: string) => string | undefined;
  /** Every value of a field sent several times (checkboxes). */
  all: (name: string) => string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** "10, 25" -> [10, 25]; a word or a day outside 1-31 is sent as it is for the API to name (NaN is not JSON: kept as 0). */
const paymentDaysOf = (v: string | undefined): number[] =>
  v === undefined ? [] : v.split(/[\s,;]+/).filter(Boolean).map((d) => (Number.isInteger(Number(d)) ? Number(d) : 0));

export const calendarChanges = (c: Customer, f: CalendarForm): Patch => {
  const out: Patch = {};
  const days = f.all('officeDay').map(Number).sort((a, b) => a - b);
  const from = f.field('officeFrom');
  const to = f.field('officeTo');
  if (days.length > 0 || from || to) {
    const hours = { days, from: from ?? '', to: to ?? '' };
    if (!same(hours, c.officeHours && { days: [...c.officeHours.days].sort((a, b) => a - b), from: c.officeHours.from, to: c.officeHours.to })) out.officeHours = hours;
  }
  const paymentDays = paymentDaysOf(f.field('paymentDays'));
  if (!same(paymentDays, c.paymentDays ?? [])) out.paymentDays = paymentDays;
  const wFrom = f.field('windowFrom');
  const wTo = f.field('windowTo');
  const window = wFrom || wTo ? { from: wFrom ?? '', to: wTo ?? '' } : null;
  if (!same(window, c.sendWindow)) out.sendWindow = window;
  for (const k of ['city', 'region'] as const) {
    const v = f.field(k) ?? null;
    if (v !== (c[k] ?? null)) out[k] = v;
  }
  const kept = new Set(f.all('keepClosure').map(Number));
  const closures: Closure[] = (c.closures ?? []).filter((_, i) => kept.has(i));
  const nFrom = f.field('closureFrom');
  const nTo = f.field('closureTo') ?? nFrom;
  if (nFrom && nTo) {
    const yearly = f.field('closureYearly') !== undefined;
    const label = f.field('closureLabel');
    closures.push({ from: yearly ? nFrom.slice(5) : nFrom, to: yearly ? nTo.slice(5) : nTo, ...(label ? { label } : {}) });
  }
  if (!same(closures, c.closures ?? [])) out.closures = closures;
  return out;
};
