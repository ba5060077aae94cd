/**
 * The ageing report as an e-mail: HTML built from tables with inline styles only (Outlook, Gmail
 * and Apple Mail drop <style> blocks or parts of them), plus the same content as plain text.
 * Every value from outside (names, invoice numbers, reasons) is HTML-escaped.
 */
import { AGEING_BUCKETS } from './ageing.js';
import type { Language } from '../model.js';
import type { AgeingReport, InvoiceRow } from './report.js';
import {
  daysText,
  disputeReasonLabel,
  fillHtml,
  fillText,
  formatDate,
  formatMoney,
  formatNumber,
  formatPercent,
  policyLabel,
  reportStrings,
  stageLabel,
  type ReportStrings,
} from './report-strings.js';
import { escapeHtml } from '../shared/html.js';
import { cleanSubject } from '../shared/subject.js';

/**
 * The hold's reason in the report's language, from the facts the hold keeps. A hold placed before
 * its facts were kept has only its English words (`reason`, for the API and the audit): the report
 * says so in its own language rather than show them.
 */
export const holdReason = (h: AgeingReport['creditHolds'][number], s: ReportStrings): string => {
  const b = h.basis;
  if (!b) return s.holdReasons.unrecorded;
  const days = daysText(s, b.oldestDaysPastDue);
  return b.invoices === 1 && b.invoiceNumber !== undefined
    ? fillText(s.holdReasons.one, { number: b.invoiceNumber, days })
    : fillText(s.holdReasons.many, { invoices: b.invoices, days });
};

export interface RenderedReport {
  subject: string;
  html: string;
  text: string;
}

type Align = 'left' | 'right';
interface Table {
  head: string[];
  align: Align[];
  rows: string[][];
}

const FONT = "font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#1f2933;line-height:1.4";
const TH = 'padding:6px 8px;border-bottom:2px solid #9aa5b1;background:#f0f4f8;font-weight:bold';
const TD = 'padding:6px 8px;border-bottom:1px solid #d9e2ec';

