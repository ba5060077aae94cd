/**
 * The words of every customer message, call sheet and internal notice, per language
 * (templates/<lang>.json), and the Mustache helpers that fill them. English is the fallback
 * for a language without its own file; a key missing from a file that exists is an error,
 * never a silent switch to English.
 *
 * The files are read when a message first needs them, one language at a time: a Lambda carries
 * them beside its bundle (domain/shared/packaged-file.ts), not as code it compiles at each cold start.
 */
import Mustache from 'mustache';
import type en from '../../../../templates/en.json';
import type it from '../../../../templates/it.json';
import type ro from '../../../../templates/ro.json';
import type layout from '../../../../templates/layout.json';
import { escapeHtml } from '../../shared/html.js';
import { readPackagedFile } from '../../shared/packaged-file.js';

export type LocaleStrings = typeof en;

/** Languages with their own template file. */
export const TEMPLATE_LANGUAGES = ['en', 'it', 'ro'] as const;
type TemplateLanguage = (typeof TEMPLATE_LANGUAGES)[number];

// Type-checked: there is a file for each language, and each has every key the English one has.
type EveryKey<Files extends Record<TemplateLanguage, LocaleStrings>> = Files;
export type TemplateFiles = EveryKey<{ en: typeof en; it: typeof it; ro: typeof ro }>;

export const FALLBACK_LANGUAGE = 'en';

const readJson = <T>(path: string): T => JSON.parse(readPackagedFile(path).toString('utf8')) as T;

const locales = new Map<string, LocaleStrings>();

/** The strings of a language, English when the language has no file. */
export const localeStrings = (language: string): LocaleStrings => {
  const lang = templateLanguage(language);
  let strings = locales.get(lang);
  if (!strings) locales.set(lang, (strings = readJson<LocaleStrings>(`templates/${lang}.json`)));
  return strings;
};

/** The language whose file a message is written in: the language itself, or the fallback. */
export const templateLanguage = (language: string): string => ((TEMPLATE_LANGUAGES as readonly string[]).includes(language) ? language : FALLBACK_LANGUAGE);

export interface Layout {
  html: string;
  text: string;
  noticeHtml: string;
  noticeText: string;
}

let layoutTemplates: Layout | undefined;
/** The shared layouts of a customer message and an internal notice (templates/layout.json). */
export const messageLayout = (): Layout => {
  if (!layoutTemplates) {
    const file = readJson<typeof layout>('templates/layout.json');
    layoutTemplates = { html: file.html.join('\n'), text: file.text.join('\n'), noticeHtml: file.noticeHtml.join('\n'), noticeText: file.noticeText.join('\n') };
  }
  return layoutTemplates;
};

export class MissingTemplateError extends Error {
  override readonly name = 'MissingTemplateError';
  constructor(readonly locale: string, readonly path: string) {
    super(`template ${path} is missing for locale ${locale}`);
  }
}

/** A nested entry of a template object, or MissingTemplateError naming it. */
export const entry = <T>(strings: LocaleStrings, path: readonly string[]): T => {
  let node: unknown = strings;
  for (const key of path) {
    node = node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw new MissingTemplateError(strings.locale, path.join('.'));
  }
  return node as T;
};

export type Vars = Record<string, string | number | boolean | undefined>;

const asIs = (v: unknown): string => String(v);

/**
 * A template filled with values as they are (subjects, plain text, SMS). Values are never
 * re-parsed as Mustache, so a name holding "{{x}}" stays literal.
 */
export const fill = (template: string, vars: Vars): string => Mustache.render(template, vars, {}, { escape: asIs });


/** A layout rendered to HTML: every {{value}} escaped. The layouts use no triple mustaches. */
export const renderHtml = (template: string, view: object): string => Mustache.render(template, view, {}, { escape: escapeHtml });

/** A layout rendered to plain text, blank-line runs folded. */
export const renderText = (template: string, view: object): string =>
  Mustache.render(template, view, {}, { escape: asIs })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim() + '\n';

/** A header-safe subject (domain/shared/subject.ts), here for the renderers. */
export { cleanSubject } from '../../shared/subject.js';

/** A value shortened to `max` characters for an SMS or a subject ("Very Long Compa..."). */
export const shorten = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 3).trimEnd()}...`);

/** An http(s) URL as the layout may link it, or undefined for anything else (javascript:, data:, junk). */
export const safeUrl = (raw: string | undefined): string | undefined => {
  if (!raw) return undefined;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
};
