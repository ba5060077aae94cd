/** The fields of each answer form, with their bounds, hints, typed values and errors, ready for the FORM template. */
import { LINK_PROMISE_HORIZON_DAYS, LIMITS, REQUESTABLE_INSTALMENTS, type FieldError } from '../../domain/messages/customer-forms.js';
import type { PageStrings } from '../../domain/messages/page-strings.js';
import { DISPUTE_REASONS } from '../../domain/model.js';
import { fillText } from '../../domain/reports/report-strings.js';
import { addDays } from '../../domain/shared/days.js';
import { formatDate } from '../../domain/shared/format.js';
import type { LandingPage } from './types.js';

export interface Field {
  id: string;
  name: string;
  label: string;
  type?: string;
  hint?: string;
  value?: string;
  required?: boolean;
  min?: string;
  max?: string;
  maxlength?: number;
  autocomplete?: string;
  options?: { id: string; value: string; label: string; checked: boolean }[];
  error?: string;
  describedBy?: string;
  isRadio?: boolean;
  isSelect?: boolean;
  isTextarea?: boolean;
  isInput?: boolean;
  optional?: string;
}

export const fmtDate = (iso: string, locale: string): string => formatDate(iso, locale, 'long');

export const fieldError = (s: PageStrings, e: FieldError | undefined, locale: string): string | undefined => {
  if (!e) return undefined;
  const template = (s.fieldErrors as Record<string, string>)[e.code] ?? s.fieldErrors.required;
  const params = Object.fromEntries(
    Object.entries(e.params ?? {}).map(([k, v]) => [k, typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? fmtDate(v, locale) : v]),
  );
  return fillText(template, params);
};

export const formFields = (p: LandingPage, s: PageStrings): Field[] => {
  const a = s.actions;
  const v = p.values ?? {};
  const maxPromise = addDays(p.today, LINK_PROMISE_HORIZON_DAYS);
  const locale = s.locale;
  const fields: Field[] = [];
  switch (p.action) {
    case 'paid':
      fields.push(
        { id: 'f-paidOn', name: 'paidOn', type: 'date', label: a.paid.paidOn, hint: a.paid.paidOnHint, max: p.today, min: addDays(p.today, -120) },
        { id: 'f-reference', name: 'reference', type: 'text', label: a.paid.reference, maxlength: LIMITS.reference },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.paid.note, maxlength: LIMITS.note },
      );
      break;
    case 'promise':
      fields.push(
        { id: 'f-date', name: 'date', type: 'date', label: a.promise.date, hint: fillText(a.promise.dateHint, { max: fmtDate(maxPromise, locale) }), min: p.today, max: maxPromise, required: true },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.promise.note, maxlength: LIMITS.note },
      );
      break;
    case 'dispute':
      fields.push(
        {
          id: 'f-reason',
          name: 'reason',
          isRadio: true,
          label: a.dispute.reason,
          required: true,
          options: DISPUTE_REASONS.map((r) => ({ id: `f-reason-${r}`, value: r, label: a.dispute.reasons[r], checked: v.reason === r })),
        },
        { id: 'f-text', name: 'text', isTextarea: true, label: a.dispute.text, maxlength: LIMITS.text, required: true },
      );
      break;
    case 'plan':
      fields.push(
        {
          id: 'f-instalments',
          name: 'instalments',
          isSelect: true,
          label: a.plan.instalments,
          options: REQUESTABLE_INSTALMENTS.map((n) => ({ id: `f-instalments-${n}`, value: String(n), label: String(n), checked: v.instalments ? v.instalments === String(n) : n === 3 })),
        },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.plan.note, maxlength: LIMITS.note },
      );
      break;
    case 'contact':
      fields.push(
        { id: 'f-name', name: 'name', type: 'text', label: a.contact.name, maxlength: LIMITS.name, required: true, autocomplete: 'name' },
        { id: 'f-email', name: 'email', type: 'email', label: a.contact.email, maxlength: LIMITS.email, autocomplete: 'email' },
        { id: 'f-phone', name: 'phone', type: 'tel', label: a.contact.phone, hint: fillText(a.contact.phoneHint, { country: countryName(p.customerCountry, locale) }), maxlength: LIMITS.phone, autocomplete: 'tel' },
        { id: 'f-note', name: 'note', isTextarea: true, label: a.contact.note, maxlength: LIMITS.note },
      );
      break;
  }
  return fields.map((f) => {
    const err = p.errors?.find((e) => e.field === f.name);
    const error = fieldError(s, err, locale);
    const describedBy = [f.hint ? `${f.id}-hint` : '', error ? `${f.id}-error` : ''].filter(Boolean).join(' ');
    // A radio group's fieldset points at its error, not at a hint.
    const kind = f.isRadio || f.isSelect || f.isTextarea ? {} : { isInput: true };
    return {
      ...f,
      ...kind,
      value: f.isRadio || f.isSelect ? undefined : (v[f.name] ?? ''),
      ...(error ? { error } : {}),
      ...(describedBy ? { describedBy } : {}),
      optional: s.optional,
    };
  });
};

const countryName = (code: string, locale: string): string => {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
};
