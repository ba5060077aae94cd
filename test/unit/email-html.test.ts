/**
 * Every e-mail Sollecito sends, in every language, kind and tone, read by html-validate (a tool
 * the project did not write) with its recommended rules (accessibility included) and its document
 * rules. Off or loosened are only the rules e-mail HTML must break, each with its reason.
 */
import { describe, expect, it } from 'vitest';
import { HtmlValidate, Parser, type Message } from 'html-validate';
import { Customer, Invoice, LANGUAGES, Tenant, TONES, type InvoiceInput } from '../../lambdas/domain/model.js';
import { CUSTOMER_MESSAGE_KINDS, STATEMENT_KINDS, renderMessage, renderNotice, type NoticeFacts, type NoticeKind } from '../../lambdas/domain/messages/rendering/render.js';
import type { MessageLine, RenderInput } from '../../lambdas/domain/messages/rendering/types.js';
import { agencyCaseMail, agencyDossierMail, noticeDigestMail, salesRepReleaseNotice } from '../../lambdas/domain/messages/notices.js';
import { buildAgeingReport } from '../../lambdas/domain/reports/report.js';
import { renderReportEmail } from '../../lambdas/domain/reports/report-email.js';

const validator = new HtmlValidate({
  extends: ['html-validate:recommended', 'html-validate:document'],
  rules: {
    // A data table's headers must say what they head, so a screen reader reads them with each cell.
    'wcag/h63': 'error',
    // Outlook for Windows lays tables out from these attributes only (width, bgcolor, cellpadding, align).
    'no-deprecated-attr': 'off',
    // Gmail, Outlook and Yahoo drop or rewrite <style> blocks: what must hold is inline.
    'no-inline-style': 'off',
    // Outlook for Windows reads its ghost tables and settings from <!--[if mso]> blocks only.
    'no-conditional-comment': 'off',
    // role="none" is ARIA 1.1's synonym of "presentation"; older screen readers and the web mails'
    // sanitizers know only "presentation", which is what layout tables in e-mail carry.
    'presentation-role-style': 'off',
    // Layout tables (role="presentation") have no row groups to name; the data tables have thead
    // and tbody, checked below with the headers' table.
    'prefer-tbody': 'off',
    // The title is the subject, as long as its wording and the names in it make it (a client shows
    // the subject, not the title); the rule's 70 characters are for a browser tab.
    'long-title': 'off',
    // The layouts are JSON arrays of strings, kept readable with single quotes: quoted all the same.
    'attr-quotes': ['error', { style: 'any', unquoted: false }],
  },
});

const problems = async (html: string): Promise<string[]> => {
  const report = await validator.validateString(html);
  return report.results.flatMap((r) => r.messages).map((m: Message) => `${m.ruleId} (line ${m.line}): ${m.message}`);
};

/**
 * Column headers a screen reader can use: every <th> is in a table that is not presentational
 * (role="presentation" or "none" takes the table's semantics, its headers' with them), under a
 * thead or a tbody. Returns the headers' texts.
 */
const dataTableHeaders = async (html: string): Promise<{ headers: string[]; lost: string[] }> => {
  const root = new Parser(await validator.getConfigFor('inline.html')).parseHtml(html);
  const headers: string[] = [];
  const lost: string[] = [];
  for (const th of root.querySelectorAll('th')) {
    const text = th.textContent.trim();
    headers.push(text);
    const role = th.closest('table')?.getAttributeValue('role');
    if (role === 'presentation' || role === 'none') lost.push(`${text}: in a table with role=${role}`);
    if (!th.closest('thead, tbody')) lost.push(`${text}: outside thead and tbody`);
  }
  return { headers, lost };
};

const NOW = new Date('2026-03-20T09:00:00Z');
const tenant = Tenant.parse({
  tenantId: 't1',
  name: 'Officine Rossi & Figli SRL',
  email: 'crediti@officinerossi.example',
  phone: '+390212345678',
  address: 'Via Roma 1, 20121 Milano',
  vatId: 'IT01234567890',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  financeInboxes: ['finance@officinerossi.example'],
  agency: { name: 'Recupero Nord', email: 'pratiche@recupero.example' },
});
const customer = Customer.parse({
  tenantId: 't1',
  customerId: 'C-1',
  name: 'Cliente <Bianchi> SpA',
  country: 'IT',
  language: 'it',
  timeZone: 'Europe/Rome',
  email: 'ap@bianchi.example',
  billingContact: { name: 'Giulia Verdi', email: 'giulia@bianchi.example', phone: '+393471234567', role: 'Contabilità fornitori' },
});
const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't1',
    invoiceId: 'INV-1',
    number: 'FT-2026-0042',
    customerId: 'C-1',
    issueDate: '2026-01-15',
    dueDate: '2026-02-14',
    currency: 'EUR',
    amount: 123_456,
    status: 'open',
    paymentReference: 'RF18539007547034',
    promise: { date: '2026-03-10', recordedAt: '2026-03-01T10:00:00Z' },
    createdAt: '2026-01-15T10:00:00Z',
    updatedAt: '2026-01-15T10:00:00Z',
    ...over,
  });