const htmlTable = (t: Table, empty: string): string => {
  if (t.rows.length === 0) return `<p style="margin:4px 0 16px 0;color:#52606d">${escapeHtml(empty)}</p>`;
  const cell = (tag: 'th' | 'td', v: string, i: number) =>
    `<${tag}${tag === 'th' ? ' scope="col"' : ''} style="${tag === 'th' ? TH : TD};text-align:${t.align[i] ?? 'left'}">${escapeHtml(v)}</${tag}>`;
  return [
    '<table cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin:4px 0 16px 0;width:100%">',
    `<thead><tr>${t.head.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${t.rows.map((r) => `<tr>${r.map((v, i) => cell('td', v, i)).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
};

const textTable = (t: Table, empty: string): string => {
  if (t.rows.length === 0) return empty;
  const widths = t.head.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((v, i) => (t.align[i] === 'right' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(t.head), widths.map((w) => '-'.repeat(w)).join('  '), ...t.rows.map(line)].join('\n');
};

interface Section {
  title: string;
  /** Sentences before the table (text, to be escaped for HTML by fillHtml at build time). */
  notes: { html: string; text: string }[];
  table?: Table;
}

export const renderReportEmail = (r: AgeingReport, lang: Language): RenderedReport => {
  const s = reportStrings(lang);
  const L = s.locale;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, L);
  const date = (d: string) => formatDate(d, L);
  const note = (tpl: string, vars: Record<string, string | number> = {}) => ({ html: fillHtml(tpl, vars), text: fillText(tpl, vars) });
  const late = (d: number) => (d > 0 ? fillText(s.daysLate, { days: daysText(s, d) }) : s.notDueShort);
  const invoiceCols = (row: InvoiceRow) => [row.customerName, row.number, date(row.dueDate), money(row.amountDue, row.currency)];
  const invoiceHead = [s.columns.customer, s.columns.invoice, s.columns.dueDate, s.columns.amountDue];
  const invoiceAlign: Align[] = ['left', 'left', 'left', 'right'];

  const sections: Section[] = [
    {
      title: s.sections.totals,
      notes: [],
      table: {
        head: [s.columns.currency, ...AGEING_BUCKETS.map((b) => s.buckets[b]), s.columns.total, s.columns.invoices],
        align: ['left', ...AGEING_BUCKETS.map((): Align => 'right'), 'right', 'right'],
        rows: r.totals.map((t) => [t.currency, ...AGEING_BUCKETS.map((b) => money(t.buckets[b], t.currency)), money(t.total, t.currency), String(t.invoices)]),
      },
    },
    {
      title: s.sections.dso,
      notes: [note(s.dsoFormula, { days: r.dso.periodDays, period: daysText(s, r.dso.periodDays) })],
      table: {
        head: [s.columns.currency, s.columns.receivables, fillText(s.columns.creditSales, { period: daysText(s, r.dso.periodDays) }), s.columns.dso],
        align: ['left', 'right', 'right', 'right'],
        rows: r.dso.currencies.map((d) => [d.currency, money(d.receivables, d.currency), money(d.creditSales, d.currency), d.days === null ? s.dsoNone : formatNumber(d.days, L)]),
      },
    },
    {
      title: s.sections.results,
      notes: [],
      table: {
        head: [s.columns.stage, s.columns.currency, s.columns.collected, s.columns.payments],
        align: ['left', 'left', 'right', 'right'],
        rows: [
          ...r.results.byStage.map((b) => [stageLabel(s, b.stage), b.currency, money(b.amount, b.currency), String(b.payments)]),
          ...r.results.collected.map((c) => [s.columns.total, c.currency, money(c.amount, c.currency), String(c.payments)]),
          ...r.results.takenBack.map((c) => [s.columns.takenBack, c.currency, money(-c.amount, c.currency), String(c.payments)]),
        ],
      },
    },
    {
      title: s.sections.promises,
      notes: [],
      table: {
        head: [...invoiceHead, s.columns.promiseDate, s.columns.recordedOn],
        align: [...invoiceAlign, 'left', 'left'],
        rows: r.promises.map((p) => [...invoiceCols(p), `${date(p.promiseDate)}${p.instalment ? ` (${s.instalment})` : ''}`, date(p.recordedOn)]),
      },
    },
    {
      title: s.sections.brokenPromises,
      notes: [],
      table: {
        head: [...invoiceHead, s.columns.promiseDate, s.columns.brokenOn],
        align: [...invoiceAlign, 'left', 'left'],
        rows: r.brokenPromises.map((p) => [...invoiceCols(p), date(p.promiseDate), date(p.brokenOn)]),
      },
    },
    {
      title: s.sections.callsDue,
      notes: [],
      table: {
        head: [s.columns.day, ...invoiceHead, s.columns.daysPastDue],
        align: ['left', ...invoiceAlign, 'left'],
        rows: r.callsDue.map((c) => [date(c.day), ...invoiceCols(c), late(c.daysPastDue)]),
      },
    },
    {
      title: s.sections.disputes,
      notes: [],
      table: {
        head: [...invoiceHead, s.columns.reason, s.columns.openedOn],
        align: [...invoiceAlign, 'left', 'left'],
        rows: r.disputes.map((d) => [...invoiceCols(d), disputeReasonLabel(s, d.reason), date(d.openedAt.slice(0, 10))]),
      },
    },
    {
      title: s.sections.creditHolds,
      notes: [],
      table: {
        head: [s.columns.customer, s.columns.placedOn, s.columns.reason],
        align: ['left', 'left', 'left'],
        rows: r.creditHolds.map((h) => [h.name, date(h.placedAt.slice(0, 10)), holdReason(h, s)]),
      },
    },
    {
      title: s.sections.needsContact,
      notes: [],
      table: { head: [...invoiceHead, s.columns.daysPastDue], align: [...invoiceAlign, 'left'], rows: r.needsContact.map((n) => [...invoiceCols(n), late(n.daysPastDue)]) },
    },
    {
      title: s.sections.withAgency,
      notes: [],
      table: {
        head: [s.columns.currency, s.columns.amountDue, s.columns.invoices],
        align: ['left', 'right', 'right'],
        rows: r.withAgency.map((w) => [w.currency, money(w.amount, w.currency), String(w.invoices)]),
      },
    },
    outcomesSection(r, s, note),
    {
      title: s.sections.customers,
      notes: [],
      table: {
        head: [s.columns.customer, s.columns.currency, ...AGEING_BUCKETS.map((b) => s.buckets[b]), s.columns.total, s.columns.onHold, s.columns.latePayer],
        align: ['left', 'left', ...AGEING_BUCKETS.map((): Align => 'right'), 'right', 'left'],
        rows: r.customers.map((c) => [
          c.name,
          c.currency,
          ...AGEING_BUCKETS.map((b) => (c.buckets[b] ? money(c.buckets[b], c.currency) : '')),
          money(c.total, c.currency),
          c.onHold ? s.columns.yes : '',
          c.habitualLatePayer ? s.columns.yes : '',
        ]),
      },
    },
  ];

  const vars = { today: date(r.today), tenant: r.tenantName, timeZone: r.timeZone, from: date(r.week.from), to: date(r.week.to) };
  // The tenant's name is in the subject: one header-safe line.
  const subject = cleanSubject(fillText(s.subject, vars));
  const intro = note(s.intro, vars);
  const attachment = note(s.attachment);
  const footer = note(s.footer, vars);

  const html = [
    '<!DOCTYPE html>',
    `<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="margin:0;padding:0;background:#ffffff"><div style="${FONT};max-width:960px;margin:0 auto;padding:16px">`,
    `<h1 style="font-size:20px;margin:0 0 8px 0">${escapeHtml(s.title)}: ${escapeHtml(r.tenantName)}</h1>`,
    `<p style="margin:0 0 16px 0">${intro.html}</p>`,
    ...sections.map(
      (sec) =>
        `<h2 style="font-size:16px;margin:16px 0 4px 0">${escapeHtml(sec.title)}</h2>` +
        sec.notes.map((n) => `<p style="margin:4px 0;color:#52606d">${n.html}</p>`).join('') +
        (sec.table ? htmlTable(sec.table, s.empty) : ''),
    ),
    `<p style="margin:16px 0 4px 0;color:#52606d">${attachment.html}</p>`,
    `<p style="margin:4px 0;color:#7b8794;font-size:12px">${footer.html}</p>`,
    '</div></body></html>',
  ].join('\n');

  const text = [
    `${s.title}: ${r.tenantName}`,
    intro.text,
    ...sections.map((sec) =>
      [`\n${sec.title}`, '='.repeat(sec.title.length), ...sec.notes.map((n) => n.text), ...(sec.table ? [textTable(sec.table, s.empty)] : [])].join('\n'),
    ),
    '',
    attachment.text,
    footer.text,
  ].join('\n');

  return { subject, html, text };
};

const outcomesSection = (r: AgeingReport, s: ReportStrings, note: (tpl: string, vars?: Record<string, string | number>) => { html: string; text: string }): Section => {
  const L = s.locale;
  const o = r.outcomes;
  const rec = o.recovery90;
  const notes = [
    note(s.outcomesWindow, { from: formatDate(o.window.from, L), to: formatDate(o.window.to, L) }),
    rec.share === null
      ? note(s.recoveryNone, { from: formatDate(rec.cohort.from, L), to: formatDate(rec.cohort.to, L) })
      : note(s.recovery, {
          share: formatPercent(rec.share, L),
          recovered: rec.recovered,
          invoices: rec.invoices,
          from: formatDate(rec.cohort.from, L),
          to: formatDate(rec.cohort.to, L),
          reference: formatPercent(rec.reference, L),
        }),
    o.reorders.share === null
      ? note(s.reordersNone)
      : note(s.reorders, { share: formatPercent(o.reorders.share, L), orderedAgain: o.reorders.orderedAgain, customers: o.reorders.escalatedCustomers }),
  ];
  return {
    title: s.sections.outcomes,
    notes,
    table: {
      head: [s.columns.policy, s.columns.stage, s.columns.paidAfter, s.columns.medianDays],
      align: ['left', 'left', 'right', 'right'],
      rows: o.byPolicyStage.map((p) => [
        policyLabel(s, p.policy),
        stageLabel(s, p.stage),
        String(p.paid),
        p.medianDays === null ? '' : formatNumber(p.medianDays, L),
      ]),
    },
  };
};
