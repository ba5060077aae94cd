/**
 * The words of the ageing report in the finance team's language (templates/report/<lang>.json),
 * and the small formatting helpers the e-mail and the CSV share. Labels are Mustache templates:
 * values are HTML-escaped for the e-mail, taken as they are for text and CSV.
 */
import Mustache from 'mustache';
import en from '../../../templates/report/en.json' with { type: 'json' };
import it from '../../../templates/report/it.json' with { type: 'json' };
import ro from '../../../templates/report/ro.json' with { type: 'json' };
import type { DISPUTE_REASONS, InvoiceStatus, Language, PolicyId } from '../model.js';
import type { StageBefore } from './activity.js';
import { formatDate as formatCalendarDate, pluralCategory } from '../shared/format.js';
import { escapeHtml } from '../shared/html.js';

export type ReportStrings = typeof en;

// Type-checked: every language has every key the English file has.
const STRINGS: Record<Language, ReportStrings> = { en, it, ro };

export const reportStrings = (lang: Language): ReportStrings => STRINGS[lang] ?? STRINGS.en;

type Vars = Record<string, string | number>;

/** A label for plain text or CSV: values as they are. */
export const fillText = (template: string, vars: Vars = {}): string => Mustache.render(template, vars, {}, { escape: (v: unknown) => String(v) });


/** A label for HTML: the template's own text and every value escaped. */
export const fillHtml = (template: string, vars: Vars = {}): string =>
  Mustache.render(escapeHtml(template), vars, {}, { escape: (v: unknown) => escapeHtml(String(v)) });

/** Amounts as exact decimals for machines ("1234.50"), and amounts and dates for people: money.ts. */
export { toDecimalString as decimalAmount, formatMoney } from '../shared/format.js';

/** A calendar date in the locale's short form ("09/03/2026"): tables stay narrow. */
export const formatDate = (isoDate: string, locale: string): string => formatCalendarDate(isoDate, locale, 'short');

export const formatPercent = (share: number, locale: string): string =>
  new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(share);

export const formatNumber = (n: number, locale: string): string => new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);

/*
 * Every value the report shows in words, in the report's language. Indexed by the domain's own
 * types, so a stage, status or reason added without its label in templates/report/en.json (and
 * so in every language) fails the type check instead of showing its id.
 */

/** "1 giorno", "5 giorni"; Romanian "5 zile" but "20 de zile": the form comes from Intl.PluralRules. */
export const daysText = (s: ReportStrings, n: number): string => {
  const forms = s.days as Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
  return fillText(forms[pluralCategory(n, s.locale)] ?? forms.other, { n });
};

export const stageLabel = (s: ReportStrings, stage: StageBefore): string => s.stages[stage];

export const statusLabel = (s: ReportStrings, status: InvoiceStatus): string => s.statuses[status];

/** A dispute's reason; the report row carries it as a string, 'other' standing for anything unknown. */
export const disputeReasonLabel = (s: ReportStrings, reason: string): string =>
  Object.hasOwn(s.disputeReasons, reason) ? s.disputeReasons[reason as (typeof DISPUTE_REASONS)[number]] : s.disputeReasons.other;

/** A built-in policy by its name in the report's language; a company's own policy by the id the company gave it. */
export const policyLabel = (s: ReportStrings, policy: string): string => (Object.hasOwn(s.policies, policy) ? s.policies[policy as PolicyId] : policy);
