/**
 * E-mails to people on the supplier's side and to the collection agency (never to the customer):
 * the sales rep told a credit hold is lifted, the agency handed a collection file.
 * Words in templates/notices/<lang>.json, in the finance team's language (tenant.language). Pure.
 */
import en from '../../../templates/notices/en.json' with { type: 'json' };
import it from '../../../templates/notices/it.json' with { type: 'json' };
import ro from '../../../templates/notices/ro.json' with { type: 'json' };
import type { Language } from '../model.js';
import { fillText } from '../reports/report-strings.js';
import { internalNoticeHtml } from './rendering/notice.js';
import { cleanSubject } from '../shared/subject.js';

export type NoticeStrings = typeof en;
const STRINGS: Record<Language, NoticeStrings> = { en, it, ro };

export const noticeStrings = (lang: Language): NoticeStrings => STRINGS[lang] ?? STRINGS.en;

export interface RenderedNotice {
  subject: string;
  html: string;
  text: string;
}

type Vars = Record<string, string | number>;

/**
 * Paragraphs from label templates, each filled with `vars`, in the finance team's language `lang`.
 * The subject is filled with names a customer supplied: it is cleaned to one header-safe line.
 */
export const renderParagraphs = (subject: string, paragraphs: readonly string[], vars: Vars, lang: Language): RenderedNotice => {
  const s = cleanSubject(fillText(subject, vars));
  const filled = paragraphs.map((p) => fillText(p, vars));
  return { subject: s, text: filled.join('\n\n'), html: internalNoticeHtml(lang, s, filled) };
};

/** The credit hold's placement notice is the rendering's 'creditHold' notice (rendering/notice.ts). */
export const salesRepReleaseNotice = (
  f: { salesRep: string; customer: string; threshold: number; financeEmail: string },
  lang: Language,
): RenderedNotice => {
  const s = noticeStrings(lang).salesRepRelease;
  return renderParagraphs(s.subject, s.lines, { ...f }, lang);
};

export interface AgencyFacts {
  supplier: string;
  customer: string;
  number: string;
  dueDate: string;
  asOf: string;
  principal: string;
  interest: string;
  compensation: string;
  total: string;
  financeEmail: string;
  preserveRelationship: boolean;
  delivery: { kind: 'attached'; filename: string } | { kind: 'link'; url: string; until: string };
}

export const agencyDossierMail = (f: AgencyFacts, lang: Language): RenderedNotice => {
  const s = noticeStrings(lang).agencyDossier;
  const { delivery, preserveRelationship, ...vars } = f;
  const paragraphs = [
    ...s.lines,
    ...(preserveRelationship ? [s.preserve] : []),
    delivery.kind === 'attached' ? s.attached : s.link,
    s.closing,
  ];
  const deliveryVars: Vars = delivery.kind === 'attached' ? { filename: delivery.filename } : { url: delivery.url, until: delivery.until };
  return renderParagraphs(s.subject, paragraphs, { ...vars, ...deliveryVars }, lang);
};

export interface AgencyCaseFacts {
  supplier: string;
  customer: string;
  numbers: string[];
  asOf: string;
  /** The claim per currency, formatted. */
  claims: { currency: string; principal: string; interest: string; compensation: string; total: string }[];
  financeEmail: string;
  preserveRelationship: boolean;
  delivery: AgencyFacts['delivery'];
}

/** One e-mail for a customer's case of several invoices handed over on one day. */
export const agencyCaseMail = (f: AgencyCaseFacts, lang: Language): RenderedNotice => {
  const all = noticeStrings(lang);
  const s = all.agencyCase;
  const d = all.agencyDossier;
  const vars: Vars = { supplier: f.supplier, customer: f.customer, count: f.numbers.length, numbers: f.numbers.join(', '), financeEmail: f.financeEmail, asOf: f.asOf };
  const deliveryVars: Vars = f.delivery.kind === 'attached' ? { filename: f.delivery.filename } : { url: f.delivery.url, until: f.delivery.until };
  const paragraphs = [
    d.lines[0]!,
    s.intro,
    // Money and dates only: nothing a customer wrote is filled twice.
    ...f.claims.map((c) => fillText(s.claim, { asOf: f.asOf, ...c })),
    s.contents,
    ...(f.preserveRelationship ? [d.preserve] : []),
    f.delivery.kind === 'attached' ? d.attached : d.link,
    d.closing,
  ];
  return renderParagraphs(s.subject, paragraphs, { ...vars, ...deliveryVars }, lang);
};

/** The notices of one kind about one customer that came after the day's first, in one e-mail. */
export const noticeDigestMail = (f: { customer: string; day: string; entries: readonly { subject: string; text: string }[] }, lang: Language): RenderedNotice => {
  const s = noticeStrings(lang).digest;
  const vars: Vars = { customer: f.customer, day: f.day, count: f.entries.length };
  const subject = cleanSubject(fillText(s.subject, vars));
  const intro = fillText(s.intro, vars);
  const text = [intro, ...f.entries.map((e) => `${e.subject}\n\n${e.text}`)].join('\n\n----\n\n');
  const sections = f.entries.map((e) => ({ heading: e.subject, paragraphs: e.text.split(/\n{2,}/) }));
  return { subject, text, html: internalNoticeHtml(lang, subject, [intro], { title: subject, sections }) };
};
