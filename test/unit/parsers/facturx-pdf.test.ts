/**
 * Factur-X / ZUGFeRD PDFs built here with the library the reader uses (@cantoo/pdf-lib): a page
 * and an embedded file, as a PDF/A-3 invoice carries its XML.
 */
import { AFRelationship, PDFDocument, PDFName } from '@cantoo/pdf-lib';
import { facturXPdf } from './pdf-fixtures.js';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cii } from './cii-fixtures.js';
import { fromText, invoices } from './read.js';
import { LIMITS } from '../../../lambdas/domain/parsers/types.js';

const read = (bytes: Uint8Array, key = 'invoices/RE-2026-0042.pdf') => invoices(fromText(key, bytes));

describe('Factur-X / ZUGFeRD PDFs: the invoice is read from the XML they embed', () => {
  it.each(['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml', 'ZUGFeRD-invoice.xml'])('%s', async (name) => {
    const out = await read(await facturXPdf([{ name, xml: cii() }]));
    expect(out.fileError).toBeUndefined();
    expect(out.ok.map((i) => [i.format, i.number, i.amount, i.dueDate])).toEqual([['cii', 'RE-2026-0042', 122_000, '2026-04-10']]);
  });

  it('picks the invoice among other attachments, and a UBL XRechnung embedded as xrechnung.xml is read as UBL', async () => {
    const ubl = `<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>U-1</cbc:ID><cbc:IssueDate>2026-03-11</cbc:IssueDate><cbc:DueDate>2026-04-10</cbc:DueDate><cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Rossi</cbc:Name></cac:PartyName></cac:Party></cac:AccountingSupplierParty><cac:AccountingCustomerParty><cac:Party><cac:PartyTaxScheme><cbc:CompanyID>DE123456789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme></cac:Party></cac:AccountingCustomerParty><cac:LegalMonetaryTotal><cbc:PayableAmount currencyID="EUR">100.00</cbc:PayableAmount></cac:LegalMonetaryTotal></Invoice>`;
    const out = await read(await facturXPdf([{ name: 'terms.txt', xml: 'AGB', relationship: AFRelationship.Supplement }, { name: 'xrechnung.xml', xml: ubl }]));
    expect(out.ok.map((i) => [i.format, i.number, i.amount])).toEqual([['ubl', 'U-1', 10_000]]);
  });

  it('a single XML attachment related as the invoice data is read whatever its name', async () => {
    const out = await read(await facturXPdf([{ name: 'invoice-RE-2026-0042.xml', xml: cii(), relationship: AFRelationship.Data }]));
    expect(out.ok.map((i) => i.number)).toEqual(['RE-2026-0042']);
  });

  it('a PDF without an embedded invoice is refused with that reason (and what it does carry)', async () => {
    const plain = await read(await facturXPdf([]));
    expect(plain.fileError?.reason).toMatch(/^this PDF carries no embedded e-invoice: a Factur-X \/ ZUGFeRD PDF embeds factur-x\.xml/);
    const other = await read(await facturXPdf([{ name: 'photo.jpg', xml: 'not xml', relationship: AFRelationship.Supplement }]));
    expect(other.fileError?.reason).toMatch(/carries photo\.jpg/);
  });

  it('an embedded XML that is no e-invoice, or is broken, is refused with the reason of the XML', async () => {
    expect((await read(await facturXPdf([{ name: 'factur-x.xml', xml: '<?xml version="1.0"?><Order><ID>1</ID></Order>' }]))).fileError?.reason).toMatch(/factur-x\.xml embedded in the PDF: its root element <Order>/);
    expect((await read(await facturXPdf([{ name: 'factur-x.xml', xml: '<rsm:CrossIndustryInvoice><a>' }]))).fileError?.reason).toMatch(/truncated/);
  });

  it('an embedded file that inflates beyond the document limit is refused, not read into memory', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const huge = zlibSync(new Uint8Array(LIMITS.maxDocumentBytes + 1024 * 1024), { level: 9 });
    // A stream whose contents are the pre-compressed bomb, marked FlateDecode.
    const raw = doc.context.stream(huge, { Type: 'EmbeddedFile', Filter: 'FlateDecode' });
    const ref = doc.context.register(raw);
    const spec = doc.context.obj({ Type: 'Filespec', F: 'factur-x.xml', UF: 'factur-x.xml', EF: { F: ref } });
    const specRef = doc.context.register(spec);
    doc.catalog.set(PDFName.of('Names'), doc.context.obj({ EmbeddedFiles: { Names: ['factur-x.xml', specRef] } }));
    const out = await read(await doc.save({ useObjectStreams: false }));
    expect(out.fileError?.reason).toMatch(/larger than 50 MB once decompressed/);
  });

  it('not a PDF inside, or cut short: refused as unreadable, never a crash', async () => {
    const pdf = await facturXPdf([{ name: 'factur-x.xml', xml: cii() }]);
    const cut = await read(pdf.subarray(0, 400));
    expect(cut.ok).toEqual([]);
    expect(cut.fileError).toBeDefined();
    expect((await read(new TextEncoder().encode('%PDF-1.7\n garbage garbage'))).fileError?.reason).toMatch(/PDF/);
  });
});
