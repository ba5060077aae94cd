/**
 * The customer pages as HTML: server-rendered, working without JavaScript, in the customer's
 * language, branded with the supplier's name. Every value goes through Mustache's {{ }} escaping;
 * the only inline style and script are the fixed strings of style.ts. Pure: the caller passes
 * everything in, including `today`.
 */
import Mustache from 'mustache';
import { electronicFormatIBAN, friendlyFormatIBAN } from 'ibantools';
import { pageStrings, type PageStrings } from '../../domain/messages/page-strings.js';
import { DISPUTE_REASONS, LIMITS, type InvoiceStatus, type Language } from '../../domain/model.js';
import { fillHtml, fillText } from '../../domain/reports/report-strings.js';
import { formatMoney } from '../../domain/shared/format.js';
import { escapeHtml } from '../../domain/shared/html.js';
import { fieldError, fmtDate, formFields } from './form-fields.js';
import { CSS, SCRIPT } from './style.js';
import { DONE, FORM, LANDING, LAYOUT, OTHERS, PAYMENT, PROBLEM, SUMMARY } from './templates.js';
import type { InvoiceInfo, OtherLink, Page, SupplierInfo } from './types.js';
import { paymentQrSvg } from './payment-qr-svg.js';

const CLOSED: readonly InvoiceStatus[] = ['paid', 'written_off', 'not_chased', 'escalated'];

/** Mustache with the five HTML escapes (its default also rewrites / and =, which only makes the markup harder to read). */
const render = (template: string, view: object): string => Mustache.render(template, view, {}, { escape: (v: unknown) => escapeHtml(String(v)) });

const summaryHtml = (inv: InvoiceInfo, s: PageStrings): string => {
  const l = s.locale;
  const money = (m: number) => formatMoney(m, inv.currency, l);
  const due = inv.amount - inv.amountPaid;
  const facts = [
    { label: s.summary.customer, value: inv.customerName },
    { label: s.summary.issueDate, value: fmtDate(inv.issueDate, l) },
    { label: s.summary.dueDate, value: fmtDate(inv.dueDate, l) },
    { label: s.summary.amount, value: money(inv.amount) },
    ...(inv.amountPaid > 0 ? [{ label: s.summary.amountPaid, value: money(inv.amountPaid) }] : []),
    { label: s.summary.amountDue, value: money(Math.max(0, due)), strong: true },
  ];
  return render(SUMMARY, { heading: fillText(s.summary.heading, { number: inv.number }), facts });
};

const paymentHtml = (sup: SupplierInfo, inv: InvoiceInfo, s: PageStrings): string => {
  const p = s.payment;
  const iban = electronicFormatIBAN(sup.iban) ?? sup.iban;
  const reference = inv.paymentReference ?? inv.number;
  const copy = (value: string, label: string) => ({ copy: value, copyLabel: p.copy, copiedLabel: p.copied, copyName: `${p.copy}: ${label}` });
  const rows = [
    { label: p.beneficiary, value: sup.name },
    { label: p.iban, value: friendlyFormatIBAN(iban) ?? iban, ...copy(iban, p.iban) },
    ...(sup.bic ? [{ label: p.bic, value: sup.bic }] : []),
    { label: p.reference, value: reference, ...copy(reference, p.reference) },
  ];
  const qr = paymentQrSvg(
    { beneficiary: sup.name, iban, ...(sup.bic ? { bic: sup.bic } : {}), currency: inv.currency, amount: inv.amount - inv.amountPaid, reference },
    p.qrLabel,
  );
  return render(PAYMENT, { heading: p.heading, rows, hint: p.referenceHint, qr: qr ? { svg: qr, caption: p.qrCaption } : false });
};

const othersHtml = (others: OtherLink[], s: PageStrings): string =>
  render(OTHERS, { heading: s.otherAnswers, links: others.map((o) => ({ url: o.url, label: s.actions[o.action].nav })) });

const contactHtml = (sup: Pick<SupplierInfo, 'email' | 'phone'> | undefined, s: PageStrings): string | undefined => {
  if (!sup) return undefined;
  const mail = `<a href="mailto:${escapeHtml(sup.email)}">${escapeHtml(sup.email)}</a>`;
  const tel = sup.phone ? ` ${fillHtml(s.contactUsPhone, { phone: '\u0000' }).replace('\u0000', `<a href="tel:${escapeHtml(sup.phone)}">${escapeHtml(sup.phone)}</a>`)}` : '';
  return `${fillHtml(s.contactUs, { email: '\u0000' }).replace('\u0000', mail)}${tel}.`;
};

