/**
 * The console's words in Italian, English and Romanian (the product's three languages), and the
 * locale Intl formats amounts and dates in: the chosen language with the browser's region when it
 * matches (en-GB, it-CH), else the language alone.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey, type Messages } from './en.js';
import { it } from './it.js';
import { ro } from './ro.js';

export const LANGUAGES = ['it', 'en', 'ro'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Lang, string> = { it: 'Italiano', en: 'English', ro: 'Română' };
const DICTIONARIES: Record<Lang, Messages> = { it, en, ro };
const STORED = 'sollecito.lang';

export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);

export const initialLang = (): Lang => {
  const stored = localStorage.getItem(STORED);
  if (isLang(stored)) return stored;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.slice(0, 2).toLowerCase();
    if (isLang(base)) return base;
  }
  return 'en';
};

export const rememberLang = (lang: Lang): void => localStorage.setItem(STORED, lang);

export const localeFor = (lang: Lang): string => (navigator.languages ?? [navigator.language]).find((l) => l.toLowerCase().startsWith(`${lang}-`)) ?? lang;

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  locale: string;
  t: Translate;
  /** A key built at run time (an event type, a status); the value itself when the dictionary lacks it. */
  tx: (prefix: string, value: string | undefined) => string;
}

export const makeI18n = (lang: Lang): I18n => {
  const dict = DICTIONARIES[lang];
  const t: Translate = (key, vars) => {
    const text = dict[key] ?? en[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : text;
  };
  const tx = (prefix: string, value: string | undefined) => {
    if (!value) return '';
    const key = `${prefix}.${value}`;
    return key in dict ? dict[key as MessageKey] : value;
  };
  return { lang, locale: localeFor(lang), t, tx };
};

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
export type { MessageKey };
