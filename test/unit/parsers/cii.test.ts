import { describe, expect, it } from 'vitest';
import { BUYER, cii, dated, SELLER } from './cii-fixtures.js';
import { fromText, invoices } from './read.js';

const read = (xml: string, key = 'invoices/RE-2026-0042.xml') => invoices(fromText(key, xml));

describe('UN/CEFACT CII (XRechnung CII, Factur-X / ZUGFeRD XML)', () => {
  it('an invoice: number, kind, dates, amount due, reference and the buyer with its ids and contacts', async () => {
    const out = await read(cii());
    expect(out.rejections).toEqual([]);
    expect(out.fileError).toBeUndefined();
    expect(out.ok).toEqual([
      expect.objectContaining({
        format: 'cii',
        documentKind: 'invoice',
        documentType: 'CII 380',
        number: 'RE-2026-0042',
        issueDate: '2026-03-11',
        dueDate: '2026-04-10',
        currency: 'EUR',
        amount: 122_000,
        paymentReference: 'RE-2026-0042',
      }),
    ]);
    const buyer = out.ok[0]!.buyer!;
    expect(buyer).toMatchObject({
      name: 'Müller & Söhne GmbH',
      country: 'DE',
      vatId: 'DE123456789',
      fiscalCode: '14312345678',
      email: 'buchhaltung@mueller.example',
      phone: '+49891234567',
      address: 'Kundenstraße 15, 80333 München, DE',
    });
    expect(buyer.taxIds).toEqual(expect.arrayContaining(['DE123456789', '14312345678', 'HRB12345', '4000001987658', 'K4711']));
    expect(buyer.nameOnly).toBeUndefined();
    expect(out.ok[0]!.notChased).toBeUndefined();
  });

  it('is picked by its namespace, and by its root name when the sender leaves the namespace out', async () => {
    expect((await read(cii({ noNamespace: true }))).ok.map((i) => i.format)).toEqual(['cii']);
  });

  it('without DuePayableAmount: grand total less prepaid plus rounding; without a grand total: basis plus tax in the invoice currency', async () => {
    const prepaid = await read(cii({ summation: '<ram:GrandTotalAmount>1220.00</ram:GrandTotalAmount><ram:TotalPrepaidAmount>200.00</ram:TotalPrepaidAmount><ram:RoundingAmount>0.01</ram:RoundingAmount>' }));
    expect(prepaid.ok.map((i) => i.amount)).toEqual([102_001]);
    const basis = await read(
      cii({ summation: '<ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount><ram:TaxTotalAmount currencyID="CHF">210.00</ram:TaxTotalAmount><ram:TaxTotalAmount currencyID="EUR">220.00</ram:TaxTotalAmount>' }),
    );
    expect(basis.ok.map((i) => i.amount)).toEqual([122_000]);
    const due = await read(cii({ summation: '<ram:GrandTotalAmount>1220.00</ram:GrandTotalAmount><ram:TotalPrepaidAmount>220.00</ram:TotalPrepaidAmount><ram:DuePayableAmount>1000.00</ram:DuePayableAmount>' }));
    expect(due.ok.map((i) => i.amount)).toEqual([100_000]);
  });

  it('instalments: terms that each carry a PartialPaymentAmount become one record each', async () => {
    const out = await read(
      cii({ terms: [dated('20260410', '<ram:PartialPaymentAmount>610.00</ram:PartialPaymentAmount>'), dated('20260510', '<ram:PartialPaymentAmount>610.00</ram:PartialPaymentAmount>')] }),
    );
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.amount, i.dueDate, i.instalment])).toEqual([
      [61_000, '2026-04-10', { index: 1, count: 2 }],
      [61_000, '2026-05-10', { index: 2, count: 2 }],
    ]);
  });

  it('discount terms (Skonto) without amounts: the latest date is the net due date; no date at all: the customer terms decide', async () => {
    const skonto = await read(cii({ terms: [dated('20260325'), dated('20260410')] }));
    expect(skonto.ok.map((i) => [i.amount, i.dueDate, i.instalment])).toEqual([[122_000, '2026-04-10', undefined]]);
    const none = await read(cii({ terms: ['<ram:Description>30 Tage netto</ram:Description>'] }));
    expect(none.ok.map((i) => i.dueDate)).toEqual([undefined]);
  });

  it('a credit note (381) nets off the invoice its InvoiceReferencedDocument names', async () => {
    const out = await read(
      cii({
        typeCode: '381',
        number: 'GS-2026-7',
        references: '<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>RE-2026-0042</ram:IssuerAssignedID><ram:FormattedIssueDateTime><qdt:DateTimeString format="102">20260311</qdt:DateTimeString></ram:FormattedIssueDateTime></ram:InvoiceReferencedDocument>',
      }),
    );
    expect(out.ok.map((i) => [i.documentKind, i.documentType, i.corrects])).toEqual([['credit_note', 'CII 381', [{ number: 'RE-2026-0042', date: '2026-03-11' }]]]);
  });

  it.each([
    ['384', 'invoice', undefined],
    ['389', 'invoice', undefined],
    ['386', 'invoice', undefined],
    ['261', 'credit_note', undefined],
    ['393', 'invoice', 'CII 393 (factored invoice: the factor collects it): nothing to collect'],
    ['751', 'invoice', 'CII 751 (invoice information for accounting purposes: not a demand for payment): nothing to collect'],
    ['999', 'invoice', 'CII 999 (unknown document type code 999): nothing to collect'],
  ])('TypeCode %s is a %s, chased unless %s', async (code, kind, notChased) => {
    const out = await read(cii({ typeCode: code }));
    expect(out.ok.map((i) => [i.documentKind, i.notChased])).toEqual([[kind, notChased]]);
  });

  it('a buyer that is the seller itself is not chased', async () => {
    const out = await read(cii({ buyer: SELLER }));
    expect(out.ok[0]!.notChased).toMatch(/the buyer is the supplier itself/);
  });

  it('a buyer named by name alone (EN 16931 makes its ids optional) is read, flagged nameOnly, with its e-mail', async () => {
    const out = await read(cii({ buyer: '<ram:Name>Bäckerei Klein</ram:Name><ram:URIUniversalCommunication><ram:URIID schemeID="EM">info@klein.example</ram:URIID></ram:URIUniversalCommunication>' }));
    expect(out.ok[0]!.buyer).toEqual({ name: 'Bäckerei Klein', taxIds: [], email: 'info@klein.example', nameOnly: true });
  });

  it('bad fields: one rejection each, with the element, the value and why', async () => {
    const out = await read(cii({ issue: '20261345', currency: 'EURO', number: '' }));
    expect(out.ok).toEqual([]);
    expect(out.rejections.map((r) => [r.field, r.value, r.reason])).toEqual([
      ['ID', undefined, 'required: the invoice number'],
      ['IssueDateTime', '20261345', 'no such calendar date'],
      ['InvoiceCurrencyCode', 'EURO', 'not an ISO 4217 currency code'],
    ]);
    expect(out.rejections[1]!.element).toBe('CrossIndustryInvoice/ExchangedDocument/IssueDateTime');
  });

  it('a due date before the issue date, a non-calendar date format and a bad amount are refused with their reason', async () => {
    const out = await read(
      cii({ terms: ['<ram:DueDateDateTime><udt:DateTimeString format="610">202604</udt:DateTimeString></ram:DueDateDateTime>', dated('20260301')], summation: '<ram:DuePayableAmount>12,20,0</ram:DuePayableAmount>' }),
    );
    expect(out.rejections.map((r) => r.field)).toEqual(['DuePayableAmount', 'DueDateDateTime', 'DueDateDateTime']);
    expect(out.rejections[1]!.reason).toMatch(/format 610 is not a calendar day/);
    expect(out.rejections[2]!.reason).toBe('before the issue date 2026-03-11');
  });

  it('no buyer or no seller: the file is refused with the element missing', async () => {
    expect((await read(cii({ buyer: '' }))).fileError?.reason).toMatch(/BuyerTradeParty/);
    expect((await read(cii({ seller: '' }))).fileError?.reason).toMatch(/SellerTradeParty/);
    expect((await read(cii({ buyer: '<ram:PostalTradeAddress><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>' }))).rejections[0]!.reason).toMatch(/neither an identifier/);
  });

  it('ZUGFeRD 1.0 (CrossIndustryDocument) is refused with what to send instead', async () => {
    const out = await read('<?xml version="1.0"?><rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"><rsm:HeaderExchangedDocument/></rsm:CrossIndustryDocument>');
    expect(out.fileError?.reason).toMatch(/ZUGFeRD 1\.0.*ZUGFeRD 2 \/ Factur-X/);
  });

  it('keeps BUYER and SELLER fixtures apart (sanity)', () => {
    expect(BUYER).not.toContain('IT01234567890');
  });
});
