import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { Invoice, LANGUAGES, type InvoiceInput } from '../../lambdas/domain/model.js';
import { buildAgeingReport, type ReportInput } from '../../lambdas/domain/reports/report.js';
import { customersCsv, defuseCell, invoicesCsv } from '../../lambdas/domain/reports/report-csv.js';
import { renderReportEmail } from '../../lambdas/domain/reports/report-email.js';
import { decimalAmount, formatMoney, reportStrings } from '../../lambdas/domain/reports/report-strings.js';

let seq = 0;
const inv = (over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: 'acme',
    invoiceId: `I${++seq}`,
    number: `2026/${seq}`,
    customerId: 'C1',
    issueDate: '2026-01-01',
    dueDate: '2026-02-20',
    currency: 'EUR',
    amount: 123_456,
    status: 'open',
    createdAt: '2026-01-01T08:00:00Z',
    updatedAt: '2026-01-01T08:00:00Z',
    ...over,
  });

const input = (): ReportInput => ({
  tenant: { tenantId: 'acme', name: 'Officine Rossi & Figli', timeZone: 'Europe/Rome', defaultPolicy: 'standard' },
  now: new Date('2026-03-09T07:00:00Z'),
  open: [
    inv({ customerId: 'C1', amount: 123_456 }),
    inv({ customerId: 'EVIL', number: '=HYPERLINK("http://x.example","click")', amount: 5_000, dueDate: '2026-03-20' }),
    inv({ customerId: 'C3', currency: 'JPY', amount: 15_000, dueDate: '2025-10-01' }),
  ],
  customers: [
    { customerId: 'C1', name: 'Rossi, Bianchi "e" Verdi S.p.A.', creditHold: { placedAt: '2026-03-02T09:00:00Z', invoiceId: 'I1', reason: 'unpaid' } },
    { customerId: 'EVIL', name: '@SUM(1+1)*cmd|\' /C calc\'!A0' },
    { customerId: 'C3', name: '<script>alert(1)</script> Tokyo K.K.' },
  ],
  activity: [],
  calls: [],
  reorders: [],
});

const rows = (csv: string) => parse(csv, { bom: true }) as string[][];

describe('CSV export', () => {
  it('is RFC 4180 with a BOM and CRLF, quotes what needs quoting and reads back the same', () => {
    const data = input();
    const csv = customersCsv(buildAgeingReport(data), 'en');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv).toContain('\r\n');
    expect(csv).toContain('"Rossi, Bianchi ""e"" Verdi S.p.A."');
    const table = rows(csv);
    expect(table[0]).toEqual(['Customer id', 'Customer', 'Currency', 'Not yet due', '1-30 days', '31-60 days', '61-90 days', 'Over 90 days', 'Total', 'Invoices', 'Credit hold', 'Habitual late payer']);
    const rossi = table.find((r) => r[0] === 'C1')!;
    expect(rossi).toEqual(['C1', 'Rossi, Bianchi "e" Verdi S.p.A.', 'EUR', '0.00', '1234.56', '0.00', '0.00', '0.00', '1234.56', '1', 'yes', 'no']);
    // JPY has no minor digits: 15000 yen stay 15000.
    expect(table.find((r) => r[0] === 'C3')!.slice(2, 9)).toEqual(['JPY', '0', '0', '0', '0', '15000', '15000']);
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    const data = input();
    const table = rows(invoicesCsv(data.open, data.customers, '2026-03-09', 'it'));
    const evil = table.find((r) => r[0] === 'EVIL')!;
    expect(evil[1]).toBe("'@SUM(1+1)*cmd|' /C calc'!A0");
    expect(evil[2]).toBe('\'=HYPERLINK("http://x.example","click")');
    expect(evil[4]).toBe('-11'); // a number we computed: not a formula, left alone
    for (const c of ['=1+1', '+1', '-1', '@x', '\tx', '\rx']) expect(defuseCell(c)).toBe(`'${c}`);
    expect(defuseCell('Rossi')).toBe('Rossi');
    expect(table[0]![0]).toBe('Codice cliente');
  });
});

