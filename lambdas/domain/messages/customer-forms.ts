/**
 * The forms behind the customer links: what each action asks, read from the posted fields into
 * the input of its command (domain/commands.ts), or into field errors the page shows next to
 * each field (codes whose words live in templates/pages/<lang>.json fieldErrors). Pure.
 */
import * as z from 'zod/mini';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { CLAIM_LOOKBACK_DAYS, MAX_REQUESTED_INSTALMENTS, type ContactChangeInput, type DisputeInput, type PromiseInput } from '../commands/commands.js';
import { DISPUTE_REASONS, type ContactPerson } from '../model.js';
import type { LinkAction } from './links.js';
import { addDays, daysBetween } from '../shared/days.js';
import { lazySchema } from '../shared/lazy-schema.js';

/** How far ahead a customer may promise through a link (the finance team may go further). */
export const LINK_PROMISE_HORIZON_DAYS = 60;
export const REQUESTABLE_INSTALMENTS = Array.from({ length: MAX_REQUESTED_INSTALMENTS - 1 }, (_, i) => i + 2);

export const LIMITS = { reference: 140, note: 1000, text: 4000, name: 200, email: 254, phone: 40 } as const;

export type AnswerAction = Exclude<LinkAction, 'view'>;
export const ANSWER_ACTIONS: readonly AnswerAction[] = ['paid', 'promise', 'dispute', 'plan', 'contact'];

export interface FieldError {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

export type Answer =
  | { action: 'paid'; input: { paidOn?: string; reference?: string; note?: string } }
  | { action: 'promise'; input: PromiseInput & { date: string } }
  | { action: 'dispute'; input: DisputeInput }
  | { action: 'plan'; input: { instalments?: number; note?: string } }
  | { action: 'contact'; input: Omit<ContactChangeInput, 'ref'> };

export type ParseResult = { ok: true; answer: Answer } | { ok: false; errors: FieldError[] };

export interface FormContext {
  /** Today in the customer's time zone. */
  today: string;
  /** The customer's country: the default prefix of a phone number without one. */
  country: string;
}

/** The field names each form posts, for re-filling a form after an error. */
export const FORM_FIELDS: Record<AnswerAction, readonly string[]> = {
  paid: ['paidOn', 'reference', 'note'],
  promise: ['date', 'note'],
  dispute: ['reason', 'text'],
  plan: ['instalments', 'note'],
  contact: ['name', 'email', 'phone', 'note'],
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDate = (s: string): boolean => ISO_DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const Email = lazySchema(() => z.email());

/** Collapses whitespace, drops control characters; '' when nothing is left. */
const clean = (v: string | undefined, multiline = false): string => {
  if (v === undefined) return '';
  // eslint-disable-next-line no-control-regex
  const noCtl = v.replace(multiline ? /[\u0000-\u0009\u000B\u000C\u000E-\u001F\u007F]/g : /[\u0000-\u001F\u007F]/g, multiline ? '' : ' ');
  return multiline ? noCtl.replace(/\r\n?/g, '\n').trim() : noCtl.replace(/\s+/g, ' ').trim();
};

class Reader {
  readonly errors: FieldError[] = [];
  constructor(private readonly form: Record<string, string | undefined>) {}

  text(field: string, max: number, opts: { required?: boolean; multiline?: boolean } = {}): string | undefined {
    const v = clean(this.form[field], opts.multiline);
    if (v === '') {
      if (opts.required) this.errors.push({ field, code: 'required' });
      return undefined;
    }
    if (v.length > max) {
      this.errors.push({ field, code: 'too_long', params: { max } });
      return undefined;
    }
    return v;
  }

  date(field: string, required: boolean): string | undefined {
    const v = this.text(field, 10, { required });
    if (v === undefined) {
      // An over-long value was reported as too long: for a date, "not a date" says more.
      const last = this.errors.at(-1);
      if (last?.field === field && last.code === 'too_long') this.errors.splice(-1, 1, { field, code: 'invalid_date' });
      return undefined;
    }
    if (!isIsoDate(v)) {
      this.errors.push({ field, code: 'invalid_date' });
      return undefined;
    }
    return v;
  }

  fail(field: string, code: string, params?: FieldError['params']): undefined {
    this.errors.push({ field, code, ...(params ? { params } : {}) });
    return undefined;
  }
}

const defined = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** Reads the posted form of `action`; every problem is reported at once, field by field. */
export const parseAnswer = (action: AnswerAction, form: Record<string, string | undefined>, ctx: FormContext): ParseResult => {
  const r = new Reader(form);
  let answer: Answer | undefined;
  switch (action) {
    case 'paid': {
      const paidOn = r.date('paidOn', false);
      if (paidOn !== undefined) {
        const ago = daysBetween(paidOn, ctx.today);
        if (ago < 0) r.fail('paidOn', 'date_in_future');
        else if (ago > CLAIM_LOOKBACK_DAYS) r.fail('paidOn', 'date_too_old');
      }
      const reference = r.text('reference', LIMITS.reference);
      const note = r.text('note', LIMITS.note, { multiline: true });
      answer = { action, input: defined({ paidOn, reference, note }) };
      break;
    }
    case 'promise': {
      const date = r.date('date', true);
      const max = addDays(ctx.today, LINK_PROMISE_HORIZON_DAYS);
      if (date !== undefined) {
        if (date < ctx.today) r.fail('date', 'date_in_past');
        else if (date > max) r.fail('date', 'date_too_far', { max });
      }
      const note = r.text('note', LIMITS.note, { multiline: true });
      answer = { action, input: defined({ date: date ?? '', note }) };
      break;
    }
    case 'dispute': {
      const raw = clean(form.reason);
      const reason = (DISPUTE_REASONS as readonly string[]).includes(raw) ? (raw as DisputeInput['reason']) : undefined;
      if (!reason) r.fail('reason', raw === '' ? 'required' : 'invalid_choice');
      const text = r.text('text', LIMITS.text, { required: true, multiline: true });
      answer = { action, input: { reason: reason ?? 'other', ...(text ? { text } : {}) } };
      break;
    }
    case 'plan': {
      const raw = clean(form.instalments);
      let instalments: number | undefined;
      if (raw !== '') {
        const n = Number(raw);
        if (!REQUESTABLE_INSTALMENTS.includes(n)) r.fail('instalments', 'instalment_count');
        else instalments = n;
      }
      const note = r.text('note', LIMITS.note, { multiline: true });
      answer = { action, input: defined({ instalments, note }) };
      break;
    }
    case 'contact': {
      const name = r.text('name', LIMITS.name, { required: true });
      const emailRaw = r.text('email', LIMITS.email);
      const email = emailRaw !== undefined && !Email.safeParse(emailRaw).success ? r.fail('email', 'invalid_email') : emailRaw?.toLowerCase();
      const phoneRaw = r.text('phone', LIMITS.phone);
      let phone: string | undefined;
      if (phoneRaw !== undefined) {
        const parsed = parsePhoneNumberFromString(phoneRaw, ctx.country.toUpperCase() as CountryCode);
        if (parsed?.isValid()) phone = parsed.number;
        else r.fail('phone', 'invalid_phone');
      }
      if (emailRaw === undefined && phoneRaw === undefined) r.fail('email', 'contact_unreachable');
      const note = r.text('note', LIMITS.note, { multiline: true });
      const contact: ContactPerson = { name: name ?? '', ...(email ? { email } : {}), ...(phone ? { phone } : {}) };
      answer = { action, input: { contact, ...(note ? { note } : {}) } };
      break;
    }
  }
  return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, answer: answer! };
};
