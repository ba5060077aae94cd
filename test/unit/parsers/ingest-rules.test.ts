import { describe, expect, it } from 'vitest';
import {
  decide,
  dueDateFor,
  invoiceFromRecord,
  invoiceIdFor,
  mergeDirectoryRecord,
  newCustomer,
  notChasedReason,
  type IngestContext,
} from '../../../lambdas/domain/ingest/rules.js';
import { Customer, LIMITS, type Invoice } from '../../../lambdas/domain/model.js';
import { salesNoteId } from '../../../lambdas/domain/commands/sales-notes.js';
import type { ParsedInvoice } from '../../../lambdas/domain/parsers/types.js';

const ctx: IngestContext = { tenantId: 't1', now: new Date('2026-01-12T08:00:00Z'), sourceKey: 'invoices/jan.csv' };
const later: IngestContext = { ...ctx, now: new Date('2026-01-13T08:00:00Z'), sourceKey: 'invoices/jan-fixed.csv' };
const defaults = { country: 'IT', timeZone: 'Europe/Rome' };

const customer = (over: Partial<Customer> = {}) =>
  Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Alfa', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'a@alfa.example', ...over });

const record = (over: Partial<ParsedInvoice> = {}): ParsedInvoice => ({
  format: 'csv',
  documentKind: 'invoice',
  number: '2026/0001',
  customerId: 'C-1',
  issueDate: '2026-01-05',
  dueDate: '2026-02-04',
  currency: 'EUR',
  amount: 100_00,
  row: 2,
  ...over,
});

const stored = (over: Partial<Invoice> = {}): Invoice => ({ ...invoiceFromRecord(record(), customer(), ctx), ...over });

describe('invoice identity', () => {
  it('is the same for the same tenant, customer, number and instalment, whatever the spacing or case', () => {
    expect(invoiceIdFor('t1', 'C-1', 'ft 2026/1')).toBe(invoiceIdFor('t1', 'C-1', '  FT  2026/1 '));
    expect(invoiceIdFor('t1', 'C-1', '1')).not.toBe(invoiceIdFor('t2', 'C-1', '1'));
    expect(invoiceIdFor('t1', 'C-1', '1')).not.toBe(invoiceIdFor('t1', 'C-2', '1'));
    expect(invoiceIdFor('t1', 'C-1', '1', 'invoice', 1)).not.toBe(invoiceIdFor('t1', 'C-1', '1', 'invoice', 2));
    // A credit note numbered like the invoice it corrects is another document.
    expect(invoiceIdFor('t1', 'C-1', '1', 'credit_note')).not.toBe(invoiceIdFor('t1', 'C-1', '1', 'invoice'));
    expect(invoiceIdFor('t1', 'C-1', '1')).toMatch(/^inv_[0-9a-f]{32}$/);
  });
});

describe('how a record is chased', () => {
  it('a payable invoice to a reachable customer is open, revision 1, run 0', () => {
    const inv = invoiceFromRecord(record(), customer(), ctx);
    expect(inv).toMatchObject({ status: 'open', needsContact: false, revision: 1, run: 0, amount: 10_000, source: { key: 'invoices/jan.csv', format: 'csv' } });
  });

  it('credit notes and non-positive amounts are stored but not chased, with the reason', () => {
    expect(notChasedReason({ documentKind: 'credit_note', documentType: 'TD04', amount: 100 })).toBe('credit note (TD04): nothing to collect');
    expect(notChasedReason({ documentKind: 'invoice', amount: 0 })).toMatch(/zero or negative/);
    expect(notChasedReason({ documentKind: 'invoice', amount: -5 })).toMatch(/zero or negative/);
    const inv = invoiceFromRecord(record({ amount: -165_625 }), customer({ email: undefined }), ctx);
    expect(inv).toMatchObject({ status: 'not_chased', needsContact: false });
  });

  it('an open invoice of a customer without an address waits for one', () => {
    expect(invoiceFromRecord(record(), customer({ email: undefined }), ctx).needsContact).toBe(true);
    expect(invoiceFromRecord(record(), customer({ email: 'x@y.example', emailStatus: 'bounced' }), ctx).needsContact).toBe(true);
    expect(invoiceFromRecord(record(), customer({ email: undefined, billingContact: { name: 'Anna', email: 'anna@alfa.example' } }), ctx).needsContact).toBe(false);
  });

  it('without a due date, the customer terms (default 30 days) run from the issue date', () => {
    expect(dueDateFor({ issueDate: '2018-08-30' }, customer())).toBe('2018-09-29');
    expect(dueDateFor({ issueDate: '2026-01-31' }, customer({ paymentTermsDays: 60 }))).toBe('2026-04-01');
    expect(dueDateFor({ issueDate: '2026-01-31', dueDate: '2026-02-10' }, customer())).toBe('2026-02-10');
  });
});

