import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE, fromDisk, invoices } from './read.js';

const sample = (name: string) => fromDisk(join(CONFORMANCE, 'ubl', name));

describe('UBL / Peppol BIS 3 (conformance samples from OpenPEPPOL)', () => {
  it('base-example: an Invoice with DueDate, PayableAmount, payment id and the buyer contact e-mail', async () => {
    const out = await invoices(sample('base-example.xml'));
    expect(out.rejections).toEqual([]);
    expect(out.ok).toEqual([
      expect.objectContaining({
        format: 'ubl',
        documentKind: 'invoice',
        number: 'Snippet1',
        issueDate: '2017-11-13',
        dueDate: '2017-12-01',
        currency: 'EUR',
        amount: 165_625,
        paymentReference: 'Snippet1',
      }),
    ]);
    expect(out.ok[0]!.buyer).toMatchObject({ name: 'Buyer Official Name', country: 'SE', vatId: 'SE4598375937', email: 'lj@buyer.se' });
  });

  it('base-creditnote-correction: a CreditNote is a credit note', async () => {
    const out = await invoices(sample('base-creditnote-correction.xml'));
    expect(out.ok.map((i) => [i.documentKind, i.documentType])).toEqual([['credit_note', 'CreditNote 381']]);
  });

  it('base-negative-inv-correction: the negative payable amount is kept as such', async () => {
    const out = await invoices(sample('base-negative-inv-correction.xml'));
    expect(out.ok.map((i) => [i.number, i.documentKind, i.amount])).toEqual([['Correction1', 'invoice', -165_625]]);
  });

  it('vat-category-Z: zero-rated, no DueDate, the buyer known only by its endpoint id', async () => {
    const out = await invoices(sample('vat-category-Z.xml'));
    expect(out.ok.map((i) => [i.number, i.currency, i.amount, i.dueDate])).toEqual([['Vat-Z', 'GBP', 120_000, undefined]]);
    expect(out.ok[0]!.buyer).toMatchObject({ name: 'The Buyercompany', country: 'DK', taxIds: ['12345678'] });
  });

  it('Allowance-example: the payable amount is after allowances, charges and the prepaid amount', async () => {
    const out = await invoices(sample('Allowance-example.xml'));
    expect(out.ok.map((i) => [i.number, i.amount])).toEqual([['Snippet1', 612_500]]);
  });
});