/** The plan an instalment reminder announces (its date is the facts' promiseDate). */
const PLAN = { agreedAt: '2026-03-01T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-10', amount: 61_728 }, { date: '2026-04-10', amount: 61_728 }] };
const links = { paid: 'https://pay.example/l/paid?sig=abc', promise: 'https://pay.example/l/promise?sig=abc', view: 'https://pay.example/l/view?sig=abc' };
const line = (over: Partial<MessageLine>, inv: Partial<InvoiceInput> = {}): MessageLine => ({ invoice: invoice(inv), kind: 'firstOverdue', amountDue: 123_456, daysLate: 34, links, ...over });
const message = (over: Partial<RenderInput>): RenderInput => ({
  kind: 'firstOverdue',
  tone: 'standard',
  language: 'it',
  tenant,
  customer,
  lines: [line({})],
  now: NOW,
  facts: { promiseDate: '2026-03-10', paymentAmount: 123_456, paymentDate: '2026-03-19' },
  paymentQrSrc: 'cid:payment-qr',
  ...over,
});

const NOTICES: { [K in NoticeKind]: NoticeFacts[K] } = {
  creditHold: { recipient: 'Marco', customerName: 'Cliente <Bianchi>', invoiceNumber: 'FT-1', currency: 'EUR', amountDue: 123_456, daysLate: 34, financeEmail: 'crediti@officinerossi.example' },
  customerAnswered: { customerName: 'Bianchi', invoiceNumber: 'FT-1', answer: 'promise', promiseDate: '2026-04-01', at: '2026-03-19T23:30:00Z', timeZone: 'Europe/Rome', detail: 'pagheremo', url: 'https://console.example/invoices/INV-1' },
  customerUnreached: { customerName: 'Bianchi', invoiceNumber: 'FT-1', address: 'ap@bianchi.example', financeEmail: 'crediti@officinerossi.example' },
  contactBounced: { customerName: 'Bianchi', channel: 'email', address: 'ap@bianchi.example', reason: 'mailbox does not exist' },
};

const agency = {
  supplier: tenant.name,
  customer: customer.name,
  asOf: '20/03/2026',
  financeEmail: 'crediti@officinerossi.example',
  preserveRelationship: true,
  delivery: { kind: 'link' as const, url: 'https://api.example/d/abc', until: '27/03/2026' },
};

