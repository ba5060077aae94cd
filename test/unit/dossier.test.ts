import { describe, expect, it } from 'vitest';
import { unzipSync, strFromU8 } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import { buildDossier, paymentLine, type DossierInput } from '../../lambdas/domain/reports/dossier.js';
import { DEFAULT_RATES, STATUTORY_MARGIN } from '../../lambdas/domain/money/interest.js';
import { Customer, Invoice, Tenant, type ContactEvent } from '../../lambdas/domain/model.js';

const tenant = Tenant.parse({
  tenantId: 'acme',
  name: 'Officine Rossi S.r.l.',
  vatId: 'IT01234567890',
  email: 'crediti@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'it',
  financeInboxes: ['amministrazione@officinerossi.example'],
  agency: { name: 'Recupero Crediti Emilia', email: 'pratiche@recuperoemilia.example' },
});
const customer = Customer.parse({
  tenantId: 'acme',
  customerId: 'C1',
  name: 'Ștefănescu Țesături S.R.L.',
  country: 'RO',
  language: 'ro',
  timeZone: 'Europe/Bucharest',
  billingContact: { name: 'Ioana Pop', role: 'contabil', email: 'ioana@tesaturi.example', phone: '+40721000000' },
  preserveRelationship: true,
  salesNotes: ['Call Ioana after 10:00, never on Fridays', 'Long-standing customer since 2015'],
});
const invoice = Invoice.parse({
  tenantId: 'acme',
  invoiceId: 'I-9',
  number: '2026/9',
  customerId: 'C1',
  issueDate: '2026-01-01',
  dueDate: '2026-01-31',
  currency: 'EUR',
  amount: 120_000,
  amountPaid: 20_000,
  status: 'escalated',
  documentKey: 'documents/acme/I-9.pdf',
  createdAt: '2026-01-01T08:00:00Z',
  updatedAt: '2026-03-02T08:00:00Z',
});
const ev = (type: ContactEvent['type'], at: string, details?: Record<string, unknown>): ContactEvent => ({
  tenantId: 'acme',
  invoiceId: 'I-9',
  eventId: `${type}-${at}`,
  at,
  type,
  channel: 'email',
  actor: 'system',
  ...(details ? { details } : {}),
});

// 2 March 2026, 09:00 in Bucharest: interest runs 1 February to 2 March = 30 days, all in 2026-H1.
const input = (over: Partial<DossierInput> = {}): DossierInput => ({
  tenant,
  customer,
  invoice,
  policy: { id: 'standard', escalation: 'send' },
  events: [
    ev('promise_broken', '2026-02-20T07:00:00Z'),
    ev('message', '2026-02-07T08:00:00Z'),
    ev('promise', '2026-02-10T09:00:00Z', { date: '2026-02-19' }),
    ev('dispute', '2026-02-12T09:00:00Z', { text: 'colour' }),
    ev('escalation', '2026-03-02T07:00:00Z'),
  ],
  payments: [{ paymentId: 'p1', amount: 20_000, currency: 'EUR', date: '2026-02-05', recordedAt: '2026-02-05T10:00:00Z' }],
  documents: [
    { name: 'I-9.pdf', key: 'documents/acme/I-9.pdf', content: new TextEncoder().encode('%PDF-1.4 original invoice') },
    { name: 'IT01234567890_00009.xml', key: 'invoices/IT01234567890_00009.xml' },
  ],
  now: new Date('2026-03-02T07:00:00Z'),
  ...over,
});

