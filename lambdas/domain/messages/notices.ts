/**
 * E-mails to people on the supplier's side and to the collection agency (never to the customer):
 * the sales rep told a credit hold is lifted, the agency handed a collection file.
 * Words in templates/notices/<lang>.json, in the finance team's language (tenant.language). Pure.
 */
import en from '../../../templates/notices/en.json' with { type: 'json' };
import it from '../../../templates/notices/it.json' with { type: 'json' };
import ro from '../../../templates/notices/ro.json' with { type: 'json' };
import type { Language } from '../model.js';
import { fillHtml, fillText } from '../reports/report-strings.js';
import { escapeHtml } from '../shared/html.js';

export type NoticeStrings = typeof en;
const STRINGS: Record<Language, NoticeStrings> = { en, it, ro };

export const noticeStrings = (lang: Language): NoticeStrings => STRINGS[lang] ?? STRINGS.en;

export interface RenderedNotice {
  subject: string;
  html: string;
  text: string;
}

type Vars = Record<string, string | number>;

/** Paragraphs from label templates, each filled with `vars` (escaped for the HTML part). */
export const renderParagraphs = (subject: string, paragraphs: readonly string[], vars: Vars): RenderedNotice => {
  const s = fillText(subject, vars);
  return {
    subject: s,
    text: paragraphs.map((p) => fillText(p, vars)).join('\n\n'),
    html: [
      `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(s)}</title></head>`,
      '<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2933;line-height:1.5">',
      ...paragraphs.map((p) => `<p style="margin:0 0 12px 0">${fillHtml(p, vars)}</p>`),
      '</body></html>',
    ].join('\n'),
  };
};

/** The credit hold's placement notice is the rendering's 'creditHold' notice (rendering/notice.ts). */
export const salesRepReleaseNotice = (
  f: { salesRep: string; customer: string; threshold: number; financeEmail: string },
  lang: Language,
): RenderedNotice => {
  const s = noticeStrings(lang).salesRepRelease;
  return renderParagraphs(s.subject, s.lines, { ...f });
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
  return renderParagraphs(s.subject, paragraphs, { ...vars, ...deliveryVars });
};
