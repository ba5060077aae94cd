/**
 * The customer directory (`customers/` files, CSV or JSON): contacts, language, time zone, office
 * days and hours, payment days, terms, policy, sales notes. Each record says only what it sets: a
 * column that is absent or empty leaves the stored value alone (ingest-rules.ts merges).
 * Phones become E.164 through libphonenumber-js, with the customer's country as the default prefix.
 */
import * as z from 'zod/mini';
import { customerIdProblem, LANGUAGES, LIMITS, POLICY_IDS, PolicyRef, TimeZone, type ContactPerson, type Customer, type Language, type OfficeHours } from '../model.js';
import { aliasLookup, DEFAULT_CUSTOMER_COLUMNS, type CsvMappingConfig, type CustomerField } from './columns.js';
import { fieldsOf, type JsonItem } from './json.js';
import { normaliseTaxId, vatWithCountry } from './tax-ids.js';
import { accepted, rejected, type Parsed, type RecordLocation, type Rejection } from './types.js';
import { isRecordObject, shown, text } from './field-values.js';
import { isEmail, parseLanguage, plain, toE164 } from './contact-values.js';
import { calendarFields } from './customer-calendar.js';
import { parseHourMinute } from './hour-minute.js';

export { toE164 } from './contact-values.js';
export { parseHourMinute } from './hour-minute.js';

/** What a directory record sets. Only present keys change the stored customer. */
export type DirectoryFields = Partial<
  Pick<
    Customer,
    | 'name'
    | 'vatId'
    | 'fiscalCode'
    | 'country'
    | 'language'
    | 'timeZone'
    | 'email'
    | 'phone'
    | 'billingContact'
    | 'salesRep'
    | 'officeHours'
    | 'paymentDays'
    | 'paymentTermsDays'
    | 'policy'
    | 'segment'
    | 'preserveRelationship'
    | 'salesNotes'
    | 'city'
    | 'region'
    | 'closures'
    | 'sendWindow'
  >
>;

export interface DirectoryCustomer extends RecordLocation {
  customerId: string;
  fields: DirectoryFields;
}


const DAY_NAMES: Record<string, number> = {
  mon: 1, monday: 1, lun: 1, lunedi: 1, luni: 1,
  tue: 2, tuesday: 2, mar: 2, martedi: 2, marti: 2,
  wed: 3, wednesday: 3, mer: 3, mercoledi: 3, miercuri: 3,
  thu: 4, thursday: 4, gio: 4, giovedi: 4, joi: 4,
  fri: 5, friday: 5, ven: 5, venerdi: 5, vineri: 5,
  sat: 6, saturday: 6, sab: 6, sabato: 6, sambata: 6,
  sun: 7, sunday: 7, dom: 7, domenica: 7, duminica: 7,
};


/** "1-5", "Mon-Fri", "lun-ven", "1,2,3", "Mon, Wed" -> ISO weekdays. */
export const parseWeekdays = (raw: string): number[] | undefined => {
  const day = (t: string): number | undefined => {
    const s = plain(t);
    if (/^[1-7]$/.test(s)) return Number(s);
    return DAY_NAMES[s];
  };
  const out = new Set<number>();
  for (const part of raw.replace(/\s*[-–]\s*/g, '-').split(/[,;/\s]+/).filter(Boolean)) {
    const range = part.split('-').map((p) => p.trim());
    if (range.length === 2) {
      const a = day(range[0]!);
      const b = day(range[1]!);
      if (a === undefined || b === undefined || a > b) return undefined;
      for (let d = a; d <= b; d++) out.add(d);
    } else {
      const d = day(part);
      if (d === undefined) return undefined;
      out.add(d);
    }
  }
  return out.size > 0 ? [...out].sort() : undefined;
};


const BOOL_TRUE = new Set(['true', 'yes', 'y', 'si', 'sì', 'x', '1', 'da']);
const BOOL_FALSE = new Set(['false', 'no', 'n', '0', 'nu', '']);



