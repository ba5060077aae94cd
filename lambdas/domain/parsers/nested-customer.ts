/**
 * A JSON invoice's nested customer ({"customer": {"name", "vatId", "fiscalCode", "email", "phone",
 * "language", "address"}}), its keys read with the directory's column names (columns.ts), so
 * "partitaIva" or "ragione sociale" work there as they do in a directory file.
 */
import { aliasLookup, DEFAULT_CUSTOMER_COLUMNS, normaliseName, type CsvMappingConfig, type CustomerField } from './columns.js';
import { isEmail, parseLanguage, toE164 } from './contact-values.js';
import { isRecordObject, shown, text } from './field-values.js';
import type { NestedBuyer } from './invoice-fields.js';
import { normaliseTaxId, taxIdKeys, vatWithCountry } from './tax-ids.js';
import type { RecordLocation, Rejection } from './types.js';

/** Keys of an invoice object that hold its customer. */
const CUSTOMER_KEYS = new Set(['customer', 'client', 'cliente', 'buyer', 'acquirente', 'cessionario committente', 'debtor']);
const ADDRESS_KEYS = new Set(['address', 'billing address', 'indirizzo', 'sede', 'adresa']);
const PEC_KEYS = new Set(['pec', 'pec email', 'email pec', 'indirizzo pec', 'posta certificata']);

/** The nested customer object of an invoice item, if it has one. */
export const nestedCustomerOf = (item: Record<string, unknown>): Record<string, unknown> | undefined => {
  for (const [k, v] of Object.entries(item)) if (CUSTOMER_KEYS.has(normaliseName(k)) && isRecordObject(v)) return v;
  return undefined;
};

/** "Via Roma 1, 20100 Milano, IT" from a string or an object of address lines. */
const addressText = (v: unknown): string | undefined => {
  if (isRecordObject(v)) {
    const parts = Object.values(v).map(text).filter((x): x is string => Boolean(x));
    return parts.length > 0 ? parts.join(', ').slice(0, 400) : undefined;
  }
  return text(v)?.slice(0, 400);
};

export const nestedBuyer = (obj: Record<string, unknown>, at: RecordLocation, mapping?: CsvMappingConfig): { customerId?: string; nested: NestedBuyer } => {
  const lookup = aliasLookup<CustomerField>(DEFAULT_CUSTOMER_COLUMNS, mapping?.customers?.columns);
  const f: Partial<Record<CustomerField | 'address' | 'pec', unknown>> = {};
  for (const [k, v] of Object.entries(obj)) {
    const name = normaliseName(k);
    const field = ADDRESS_KEYS.has(name) ? 'address' : PEC_KEYS.has(name) ? 'pec' : lookup.get(name);
    if (field && !(field in f)) f[field] = v;
  }
  const rejections: Rejection[] = [];
  const bad = (field: string, value: unknown, reason: string) => rejections.push({ ...at, field: `customer.${field}`, ...(shown(value) !== undefined ? { value: shown(value) } : {}), reason });

  const countryText = text(f.country)?.toUpperCase();
  const given = countryText && /^[A-Z]{2}$/.test(countryText) ? countryText : undefined;
  if (countryText && !given) bad('country', countryText, 'an ISO 3166 two-letter country code, e.g. IT');
  const vatText = text(f.vatId);
  const vatId = vatText ? vatWithCountry(vatText, given) : undefined;
  const country = given ?? (vatId && /^[A-Z]{2}/.test(vatId) ? (vatId.startsWith('EL') ? 'GR' : vatId.slice(0, 2)) : undefined);
  const cfText = text(f.fiscalCode);
  const fiscalCode = cfText ? normaliseTaxId(cfText) : undefined;
  if (vatId !== undefined && (vatId.length < 4 || vatId.length > 30)) bad('vatId', vatText, 'not a VAT number');
  if (fiscalCode !== undefined && (fiscalCode.length < 4 || fiscalCode.length > 30)) bad('fiscalCode', cfText, 'not a fiscal code');
  const name = text(f.name)?.slice(0, 200);
  const email = text(f.email)?.toLowerCase();
  if (email && !isEmail(email)) bad('email', email, 'not an e-mail address');
  const pec = text(f.pec)?.toLowerCase();
  if (pec && !isEmail(pec)) bad('pec', pec, 'not an e-mail address');
  const phoneText = text(f.phone);
  const phone = phoneText ? toE164(phoneText, country) : undefined;
  if (phoneText && !phone) bad('phone', phoneText, country ? 'not a phone number' : 'not a phone number (without a country, write it with its prefix, e.g. +39…)');
  const languageText = text(f.language);
  const language = languageText ? parseLanguage(languageText) : undefined;
  if (languageText && !language) bad('language', languageText, 'reminders are written in it, en, ro');
  const address = addressText(f.address);
  const customerId = text(f.customerId);
  return {
    ...(customerId ? { customerId: customerId.slice(0, 100) } : {}),
    nested: {
      buyer: {
        ...(name ? { name } : {}),
        ...(country ? { country } : {}),
        ...(vatId ? { vatId } : {}),
        ...(fiscalCode ? { fiscalCode } : {}),
        taxIds: taxIdKeys({ vatId, fiscalCode }, country),
        ...(email && isEmail(email) ? { email } : {}),
        ...(pec && isEmail(pec) ? { pec } : {}),
        ...(phone ? { phone } : {}),
        ...(language ? { language } : {}),
        ...(address ? { address } : {}),
      },
      rejections,
    },
  };
};
