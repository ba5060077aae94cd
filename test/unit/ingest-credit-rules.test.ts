/** The ingest rules around credit notes and the new buyer data (domain/ingest/rules.ts, credit-notes.ts): pure. */
import { describe, expect, it } from 'vitest';
import { applyCreditNote } from '../../lambdas/domain/commands/credit-note.js';
import { creditAmountOf } from '../../lambdas/domain/ingest/credit-notes.js';
import { customerIdForBuyer, decide, invoiceFromRecord, nameCustomerId, newCustomer, notChasedReason, type IngestContext } from '../../lambdas/domain/ingest/rules.js';
import { Customer } from '../../lambdas/domain/model.js';
import type { ParsedInvoice } from '../../lambdas/domain/parsers/types.js';

const ctx: IngestContext = { tenantId: 't1', now: new Date('2026-01-12T08:00:00Z'), sourceKey: 'invoices/jan.xml' };
const defaults = { country: 'IT', timeZone: 'Europe/Rome' };
const customer = (over: Partial<Customer> = {}) =>
  Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Alfa', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'a@alfa.example', ...over });
const record = (over: Partial<ParsedInvoice> = {}): ParsedInvoice => ({
  format: 'fatturapa',
  documentKind: 'invoice',
  number: 'FT-1',
  issueDate: '2026-01-05',
  dueDate: '2026-02-04',
  currency: 'EUR',
  amount: 122_00,
  element: 'FatturaElettronicaBody[1]',
  ...over,
});
const commandCtx = { actor: 'system', channel: 'system' as const, now: new Date('2026-01-20T08:00:00Z'), timeZone: 'Europe/Rome' };

describe('what is chased', () => {
  it('the reader\'s reason comes first (self-issued type, buyer = supplier), then credit notes and amounts', () => {
    expect(notChasedReason({ documentKind: 'invoice', amount: 100, notChased: 'TD17 (…) is issued by the company' })).toBe('TD17 (…) is issued by the company');
    const inv = invoiceFromRecord(record({ notChased: 'the buyer is the supplier itself' }), customer(), ctx);
    expect([inv.status, inv.notChasedReason, inv.needsContact]).toEqual(['not_chased', 'the buyer is the supplier itself', false]);
  });

  it('which records credit the customer, and by how much', () => {
    expect(creditAmountOf({ documentKind: 'credit_note', amount: 3_660 })).toBe(3_660);
    expect(creditAmountOf({ documentKind: 'credit_note', amount: -3_660 })).toBe(3_660);
    expect(creditAmountOf({ documentKind: 'invoice', amount: -165_625 })).toBe(165_625);
    expect(creditAmountOf({ documentKind: 'invoice', amount: 100 })).toBeUndefined();
    expect(creditAmountOf({ documentKind: 'credit_note', amount: 0 })).toBeUndefined();
    expect(creditAmountOf({ documentKind: 'credit_note', amount: 100, notChased: 'the buyer is the supplier itself' })).toBeUndefined();
  });
});

describe('buyers', () => {
  it('a buyer named only by name gets a customer id made of its name; spelling variants land on the same one', () => {
    expect(nameCustomerId('Harbour Tools Ltd')).toBe('name-harbour-tools-ltd');
    expect(nameCustomerId('ACME S.r.l.')).toBe(nameCustomerId('Acme  srl'));
    expect(nameCustomerId('Società Caffè')).toBe('name-societa-caffe');
    expect(customerIdForBuyer({ name: 'Harbour Tools Ltd', taxIds: [], nameOnly: true })).toBe('name-harbour-tools-ltd');
    expect(customerIdForBuyer({ vatId: 'IT02345678901', name: 'Bianchi', taxIds: ['IT02345678901'] })).toBe('IT02345678901');
  });

  it('its invoice waits for a person to confirm the customer, even when the document gave an e-mail', () => {
    const buyer = { name: 'Harbour Tools Ltd', country: 'GB', taxIds: [], email: 'accounts@harbour-tools.example', nameOnly: true as const };
    const c = newCustomer('t1', 'name-harbour-tools-ltd', buyer, defaults);
    expect(c).toMatchObject({ email: 'accounts@harbour-tools.example', country: 'GB', language: 'en', timeZone: 'Europe/London' });
    expect(invoiceFromRecord(record({ format: 'ubl', buyer }), c, ctx)).toMatchObject({ status: 'open', needsContact: true });
  });

  it('a new customer keeps the PEC as a PEC (not its e-mail), and the language, phone and address the document gave', () => {
    const c = newCustomer('t1', 'IT03456789012', { name: 'Neri', vatId: 'IT03456789012', taxIds: ['IT03456789012'], pec: 'neri@pec.example', language: 'ro', phone: '+40722123456', address: 'Via Garibaldi 9, Torino' }, defaults);
    expect(c).toMatchObject({ pec: 'neri@pec.example', language: 'ro', phone: '+40722123456', address: 'Via Garibaldi 9, Torino' });
    expect(c.email).toBeUndefined();
    // A phone the reader could not make E.164 is left out rather than refusing the customer.
    expect(newCustomer('t1', 'X', { name: 'X', taxIds: [], phone: '0044 12' }, defaults).phone).toBeUndefined();
  });
});

describe('a re-upload after a credit note', () => {
  const original = invoiceFromRecord(record(), customer(), ctx);
  const credited = applyCreditNote(original, { creditNoteId: 'inv_cn', creditNoteNumber: 'NC-1', amount: 2_200, date: '2026-01-18', currency: 'EUR' }, commandCtx).invoice;

  it('the invoice as issued is the same invoice: nothing changes, the credit note is not undone', () => {
    expect(decide(credited, original, ctx)).toEqual({ action: 'unchanged' });
  });

  it('a corrected invoice supersedes it net of the credit note, which stays', () => {
    const corrected = invoiceFromRecord(record({ amount: 150_00 }), customer(), ctx);
    const d = decide(credited, corrected, ctx);
    expect(d.action).toBe('supersede');
    if (d.action !== 'supersede') return;
    expect([d.invoice.amount, d.invoice.status, d.invoice.creditNotes?.length]).toEqual([128_00, 'open', 1]);
  });

  it('an invoice credited in full stays not chased when its original comes again', () => {
    const cancelled = applyCreditNote(original, { creditNoteId: 'inv_cn', creditNoteNumber: 'NC-1', amount: 122_00, date: '2026-01-18', currency: 'EUR' }, commandCtx).invoice;
    expect(cancelled.status).toBe('not_chased');
    expect(decide(cancelled, original, ctx)).toEqual({ action: 'unchanged' });
  });
});