describe('decide', () => {
  it('an e-invoice keeps its stored file as the customer copy; a FatturaPA its SdI file name', () => {
    const fpa = { ...ctx, sourceKey: 'invoices/2026/IT01234567890_00042.xml.p7m' };
    expect(invoiceFromRecord(record({ format: 'fatturapa' }), customer(), fpa)).toMatchObject({ documentKey: fpa.sourceKey, sdi: { file: 'IT01234567890_00042' } });
    expect(invoiceFromRecord(record({ format: 'cii' }), customer(), { ...ctx, sourceKey: 'invoices/RE-7.pdf' })).toMatchObject({ documentKey: 'invoices/RE-7.pdf' });
    const csv = invoiceFromRecord(record(), customer(), ctx);
    expect([csv.documentKey, csv.sdi]).toEqual([undefined, undefined]);
  });

  it('an invoice the SdI refused, sent again as another file, is chased again and its SdI state starts anew', () => {
    const refused = stored({
      status: 'not_chased',
      notChasedReason: 'refused by the SdI',
      documentKey: 'invoices/IT01234567890_00042.xml',
      sdi: { file: 'IT01234567890_00042', id: '111', refused: { at: '2026-01-06T10:00:00.000Z', reasons: ['00404 Fattura duplicata'] } },
    });
    const again = { ...later, sourceKey: 'invoices/IT01234567890_00043.xml' };
    const d = decide(refused, invoiceFromRecord(record({ format: 'fatturapa' }), customer(), again), again);
    expect(d.action).toBe('supersede');
    if (d.action !== 'supersede') return;
    expect(d.invoice).toMatchObject({ status: 'open', documentKey: 'invoices/IT01234567890_00043.xml', sdi: { file: 'IT01234567890_00043' } });
    expect(d.invoice.sdi).toEqual({ file: 'IT01234567890_00043' });
    expect(d.invoice.notChasedReason).toBeUndefined();
    // The same file again (a re-upload) keeps what its receipts said.
    const same = { ...later, sourceKey: 'invoices/IT01234567890_00042.xml' };
    const delivered = stored({ documentKey: same.sourceKey, sdi: { file: 'IT01234567890_00042', delivered: { at: '2026-01-06T10:00:00.000Z', by: 'RC' } } });
    expect(decide(delivered, invoiceFromRecord(record({ format: 'fatturapa' }), customer(), same), same)).toEqual({ action: 'unchanged' });
  });

  it('a new invoice is created as it came from the file', () => {
    const candidate = invoiceFromRecord(record(), customer(), ctx);
    expect(decide(undefined, candidate, ctx, { row: 2 })).toEqual({ action: 'create', invoice: candidate });
  });

  it('the same invoice again changes nothing', () => {
    expect(decide(stored(), invoiceFromRecord(record(), customer(), later), later)).toEqual({ action: 'unchanged' });
  });

  it('a different amount or due date supersedes: revision + 1, the old values kept in the log', () => {
    const old = stored({ revision: 1, run: 2 });
    const d = decide(old, invoiceFromRecord(record({ amount: 120_00, dueDate: '2026-02-14' }), customer(), later), later);
    expect(d.action).toBe('supersede');
    if (d.action !== 'supersede') return;
    expect(d.invoice).toMatchObject({ amount: 12_000, dueDate: '2026-02-14', revision: 2, run: 2, status: 'open', source: { key: 'invoices/jan-fixed.csv' } });
    expect(d.event).toMatchObject({
      type: 'superseded',
      details: { revision: 2, previous: { revision: 1, amount: 10_000, dueDate: '2026-02-04', source: 'invoices/jan.csv' }, amount: 12_000 },
    });
  });

  it('a correction keeps a promise or dispute in place', () => {
    const d = decide(stored({ status: 'disputed' }), invoiceFromRecord(record({ amount: 90_00 }), customer(), later), later);
    expect(d.action === 'supersede' && d.invoice.status).toBe('disputed');
  });

  it('a correction down to what was already paid makes it paid', () => {
    const d = decide(stored({ amountPaid: 80_00 }), invoiceFromRecord(record({ amount: 80_00 }), customer(), later), later);
    expect(d.action === 'supersede' && d.invoice.status).toBe('paid');
  });

  it('paid, escalated and written-off invoices are never reopened', () => {
    for (const status of ['paid', 'escalated', 'written_off'] as const) {
      expect(decide(stored({ status }), invoiceFromRecord(record(), customer(), later), later)).toEqual({ action: 'unchanged' });
      const d = decide(stored({ status }), invoiceFromRecord(record({ amount: 1 }), customer(), later), later);
      expect(d).toMatchObject({ action: 'closed', status });
    }
  });

  it('a waiting invoice whose customer became reachable is released with run + 1', () => {
    const waiting = stored({ needsContact: true, run: 0 });
    const d = decide(waiting, invoiceFromRecord(record(), customer(), later), later);
    expect(d).toMatchObject({ action: 'amend', fields: ['needsContact'], invoice: { needsContact: false, run: 1, revision: 1 } });
  });

  it('a new payment reference is amended in place, without a new revision', () => {
    const d = decide(stored(), invoiceFromRecord(record({ paymentReference: 'RF99' }), customer(), later), later);
    expect(d).toMatchObject({ action: 'amend', fields: ['paymentReference'], invoice: { paymentReference: 'RF99', revision: 1, run: 0 } });
  });
});