/** Flat fields (+ nested JSON objects) -> what the record sets, or a rejection per bad field. */
export const customerFromFields = (raw: Partial<Record<CustomerField, unknown>> & Record<string, unknown>, at: RecordLocation): Parsed<DirectoryCustomer> => {
  const errors: Rejection[] = [];
  const bad = (field: string, value: unknown, reason: string) => errors.push({ ...at, field, ...(shown(value) !== undefined ? { value: shown(value) } : {}), reason });
  const f: DirectoryFields = {};

  const customerId = text(raw.customerId);
  const idProblem = customerIdProblem(customerId ?? '');
  if (idProblem) bad('customerId', customerId ?? raw.customerId, idProblem);
  const name = text(raw.name);
  if (!name) bad('name', raw.name, 'required: the customer name');
  else if (name.length > 200) bad('name', name, 'longer than 200 characters');
  else f.name = name;

  const countryText = text(raw.country);
  if (countryText) {
    const c = countryText.toUpperCase();
    if (!/^[A-Z]{2}$/.test(c)) bad('country', countryText, 'an ISO 3166 two-letter country code, e.g. IT');
    else f.country = c;
  }
  const vat = text(raw.vatId);
  if (vat) {
    const v = vatWithCountry(vat, f.country);
    if (v.length < 4 || v.length > 30) bad('vatId', vat, 'not a VAT number');
    else {
      f.vatId = v;
      if (!f.country && /^[A-Z]{2}/.test(v)) f.country = v.slice(0, 2) === 'EL' ? 'GR' : v.slice(0, 2);
    }
  }
  const cf = text(raw.fiscalCode);
  if (cf) {
    const v = normaliseTaxId(cf);
    if (v.length < 4 || v.length > 30) bad('fiscalCode', cf, 'not a fiscal code');
    else f.fiscalCode = v;
  }
  const lang = text(raw.language);
  if (lang) {
    const code = parseLanguage(lang);
    if (!code) bad('language', lang, `reminders are written in ${LANGUAGES.join(', ')}`);
    else f.language = code;
  }
  const tz = text(raw.timeZone);
  if (tz) {
    if (!z.safeParse(TimeZone, tz).success) bad('timeZone', tz, 'not an IANA time zone (e.g. Europe/Rome)');
    else f.timeZone = tz;
  }
  const email = text(raw.email)?.toLowerCase();
  if (email) {
    if (!isEmail(email)) bad('email', email, 'not an e-mail address');
    else f.email = email;
  }
  const phone = text(raw.phone);
  if (phone) {
    const e164 = toE164(phone, f.country);
    if (!e164) bad('phone', phone, f.country ? 'not a phone number' : 'not a phone number (without a country, write it with its prefix, e.g. +39…)');
    else f.phone = e164;
  }

  const person = (prefix: 'billingContact' | 'salesRep', nested: unknown, flat: { name?: unknown; email?: unknown; phone?: unknown; role?: unknown }): ContactPerson | undefined => {
    const obj = nested && typeof nested === 'object' && !Array.isArray(nested) ? (nested as Record<string, unknown>) : {};
    const pName = text(obj.name) ?? text(flat.name) ?? (typeof nested === 'string' ? text(nested) : undefined);
    const pEmail = (text(obj.email) ?? text(flat.email))?.toLowerCase();
    const pPhone = text(obj.phone) ?? text(flat.phone);
    const pRole = text(obj.role) ?? text(flat.role);
    if (!pName && !pEmail && !pPhone) return undefined;
    if (!pName) {
      bad(`${prefix}Name`, undefined, 'a contact person needs a name');
      return undefined;
    }
    const out: ContactPerson = { name: pName.slice(0, 200) };
    if (pEmail) {
      if (!isEmail(pEmail)) bad(`${prefix}Email`, pEmail, 'not an e-mail address');
      else out.email = pEmail;
    }
    if (pPhone) {
      const e164 = toE164(pPhone, f.country);
      if (!e164) bad(`${prefix}Phone`, pPhone, 'not a phone number');
      else out.phone = e164;
    }
    if (pRole) out.role = pRole.slice(0, 100);
    return out;
  };
  const billing = person('billingContact', raw.billingContact, { name: raw.billingContactName, email: raw.billingContactEmail, phone: raw.billingContactPhone, role: raw.billingContactRole });
  if (billing) f.billingContact = billing;
  const rep = person('salesRep', raw.salesRep, { name: raw.salesRepName, email: raw.salesRepEmail });
  if (rep) f.salesRep = rep;

  const hoursObj = raw.officeHours && typeof raw.officeHours === 'object' && !Array.isArray(raw.officeHours) ? (raw.officeHours as Record<string, unknown>) : undefined;
  const hoursText = hoursObj ? undefined : text(raw.officeHours);
  let from = text(hoursObj?.from) ?? text(raw.officeFrom);
  let to = text(hoursObj?.to) ?? text(raw.officeTo);
  if (hoursText) {
    const parts = hoursText.split(/\s*[-–]\s*/);
    if (parts.length !== 2) bad('officeHours', hoursText, 'office hours as HH:MM-HH:MM, e.g. 09:00-13:00');
    else [from, to] = parts;
  }
  const daysRaw = hoursObj?.days ?? raw.officeDays;
  if (daysRaw !== undefined || from || to) {
    let days: number[] | undefined = [1, 2, 3, 4, 5];
    if (Array.isArray(daysRaw)) days = daysRaw.every((d) => Number.isInteger(d) && d >= 1 && d <= 7) ? [...new Set(daysRaw as number[])].sort() : undefined;
    else if (text(daysRaw)) days = parseWeekdays(text(daysRaw)!);
    if (!days) bad('officeDays', daysRaw, 'weekdays as 1-5, Mon-Fri or lun-ven');
    const fromHm = from ? parseHourMinute(from) : '09:00';
    const toHm = to ? parseHourMinute(to) : '17:00';
    if (!fromHm) bad('officeFrom', from, 'a time as HH:MM');
    if (!toHm) bad('officeTo', to, 'a time as HH:MM');
    if (fromHm && toHm && fromHm >= toHm) bad('officeHours', `${fromHm}-${toHm}`, 'the office closes before it opens');
    if (days && fromHm && toHm && fromHm < toHm) f.officeHours = { days, from: fromHm, to: toHm } satisfies OfficeHours;
  }

  const pd = raw.paymentDays;
  if (pd !== undefined && pd !== null && pd !== '') {
    const list = Array.isArray(pd) ? pd.map(Number) : String(pd).split(/[^0-9]+/).filter(Boolean).map(Number);
    if (list.length === 0 || list.some((d) => !Number.isInteger(d) || d < 1 || d > 31)) bad('paymentDays', pd, 'days of the month, e.g. 10,25');
    else f.paymentDays = [...new Set(list)].sort((a, b) => a - b);
  }
  const terms = text(raw.paymentTermsDays);
  if (terms) {
    const m = /^(\d{1,3})\s*(d|days?|gg|giorni|zile)?$/i.exec(terms);
    const n = m ? Number(m[1]) : NaN;
    if (!Number.isInteger(n) || n > 365) bad('paymentTermsDays', terms, 'days from the issue date, 0 to 365');
    else f.paymentTermsDays = n;
  }
  // A company policy's id is checked against the stored ones when the file is written (app/ingest).
  for (const field of ['policy', 'segment'] as const) {
    const ref = text(raw[field])?.toLowerCase();
    if (!ref) continue;
    if (!PolicyRef.safeParse(ref).success) bad(field, ref, field === 'policy' ? `${POLICY_IDS.join(', ')} or a company policy id (lower-case letters, digits, hyphens)` : 'a tag of lower-case letters, digits and hyphens');
    else f[field] = ref;
  }
  const pr = raw.preserveRelationship;
  if (pr !== undefined && pr !== null) {
    const s = plain(String(pr));
    if (BOOL_TRUE.has(s)) f.preserveRelationship = true;
    else if (BOOL_FALSE.has(s)) f.preserveRelationship = false;
    else bad('preserveRelationship', pr, 'yes or no');
  }
  const notes = raw.salesNotes;
  if (notes !== undefined && notes !== null && notes !== '') {
    const list = Array.isArray(notes) ? notes.map((n) => text(n)).filter((n): n is string => Boolean(n)) : [text(notes)].filter((n): n is string => Boolean(n));
    if (list.some((n) => n.length > LIMITS.salesNote)) bad('salesNotes', notes, `a note is longer than ${LIMITS.salesNote} characters`);
    else if (list.length > LIMITS.salesNotes) bad('salesNotes', notes, `more than ${LIMITS.salesNotes} notes`);
    else if (list.length > 0) f.salesNotes = list;
  }
  Object.assign(f, calendarFields(raw, f.country, bad));
  if (errors.length > 0) return rejected(...errors);
  return accepted({ ...at, customerId: customerId!, fields: f });
};

const NESTED = ['billingContact', 'salesRep', 'officeHours', 'paymentDays', 'salesNotes', 'closures', 'sendWindow'] as const;

/** Directory records from JSON items: the Customer shape (nested objects) or flat names alike. */
export async function* customersFromJson(items: AsyncIterable<JsonItem> | Iterable<JsonItem>, opts: { mapping?: CsvMappingConfig } = {}): AsyncGenerator<Parsed<DirectoryCustomer>> {
  const lookup = aliasLookup<CustomerField>(DEFAULT_CUSTOMER_COLUMNS, opts.mapping?.customers?.columns);
  for await (const item of items) {
    if ('error' in item) {
      yield rejected({ row: item.row, field: 'row', reason: item.error });
      continue;
    }
    const v = item.value;
    if (!isRecordObject(v)) {
      yield rejected({ row: item.row, field: 'row', value: shown(v), reason: 'expected a customer object' });
      continue;
    }
    const obj = v;
    const fields: Record<string, unknown> = fieldsOf(obj, lookup);
    for (const k of NESTED) if (obj[k] !== undefined) fields[k] = obj[k];
    yield customerFromFields(fields, { row: item.row });
  }
}
