import { describe, expect, it } from 'vitest';
import { decide, invoiceFromRecord, type IngestContext } from '../../../lambdas/domain/ingest/rules.js';
import { generatedPaymentReference } from '../../../lambdas/domain/ingest/payment-reference.js';
import { isMalformedCreditorReference, isValidCreditorReference, structuredReference } from '../../../lambdas/domain/money/creditor-reference.js';
import { Customer } from '../../../lambdas/domain/model.js';
import type { ParsedInvoice } from '../../../lambdas/domain/parsers/types.js';

const ctx: IngestContext = { tenantId: 't1', now: new Date('2026-01-12T08:00:00Z'), sourceKey: 'invoices/jan.csv' };
const customer = Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Alfa', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'a@alfa.example' });
const record = (over: Partial<ParsedInvoice> = {}): ParsedInvoice => ({
  format: 'csv',
  documentKind: 'invoice',
  number: '2025/0405',
  customerId: 'C-1',
  issueDate: '2025-12-17',
  dueDate: '2026-01-16',
  currency: 'EUR',
  amount: 98_040,
  row: 2,
  ...over,
});

describe('the payment reference at ingest', () => {
  it('gives a record without one a valid RF made from its number', () => {
    const inv = invoiceFromRecord(record(), customer, ctx);
    // 2025/0405 -> body 20250405, check digits 36 (mod 97, ISO 11649).
    expect(inv.paymentReference).toBe('RF3620250405');
    expect(isValidCreditorReference(inv.paymentReference!)).toBe(true);
  });

  it('keeps the company reference as given, a malformed RF too', () => {
    expect(invoiceFromRecord(record({ paymentReference: 'OR-TVE-118' }), customer, ctx).paymentReference).toBe('OR-TVE-118');
    const bad = invoiceFromRecord(record({ paymentReference: 'RF18 2025 0405' }), customer, ctx);
    expect(bad.paymentReference).toBe('RF18 2025 0405');
    expect(isMalformedCreditorReference(bad.paymentReference!)).toBe(true);
    expect(structuredReference(bad.paymentReference)).toBeUndefined();
    expect(structuredReference('rf36 2025 0405')).toBe('RF3620250405');
    expect(isMalformedCreditorReference('OR-TVE-118')).toBe(false);
  });

  it('tells instalments apart, and falls back to the id for a number too long for 21 characters', () => {
    const a = generatedPaymentReference({ number: '2026/1', invoiceId: 'inv_a', instalment: { index: 1, count: 2 } });
    const b = generatedPaymentReference({ number: '2026/1', invoiceId: 'inv_b', instalment: { index: 2, count: 2 } });
    expect(a).not.toBe(b);
    const long = generatedPaymentReference({ number: 'FATTURA-2026-000000000000012345', invoiceId: 'inv_0123456789abcdef0123456789abcdef' });
    expect(long.slice(4)).toBe('0123456789ABCDEF01234');
    for (const r of [a, b, long]) expect(isValidCreditorReference(r), r).toBe(true);
  });

  it('never lets a made reference replace the company one on a re-upload', () => {
    const stored = invoiceFromRecord(record({ paymentReference: 'OR-405' }), customer, ctx);
    expect(decide(stored, invoiceFromRecord(record(), customer, ctx), ctx)).toEqual({ action: 'unchanged' });
    const corrected = decide(stored, invoiceFromRecord(record({ amount: 90_000 }), customer, ctx), ctx);
    expect(corrected).toMatchObject({ action: 'supersede', invoice: { paymentReference: 'OR-405' } });
    // A stored invoice from before references were made gets one.
    const { paymentReference: _none, ...legacy } = stored;
    expect(decide(legacy, invoiceFromRecord(record(), customer, ctx), ctx)).toMatchObject({ action: 'amend', fields: ['paymentReference'], invoice: { paymentReference: 'RF3620250405' } });
  });
});