describe('the report e-mail', () => {
  it('escapes names, formats money per locale and keeps currencies apart', () => {
    const out = renderReportEmail(buildAgeingReport(input()), 'it');
    expect(out.subject).toBe('Scadenziario crediti al 09/03/2026: Officine Rossi & Figli');
    expect(out.html).not.toContain('<script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Tokyo K.K.');
    expect(out.html).toContain('Officine Rossi &amp; Figli');
    expect(out.html).toContain(escape(formatMoney(123_456, 'EUR', 'it-IT')));
    expect(out.text).toContain(formatMoney(15_000, 'JPY', 'it-IT'));
    expect(out.html).not.toMatch(/<style/);
  });

  it('renders every language without a missing label', () => {
    for (const lang of LANGUAGES) {
      const out = renderReportEmail(buildAgeingReport(input()), lang);
      expect(out.html, lang).not.toMatch(/\{\{|undefined|NaN/);
      expect(out.text, lang).not.toMatch(/\{\{|undefined|NaN/);
    }
  });

  it("words a credit hold's reason in the report's language, from the facts the hold keeps", () => {
    const base = input();
    const held = { ...base, customers: [{ ...base.customers[0]!, creditHold: { placedAt: '2026-03-02T09:00:00Z', invoiceId: 'I1', reason: 'invoice 2026/1 unpaid 31 days after its due date', basis: { invoices: 1, oldestDaysPastDue: 31, invoiceNumber: '2026/1' } } }, ...base.customers.slice(1)] };
    const it_ = renderReportEmail(buildAgeingReport(held), 'it').text;
    expect(it_).toContain('fattura 2026/1 non pagata a 31 giorni dalla scadenza');
    expect(it_).not.toContain('unpaid');
    expect(renderReportEmail(buildAgeingReport(held), 'ro').text).toContain('factura 2026/1 neplătită la 31 de zile după scadență');
    expect(renderReportEmail(buildAgeingReport(held), 'en').text).toContain('invoice 2026/1 unpaid 31 days after its due date');
    // A hold stored before its facts were kept has only English words ('unpaid' here): the report does not show them.
    const legacy = renderReportEmail(buildAgeingReport(input()), 'it').text;
    expect(legacy).not.toMatch(/\bunpaid\b/);
    expect(legacy).toContain('sospeso prima che se ne registrasse il motivo');
  });

  it('writes amounts exactly, whatever their size', () => {
    expect(decimalAmount(5, 'EUR')).toBe('0.05');
    expect(decimalAmount(900_719_925_474_099, 'EUR')).toBe('9007199254740.99');
    expect(decimalAmount(1_234, 'JPY')).toBe('1234');
    expect(decimalAmount(1_234, 'BHD')).toBe('1.234');
  });
});

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

describe("every value in the report's own language", () => {
  // Invoices 1, 5 and 20 days late (today is 9 March in Rome), a dispute, an invoice no longer
  // chased, a legacy hold, and invoices paid under a built-in and a company policy.
  const closed = (invoiceId: string, policy: string, lastStage: string) =>
    ({ tenantId: 'acme', kind: 'closed', outcome: 'paid', invoiceId, number: `${invoiceId}/1`, customerId: 'C1', dueDate: '2026-01-31', currency: 'EUR', amount: 1_000, date: '2026-03-05', policy, lastStage, lastStageDate: '2026-02-10', paidOn: '2026-03-05' }) as never;
  const wordy = (): ReportInput => ({
    ...input(),
    open: [
      inv({ customerId: 'C1', dueDate: '2026-03-08', needsContact: true }),
      inv({ customerId: 'C1', dueDate: '2026-03-04', needsContact: true, status: 'not_chased' }),
      inv({ customerId: 'C3', dueDate: '2026-02-17', needsContact: true }),
      inv({ customerId: 'C1', status: 'disputed', dispute: { reason: 'invoice_details', openedAt: '2026-03-01T10:00:00Z' } }),
    ],
    activity: [closed('P1', 'relationship', 'firstOverdue'), closed('P2', 'edilizia-nord', 'phoneCall')],
  });
  // What the domain stores and the report used to show as it is: ids, and English words.
  const RAW = /\b(unpaid|relationship|not_chased|invoice_details|firstOverdue|phoneCall|days late|1 days|1 giorni|1 zile)\b/;

  it('words lateness with the plural forms of Italian and Romanian', () => {
    const it_ = renderReportEmail(buildAgeingReport(wordy()), 'it').text;
    for (const w of ['1 giorno di ritardo', '5 giorni di ritardo', '20 giorni di ritardo']) expect(it_).toContain(w);
    const ro = renderReportEmail(buildAgeingReport(wordy()), 'ro').text;
    for (const w of ['1 zi întârziere', '5 zile întârziere', '20 de zile întârziere', 'ultimele 90 de zile']) expect(ro).toContain(w);
    const en = renderReportEmail(buildAgeingReport(wordy()), 'en').text;
    for (const w of ['1 day late', '5 days late', '20 days late']) expect(en).toContain(w);
  });

  it.each([
    ['it', ['Rapporto (clienti chiave)', 'Primo sollecito', 'Telefonata', 'dati della fattura', 'sospeso prima che se ne registrasse il motivo']],
    ['ro', ['Relație (clienți cheie)', 'datele facturii', 'suspendat înainte ca motivul să fie înregistrat']],
  ] as const)('shows no stored id or English word in the %s e-mail', (lang, words) => {
    const out = renderReportEmail(buildAgeingReport(wordy()), lang);
    for (const w of words) expect(out.text).toContain(w);
    expect(out.text).not.toMatch(RAW);
    expect(out.html).not.toMatch(RAW);
    // A company's own policy keeps the name the company gave it.
    expect(out.text).toContain('edilizia-nord');
  });

  it.each([
    ['it', 'aperta', 'non sollecitata', 'contestata'],
    ['ro', 'deschisă', 'neurmărită', 'contestată'],
  ] as const)('writes every status in the %s CSV in its words', (lang, open, notChased, disputed) => {
    const data = wordy();
    const [head, ...body] = rows(invoicesCsv(data.open, data.customers, '2026-03-09', lang));
    const [number, status] = [head!.indexOf(reportStrings(lang).columns.invoice), head!.indexOf(reportStrings(lang).columns.status)];
    const byNumber = Object.fromEntries(body.map((r) => [r[number], r[status]]));
    expect(byNumber).toEqual(Object.fromEntries(data.open.map((i, k) => [i.number, [open, notChased, open, disputed][k]])));
  });
});