const statusNote = (inv: InvoiceInfo, sup: SupplierInfo, s: PageStrings): string | undefined => {
  const st = s.status as Record<string, string>;
  switch (inv.status) {
    case 'open':
      return undefined;
    case 'promised':
      return inv.promiseDate ? fillText(st.promised!, { date: fmtDate(inv.promiseDate, s.locale) }) : undefined;
    case 'paused':
      return undefined;
    default:
      return fillText(st[inv.status] ?? st.closed!, { supplier: sup.name });
  }
};

const layout = (view: { lang: Language; title: string; supplier?: string; brandLine?: string; body: string; contact?: string; script: boolean }, s: PageStrings) =>
  render(LAYOUT, {
    lang: view.lang,
    title: view.title,
    css: CSS,
    skip: s.skipToContent,
    supplier: view.supplier,
    brandLine: view.brandLine,
    body: view.body,
    contact: view.contact,
    script: view.script ? SCRIPT : undefined,
  });

/** The whole HTML document of a page. */
export const renderPage = (p: Page): string => {
  const s = pageStrings(p.lang);
  if (p.kind === 'problem') {
    const words = s.problems[p.problem];
    return layout(
      {
        lang: p.lang,
        title: p.supplier ? `${words.title} – ${p.supplier.name}` : words.title,
        ...(p.supplier ? { supplier: p.supplier.name, brandLine: fillText(s.brandLine, { supplier: p.supplier.name }) } : {}),
        body: render(PROBLEM, words),
        contact: contactHtml(p.supplier, s),
        script: false,
      },
      s,
    );
  }
  const brand = { supplier: p.supplier.name, brandLine: fillText(s.brandLine, { supplier: p.supplier.name }) };
  const pageTitle = fillText(s.pageTitle, { number: p.invoice.number, supplier: p.supplier.name });
  const shared = { summary: summaryHtml(p.invoice, s), payment: paymentHtml(p.supplier, p.invoice, s), others: othersHtml(p.others, s) };

  if (p.kind === 'done') {
    const words = s.actions[p.action];
    const due = formatMoney(Math.max(0, p.invoice.amount - p.invoice.amountPaid), p.invoice.currency, s.locale);
    const text = fillText(words.doneText, {
      days: p.graceDays ?? '',
      date: p.promiseDate ? fmtDate(p.promiseDate, s.locale) : '',
      amount: due,
    });
    return layout(
      { lang: p.lang, title: `${words.doneTitle} – ${pageTitle}`, ...brand, body: render(DONE, { title: words.doneTitle, text, ...shared }), contact: contactHtml(p.supplier, s), script: true },
      s,
    );
  }

  const words = s.actions[p.action];
  const answerable = !CLOSED.includes(p.invoice.status);
  const fields = formFields(p, s);
  const errors = (p.errors ?? []).map((e) => {
    const f = fields.find((x) => x.name === e.field);
    return { id: f?.isRadio ? `${f.id}-${DISPUTE_REASONS[0]}` : (f?.id ?? 'main'), label: f?.label ?? '', message: fieldError(s, e, s.locale) };
  });
  const form = render(FORM, { csrf: p.csrf, fields, errors, errorSummary: s.errorSummary, submit: words.submit });
  // The caps on a customer's own promises and payment claims (domain/commands/self-service-caps.ts) are named in their refusals.
  const caps = { maxPromises: LIMITS.selfServicePromises, maxPaymentClaims: LIMITS.selfServicePaymentClaims };
  const refusal = p.refusal ? fillText((s.commandErrors as Record<string, string>)[p.refusal] ?? s.commandErrors.conflict, caps) : undefined;
  const body = render(LANDING, { title: words.title, intro: words.intro, statusNote: statusNote(p.invoice, p.supplier, s), answerable, form, refusal, ...shared });
  return layout({ lang: p.lang, title: `${words.title} – ${pageTitle}`, ...brand, body, contact: contactHtml(p.supplier, s), script: true }, s);
};