describe('every e-mail passes html-validate, accessibility rules included', () => {
  it.each(LANGUAGES)('customer messages, one invoice and statements, every kind and tone (%s)', async (language) => {
    const found: string[] = [];
    for (const kind of CUSTOMER_MESSAGE_KINDS) {
      for (const tone of TONES) {
        const planned = kind === 'instalmentDue' ? { plan: PLAN } : {};
        const single = renderMessage(message({ kind, tone, language, lines: [line({ kind }, planned)] }));
        const statement = STATEMENT_KINDS.has(kind) && renderMessage(
          message({
            kind,
            tone,
            language,
            lines: [line({ kind: 'secondOverdue' }, { invoiceId: 'A', number: 'A-1', ...planned }), line({ kind: 'preDue', daysLate: 0 }, { invoiceId: 'B', number: 'B-2', dueDate: '2026-03-27' })],
          }),
        );
        for (const [what, m] of [['single', single], ['statement', statement]] as const) {
          if (!m) continue;
          for (const p of await problems(m.html)) found.push(`${kind}/${tone}/${what}: ${p}`);
          if (!m.html.includes(`<html lang='${language}'`)) found.push(`${kind}/${tone}/${what}: no lang='${language}'`);
        }
      }
    }
    expect(found).toEqual([]);
  });

  it.each(LANGUAGES)("the supplier's own notices, the agency's and the digest (%s)", async (language) => {
    const mails = [
      ...(Object.keys(NOTICES) as NoticeKind[]).map((k) => [k, renderNotice(k, language, NOTICES[k] as never)] as const),
      ['salesRepRelease', salesRepReleaseNotice({ salesRep: 'Marco', customer: customer.name, threshold: 30, financeEmail: 'crediti@officinerossi.example' }, language)] as const,
      ['agencyDossier', agencyDossierMail({ ...agency, number: 'FT-1', dueDate: '14/02/2026', principal: '1.234,56 €', interest: '12,00 €', compensation: '40,00 €', total: '1.286,56 €' }, language)] as const,
      ['agencyCase', agencyCaseMail({ ...agency, numbers: ['FT-1', 'FT-2'], claims: [{ currency: 'EUR', principal: '1 €', interest: '0 €', compensation: '40 €', total: '41 €' }] }, language)] as const,
      ['digest', noticeDigestMail({ customer: customer.name, day: '20/03/2026', entries: [{ subject: 'Uno', text: 'Primo.\n\nSecondo.' }] }, language)] as const,
    ];
    const found: string[] = [];
    for (const [kind, m] of mails) {
      for (const p of await problems(m.html)) found.push(`${kind}: ${p}`);
      if (!new RegExp(`<html lang=['"]${language}['"]`).test(m.html)) found.push(`${kind}: no lang='${language}'`);
    }
    expect(found).toEqual([]);
  });

  it.each(LANGUAGES)('the weekly ageing report, every section filled (%s)', async (language) => {
    const activity = (kind: string, over: object) => ({ tenantId: 't1', kind, invoiceId: 'P-1', number: 'P-1', customerId: 'C-1', dueDate: '2026-02-01', currency: 'EUR', amount: 50_000, date: '2026-03-18', ...over }) as never;
    const report = buildAgeingReport({
      tenant,
      now: NOW,
      open: [
        invoice({ needsContact: true }),
        invoice({ invoiceId: 'INV-2', number: 'FT-2', status: 'disputed', dispute: { reason: 'goods', openedAt: '2026-03-01T10:00:00Z' } }),
      ],
      customers: [{ customerId: 'C-1', name: customer.name, creditHold: { placedAt: '2026-03-02T09:00:00Z', invoiceId: 'INV-1', reason: 'unpaid', basis: { invoices: 1, oldestDaysPastDue: 16, invoiceNumber: 'FT-2026-0042' } } }],
      activity: [
        activity('issued', { date: '2026-01-15' }),
        activity('promised', { invoiceId: 'INV-1', number: 'FT-2026-0042', promiseDate: '2026-03-25', instalment: false }),
        activity('promiseBroken', { invoiceId: 'INV-2', number: 'FT-2', promiseDate: '2026-03-16' }),
        activity('closed', { outcome: 'paid', policy: 'relationship', lastStage: 'firstOverdue', lastStageDate: '2026-02-10', paidOn: '2026-03-18' }),
      ],
      calls: [{ day: '2026-03-20', customerId: 'C-1', invoiceId: 'INV-1', done: false }],
      reorders: [],
    });
    for (const rows of [report.promises, report.brokenPromises, report.callsDue, report.disputes, report.creditHolds, report.needsContact, report.outcomes.byPolicyStage]) expect(rows.length).toBeGreaterThan(0);
    const m = renderReportEmail(report, language);
    expect(await problems(m.html)).toEqual([]);
  });

  it.each(LANGUAGES)("keeps a statement's column headers for a screen reader, and the report's (%s)", async (language) => {
    const m = renderMessage(message({ language, lines: [line({ kind: 'secondOverdue' }, { invoiceId: 'A', number: 'A-1' }), line({ kind: 'preDue', daysLate: 0 }, { invoiceId: 'B', number: 'B-2', dueDate: '2026-03-27' })] }));
    const statement = await dataTableHeaders(m.html);
    expect(statement.lost).toEqual([]);
    // The five columns, then one header per section (overdue, coming due) over its rows.
    expect(statement.headers).toHaveLength(7);
    const report = renderReportEmail(buildAgeingReport({ tenant, now: NOW, open: [invoice()], customers: [{ customerId: 'C-1', name: customer.name }], activity: [], calls: [], reorders: [] }), language);
    const ageing = await dataTableHeaders(report.html);
    expect(ageing.lost).toEqual([]);
    expect(ageing.headers.length).toBeGreaterThan(4);
  });

  it('gives Outlook for Windows buttons that keep their padding, and hides the preheader everywhere, Outlook and Gmail included', () => {
    const html = renderMessage(message({})).html;
    // Word, Outlook's engine, drops padding on an inline <a>: the button's cell carries it for Outlook.
    const buttons = [...html.matchAll(/<td class='btn bd' style='([^']*)'>\s*<a class='btn'/g)];
    expect(buttons.length).toBeGreaterThan(1);
    for (const [, style] of buttons) expect(style).toMatch(/mso-padding-alt:\s*9px 14px/);
    const pre = /<div class='preheader' style='([^']*)'>([^<]*)<\/div>/.exec(html);
    expect(pre).not.toBeNull();
    for (const rule of ['display:none', 'mso-hide:all', 'visibility:hidden', 'opacity:0', 'max-height:0', 'overflow:hidden', 'font-size:1px']) expect(pre![1]).toContain(rule);
    // Where a client shows it anyway (Gmail's mobile web mail), it is the colour of the page behind it.
    const page = /<body [^>]*style='[^']*background-color:(#[0-9a-f]{6})/.exec(html)![1];
    expect(pre![1]).toContain(`color:${page}`);
    // The filler after the preheader keeps the body's first words out of the inbox preview.
    expect(pre![2]).toMatch(/(&#847;&zwnj;&nbsp;){20,}$/);
  });
});