describe('customers', () => {
  it('a buyer first seen on an e-invoice becomes a customer: language and zone from its country, no contact', () => {
    const c = newCustomer('t1', 'RO12345678', { name: 'Carpathia SRL', vatId: 'RO12345678', taxIds: ['RO12345678'] }, defaults);
    expect(c).toMatchObject({ customerId: 'RO12345678', name: 'Carpathia SRL', country: 'RO', language: 'ro', timeZone: 'Europe/Bucharest', vatId: 'RO12345678' });
    expect(c.email).toBeUndefined();
    const se = newCustomer('t1', 'SE1', { name: 'Buyer', country: 'SE', taxIds: ['SE1'], email: 'lj@buyer.se' }, defaults);
    expect(se).toMatchObject({ language: 'en', timeZone: 'Europe/Stockholm', email: 'lj@buyer.se' });
    expect(newCustomer('t1', 'C-9', undefined, defaults)).toMatchObject({ name: 'C-9', country: 'IT', language: 'it', timeZone: 'Europe/Rome' });
  });

  it('a directory record replaces the fields it sets, adds sales notes, keeps the rest, and says when an address appeared', () => {
    const before = customer({ email: undefined, salesNoteIds: [salesNoteId('from the finance team')], creditHold: { placedAt: '2026-01-01T00:00:00Z', invoiceId: 'i', reason: 'late' }, version: 3 });
    const m = mergeDirectoryRecord(before, { customerId: 'C-1', fields: { name: 'Alfa S.r.l.', email: 'new@alfa.example', salesNotes: ['from the directory'] } }, 't1', defaults, new Date('2026-03-01T09:00:00Z'));
    expect(m.changed.sort()).toEqual(['email', 'name', 'salesNotes']);
    expect(m.becameReachable).toBe(true);
    expect(m.customer).toMatchObject({ name: 'Alfa S.r.l.', email: 'new@alfa.example', emailStatus: 'ok', version: 4, salesNoteIds: [salesNoteId('from the finance team'), salesNoteId('from the directory')] });
    expect(m.salesNotes.map((n) => n.text)).toEqual(['from the directory']);
    expect(m.customer.creditHold).toEqual(before.creditHold);
    const again = mergeDirectoryRecord(m.customer, { customerId: 'C-1', fields: { name: 'Alfa S.r.l.', salesNotes: ['from the directory'] } }, 't1', defaults, new Date('2026-03-01T09:00:00Z'));
    expect(again.changed).toEqual([]);
    expect(again.salesNotes).toEqual([]);
  });

  it('refuses a directory record that would take a customer past the cap of sales notes, naming the field', () => {
    const full = customer({ salesNoteIds: Array.from({ length: LIMITS.salesNotes }, (_, i) => `n${i}`) });
    expect(() => mergeDirectoryRecord(full, { customerId: 'C-1', fields: { salesNotes: ['one more'] } }, 't1', defaults, new Date('2026-03-01T09:00:00Z'))).toThrow(
      expect.objectContaining({ field: 'salesNotes' }),
    );
  });
});