describe('the collection dossier', () => {
  it('zips the PDF summary, the JSON and the original document', async () => {
    const d = await buildDossier(input(), 'it');
    const files = unzipSync(d.zip);
    expect(Object.keys(files).sort()).toEqual(['documents/I-9.pdf', 'dossier.json', 'dossier.pdf']);
    expect(strFromU8(files['documents/I-9.pdf']!)).toBe('%PDF-1.4 original invoice');
    const pdf = await PDFDocument.load(files['dossier.pdf']!);
    expect(pdf.getPageCount()).toBeGreaterThanOrEqual(1);
    expect(pdf.getTitle()).toContain('2026/9');
    expect(d.filename).toBe('dossier-2026-9.zip');
  });

  it('claims principal, interest to date and the fixed compensation to the cent', async () => {
    const json = JSON.parse(strFromU8(unzipSync((await buildDossier(input(), 'it')).zip)['dossier.json']!));
    // Independently, at ECB 2026-H1 + 8 points, rounded half up to the cent once: the 1,000.00 still due
    // for 30 days, and the 200.00 paid on 5 February for its 5 late days.
    const rate = DEFAULT_RATES.find((r) => r.period === '2026-H1')!.ecbRate + STATUTORY_MARGIN;
    const interest = Math.round((100_000 * rate * 30 + 20_000 * rate * 5) / 365 / 100);
    // By hand: (100 000 × 10 150 × 30 + 20 000 × 10 150 × 5) / 36 500 000 = 862.05… → 862.
    expect(interest).toBe(862);
    expect(json.claim).toMatchObject({ currency: 'EUR', asOf: '2026-03-02', principal: 100_000, interest, compensation: 4_000, total: 100_000 + interest + 4_000, interestDays: 30 });
    expect(json.invoice).toMatchObject({ amount: 120_000, amountPaid: 20_000, daysPastDue: 30 });
    expect(json.claim.interestParts.map((p: { kind: string; amount: number; until: string; days: number }) => [p.kind, p.amount, p.until, p.days])).toEqual([
      ['paidLate', 20_000, '2026-02-05', 5],
      ['unpaid', 100_000, '2026-03-02', 30],
    ]);
  });

  it('carries the history, promises, disputes, sales notes and the relationship flag', async () => {
    const json = JSON.parse(strFromU8(unzipSync((await buildDossier(input(), 'it')).zip)['dossier.json']!));
    expect(json.contactHistory.map((e: ContactEvent) => e.type)).toEqual(['message', 'promise', 'dispute', 'promise_broken', 'escalation']);
    expect(json.promises.history.map((e: ContactEvent) => e.type)).toEqual(['promise', 'promise_broken']);
    expect(json.disputes.history.map((e: ContactEvent) => e.details?.text)).toEqual(['colour']);
    expect(json.salesNotes).toEqual(customer.salesNotes);
    expect(json.relationship).toEqual({ preserveRelationship: true });
    expect(json.debtor.billingContact.name).toBe('Ioana Pop');
    expect(json.payments).toEqual([expect.objectContaining({ amount: 20_000, date: '2026-02-05' })]);
    expect(json.documents).toEqual([
      { name: 'I-9.pdf', key: 'documents/acme/I-9.pdf', included: true },
      { name: 'IT01234567890_00009.xml', key: 'invoices/IT01234567890_00009.xml', included: false },
    ]);
  });

  it('writes the PDF in every language, letters outside the standard font included, over several pages', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ev('message', `2026-02-${String((i % 27) + 1).padStart(2, '0')}T08:${String(i % 60).padStart(2, '0')}:00Z`));
    for (const lang of ['it', 'en', 'ro'] as const) {
      const d = await buildDossier(input({ events: many }), lang);
      const pdf = await PDFDocument.load(unzipSync(d.zip)['dossier.pdf']!);
      expect(pdf.getPageCount(), lang).toBeGreaterThan(1);
    }
  });
});

describe('a payment in the PDF', () => {
  const paid = { paymentId: 'p1', amount: 20_000, currency: 'EUR', date: '2026-02-05', recordedAt: '2026-02-05T10:00:00Z', reference: 'RF18539007547034' };

  it('says where it was seen: the statement and its entry, the finance team, the customer', () => {
    expect(paymentLine({ ...paid, source: { kind: 'statement', file: 'bank/2026-02-05.camt053.xml', entry: 3, creditId: 'bc_1' } }, 'en')).toBe('05/02/2026 · €200.00 · RF18539007547034 · bank statement 2026-02-05.camt053.xml, entry 3');
    expect(paymentLine({ ...paid, source: { kind: 'api' } }, 'it')).toContain("registrato dall'amministrazione");
    expect(paymentLine({ ...paid, source: { kind: 'link' } }, 'ro')).toContain('raportat de client');
  });

  it('marks one taken back, with the bank’s reason', () => {
    const line = paymentLine({ ...paid, reversed: { at: '2026-02-12T07:30:00Z', by: 'bank', kind: 'return', reason: 'AM04' } }, 'en');
    expect(line).toContain('taken back 12/02/2026 (AM04): not counted as paid');
  });
});

