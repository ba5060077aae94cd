/** Contact values as files write them (e-mail, phone, language), read alike by the directory and the invoices' nested customers. */
import * as z from 'zod/mini';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { LANGUAGES, type Language } from '../model.js';
import { lazySchema } from '../shared/lazy-schema.js';

const Email = lazySchema(() => z.email());
export const isEmail = (s: string): boolean => z.safeParse(Email, s).success;

/** Lower case, accents dropped, trimmed: "Lunedì " -> "lunedi". */
export const plain = (s: string): string => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();

const LANGUAGE_NAMES: Record<string, Language> = { italian: 'it', italiano: 'it', english: 'en', inglese: 'en', romanian: 'ro', romeno: 'ro', rumeno: 'ro', romana: 'ro' };

/** "it", "IT", "Italiano", "romanian" -> a language reminders are written in; undefined for any other. */
export const parseLanguage = (raw: string): Language | undefined => {
  const l = plain(raw);
  return (LANGUAGES as readonly string[]).includes(l) ? (l as Language) : LANGUAGE_NAMES[l];
};

/**
 * E.164 through libphonenumber-js. A number of plausible length is accepted even where the
 * library's (compact) metadata does not know the range, e.g. the UK's 07700 900xxx.
 */
export const toE164 = (raw: string, country: string | undefined): string | undefined => {
  const p = parsePhoneNumberFromString(raw, country as CountryCode | undefined);
  return p && (p.isValid() || p.isPossible()) ? p.number : undefined;
};
