/**
 * E-invoices as companies really exchange them (issue 21): split payment, self-issued types, a
 * buyer that is the supplier, character references, dates with a zone, buyers named by name alone,
 * the simplified FatturaPA, contact data, JSON with a nested customer, and the invoices a credit
 * note names. Every fixture here was written for this suite.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDate } from '../../../lambdas/domain/parsers/dates.js';
import { TIPO_DOCUMENTO } from '../../../lambdas/domain/parsers/document-types.js';
import { CONFORMANCE, FIXTURES, fromDisk, fromText, invoices } from './read.js';

/** A one-body FatturaPA with the parts a test changes. */
const fattura = (o: { tipo?: string; buyerVat?: string; buyerCf?: string; buyerName?: string; number?: string; data?: string; due?: string; linked?: string; pec?: string } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2">
  <FatturaElettronicaHeader>
    <DatiTrasmissione><FormatoTrasmissione>FPR12</FormatoTrasmissione><CodiceDestinatario>0000000</CodiceDestinatario>${o.pec ? `<PECDestinatario>${o.pec}</PECDestinatario>` : ''}</DatiTrasmissione>
    <CedentePrestatore><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdFiscaleIVA><CodiceFiscale>01234567890</CodiceFiscale><Anagrafica><Denominazione>Officine Rossi S.r.l.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore>
    <CessionarioCommittente><DatiAnagrafici>${o.buyerVat === '' ? '' : `<IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>${o.buyerVat ?? '02345678901'}</IdCodice></IdFiscaleIVA>`}${o.buyerCf ? `<CodiceFiscale>${o.buyerCf}</CodiceFiscale>` : ''}<Anagrafica><Denominazione>${o.buyerName ?? 'Bianchi S.p.A.'}</Denominazione></Anagrafica></DatiAnagrafici></CessionarioCommittente>
  </FatturaElettronicaHeader>
  <FatturaElettronicaBody>
    <DatiGenerali>
      <DatiGeneraliDocumento><TipoDocumento>${o.tipo ?? 'TD01'}</TipoDocumento><Divisa>EUR</Divisa><Data>${o.data ?? '2026-01-20'}</Data><Numero>${o.number ?? 'FT-1'}</Numero><ImportoTotaleDocumento>122.00</ImportoTotaleDocumento></DatiGeneraliDocumento>
      ${o.linked ? `<DatiFattureCollegate><RiferimentoNumeroLinea>1</RiferimentoNumeroLinea><IdDocumento>${o.linked}</IdDocumento><Data>2026-01-05</Data></DatiFattureCollegate>` : ''}
    </DatiGenerali>
    ${o.due ? `<DatiPagamento><CondizioniPagamento>TP02</CondizioniPagamento><DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>${o.due}</DataScadenzaPagamento><ImportoPagamento>122.00</ImportoPagamento></DettaglioPagamento></DatiPagamento>` : ''}
  </FatturaElettronicaBody>
</p:FatturaElettronica>`;

const read = (xml: string, key = 'invoices/test.xml') => invoices(fromText(key, xml));

describe('split payment (scissione dei pagamenti)', () => {
  it('the VAT of rows with EsigibilitaIVA S is not chased: from the document total, from the summary rows, never twice', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'fatturapa-split-payment.xml')));
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.number, i.amount, i.dueDate ?? null])).toEqual([
      ['PA-17', 100_000, null],
      ['PA-18', 111_000, null],
      ['PA-19', 100_000, '2026-03-06'],
    ]);
    expect(out.ok[0]!.buyer).toMatchObject({ name: 'Comune di Esempio', fiscalCode: '80012345678', address: 'Piazza del Municipio 3, 40100 Bologna (BO), IT' });
  });
});

describe('document types and self-addressed documents', () => {
  it('only the types that create a receivable are chased; the others are stored with the reason', async () => {
    for (const tipo of ['TD01', 'TD02', 'TD03', 'TD05', 'TD06', 'TD24', 'TD25', 'TD26']) {
      const [inv] = (await read(fattura({ tipo }))).ok;
      expect([tipo, inv!.documentKind, inv!.notChased]).toEqual([tipo, 'invoice', undefined]);
    }
    for (const tipo of ['TD16', 'TD17', 'TD18', 'TD19', 'TD20', 'TD21', 'TD22', 'TD23', 'TD27', 'TD28', 'TD29']) {
      const [inv] = (await read(fattura({ tipo }))).ok;
      expect(inv!.notChased, tipo).toBe(`${tipo} (${TIPO_DOCUMENTO[tipo]!.description}) is issued by the company about its own purchase or use: nothing to collect`);
    }
    const [unknown] = (await read(fattura({ tipo: 'TD99' }))).ok;
    expect(unknown!.notChased).toMatch(/^unknown TipoDocumento TD99: not a document type Sollecito knows to create a receivable/);
  });

  it('whatever the type, a buyer with the supplier\'s VAT number or codice fiscale is never chased', async () => {
    const sameVat = (await read(fattura({ buyerVat: '01234567890' }))).ok[0]!;
    expect(sameVat.notChased).toBe('the buyer is the supplier itself (same VAT number or codice fiscale): nothing to collect');
    // An Italian company's codice fiscale is its VAT number: the same company either way.
    const sameCf = (await read(fattura({ tipo: 'TD26', buyerVat: '', buyerCf: '01234567890' }))).ok[0]!;
    expect(sameCf.notChased).toMatch(/supplier itself/);
    expect((await read(fattura({ buyerVat: '02345678901' }))).ok[0]!.notChased).toBeUndefined();
  });

  it('a type written in a CSV column is read the same way', async () => {
    const csv = 'number;customer id;date;amount;currency;tipo documento\nA-1;C-1;2026-01-05;100,00;EUR;TD17\nA-2;C-1;2026-01-05;100,00;EUR;TD01\n';
    const out = await invoices(fromText('invoices/types.csv', csv));
    expect(out.ok.map((i) => [i.number, i.notChased?.slice(0, 4)])).toEqual([
      ['A-1', 'TD17'],
      ['A-2', undefined],
    ]);
  });
});

describe('XML character references', () => {
  it('decimal and hexadecimal references are decoded in FatturaPA and UBL, elements and attributes', async () => {
    const out = await read(fattura({ buyerName: 'REMODELA&#199;&#195;O &#xC7;ENTRO L&#x00E0;' }));
    expect(out.ok[0]!.buyer?.name).toBe('REMODELAÇÃO ÇENTRO Là');
    const ubl = (await invoices(fromDisk(join(CONFORMANCE, 'ubl', 'base-example.xml')))).ok[0]!;
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(join(CONFORMANCE, 'ubl', 'base-example.xml'), 'utf8').replace('Buyer Official Name', 'Acme &#x26; S&#227;o Paulo').replace('currencyID="EUR">1656.25</cbc:PayableAmount>', 'currencyID="&#69;UR">1656.25</cbc:PayableAmount>');
    const decoded = (await read(xml, 'invoices/ubl.xml')).ok[0]!;
    expect([decoded.buyer?.name, decoded.amount]).toEqual(['Acme & São Paulo', ubl.amount]);
  });

  it('a DOCTYPE is still refused, character references or not', async () => {
    const xml = fattura({ buyerName: '&#199;' }).replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "&#199;">]>');
    expect((await read(xml)).fileError?.reason).toMatch(/DOCTYPE or entities/);
  });
});

describe('dates with a time zone', () => {
  it('an XML Schema date with an offset or Z keeps its calendar day', async () => {
    expect(parseDate('2014-12-18+01:00')).toEqual({ ok: true, date: '2014-12-18' });
    expect(parseDate('2014-12-18-05:00')).toEqual({ ok: true, date: '2014-12-18' });
    expect(parseDate('2014-12-31Z')).toEqual({ ok: true, date: '2014-12-31' });
    expect(parseDate('2014-12-18+0100').ok).toBe(false);
    const [inv] = (await read(fattura({ data: '2014-12-18+01:00', due: '2015-01-30Z' }))).ok;
    expect([inv!.issueDate, inv!.dueDate]).toEqual(['2014-12-18', '2015-01-30']);
  });
});

describe('a UBL buyer named only by name', () => {
  it('is read: the e-mail endpoint (scheme EM) is its address, not an identifier; the dates carry a zone', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'ubl-buyer-name-only.xml')));
    expect(out.rejections).toEqual([]);
    expect(out.ok).toEqual([
      expect.objectContaining({ number: 'UK-2026-88', issueDate: '2026-02-05', dueDate: '2026-03-07', currency: 'GBP', amount: 48_000, documentKind: 'invoice' }),
    ]);
    expect(out.ok[0]!.buyer).toEqual({
      name: 'Harbour Tools Ltd',
      country: 'GB',
      taxIds: [],
      email: 'accounts@harbour-tools.example',
      address: '1 Quay Street, BS1 4DJ Bristol, GB',
      nameOnly: true,
    });
  });

  it('Contact/ElectronicMail is the address when there is one; a buyer with neither identifier nor name is refused', async () => {
    const { readFileSync } = await import('node:fs');
    const base = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8');
    const contact = base.replace('<cbc:Name>Jo Smith</cbc:Name>', '<cbc:Name>Jo Smith</cbc:Name><cbc:ElectronicMail>jo@harbour-tools.example</cbc:ElectronicMail>');
    expect((await read(contact, 'invoices/c.xml')).ok[0]!.buyer?.email).toBe('jo@harbour-tools.example');
    const nameless = base.replace('<cbc:RegistrationName>Harbour Tools Ltd</cbc:RegistrationName>', '');
    expect((await read(nameless, 'invoices/n.xml')).rejections).toEqual([expect.objectContaining({ reason: expect.stringMatching(/neither an identifier .* nor a name/) })]);
  });

  it('a UBL invoice whose buyer is the supplier is not chased', async () => {
    const { readFileSync } = await import('node:fs');
    const self = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8').replace(
      '<cac:PartyLegalEntity><cbc:RegistrationName>Harbour Tools Ltd',
      '<cac:PartyTaxScheme><cbc:CompanyID>IT01234567890</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>Harbour Tools Ltd',
    );
    expect((await read(self, 'invoices/self.xml')).ok[0]!.notChased).toMatch(/supplier itself/);
  });
});

describe('the simplified FatturaPA (FSM10)', () => {
  it('TD07 is an invoice for the sum of its lines (VAT included); TD08 is a credit note naming the invoice it corrects', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'fatturapa-semplificata.xml')));
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.element, i.number, i.documentType, i.documentKind, i.issueDate, i.amount, i.dueDate ?? null, i.corrects ?? null])).toEqual([
      ['FatturaElettronicaBody[1]', 'S-31', 'TD07', 'invoice', '2026-02-10', 15_860, null, null],
      ['FatturaElettronicaBody[2]', 'S-32', 'TD08', 'credit_note', '2026-02-12', 3_660, null, [{ number: 'S-31', date: '2026-02-10' }]],
    ]);
    expect(out.ok[0]!.buyer).toMatchObject({
      name: 'Ferramenta Neri & C. s.n.c.',
      vatId: 'IT03456789012',
      country: 'IT',
      pec: 'amministrazione@pec.ferramenta-neri.example',
      address: 'Via Garibaldi 9, 10121 Torino (TO), IT',
    });
    expect(out.ok[0]!.buyer?.email).toBeUndefined();
  });

  it('another versione of the simplified form is refused by name', async () => {
    const { readFileSync } = await import('node:fs');
    const xml = readFileSync(join(FIXTURES, 'fatturapa-semplificata.xml'), 'utf8').replace('versione="FSM10"', 'versione="FSM20"');
    expect((await read(xml)).fileError?.reason).toBe('a simplified FatturaPA of versione FSM20: only FSM10 is read');
  });
});

describe('contact data on the buyer', () => {
  it('FatturaPA PECDestinatario is the buyer\'s PEC, never its ordinary e-mail', async () => {
    const [inv] = (await read(fattura({ pec: 'Bianchi@PEC.example' }))).ok;
    expect(inv!.buyer).toMatchObject({ pec: 'bianchi@pec.example' });
    expect(inv!.buyer?.email).toBeUndefined();
  });
});

describe('JSON invoices with a nested customer', () => {
  it('reads the customer object with the directory\'s names: identifiers, e-mail, PEC, phone, language, address', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'invoices-nested-customer.json')));
    expect(out.ok.map((i) => [i.row, i.number, i.amount, i.currency, i.customerId ?? null])).toEqual([
      [1, 'RO-2026-17', 450_000, 'RON', null],
      [2, 'IT-2026-5', 98_000, 'EUR', null],
    ]);
    expect(out.ok[0]!.buyer).toEqual({
      name: 'Construcții Dobre S.R.L.',
      country: 'RO',
      vatId: 'RO12345678',
      taxIds: ['RO12345678'],
      email: 'facturi@dobre.example',
      phone: '+40722123456',
      language: 'ro',
      address: 'Strada Lipscani 10, București, RO',
    });
    expect(out.ok[1]!.buyer).toMatchObject({ name: 'Studio Gialli', fiscalCode: 'GLLMRA80A01H501U', taxIds: ['GLLMRA80A01H501U'], pec: 'studio.gialli@pec.example', language: 'it' });
    expect(out.rejections).toEqual([expect.objectContaining({ row: 3, field: 'customer.email', value: 'not an address', reason: 'not an e-mail address' })]);
  });

  it('a nested customer code is the customer id; a customer with only a name is read as a name-only buyer', async () => {
    const json = JSON.stringify([
      { number: 'N-1', date: '2026-02-01', amount: 10, currency: 'EUR', customer: { code: 'C-77', name: 'Settanta' } },
      { number: 'N-2', date: '2026-02-01', amount: 10, currency: 'EUR', customer: { name: 'Solo Nome' } },
    ]);
    const out = await invoices(fromText('invoices/nested.json', json));
    expect(out.ok.map((i) => [i.number, i.customerId ?? null, i.buyer?.nameOnly ?? false])).toEqual([
      ['N-1', 'C-77', false],
      ['N-2', null, true],
    ]);
  });
});

describe('the invoices a credit note names', () => {
  it('FatturaPA TD04 DatiFattureCollegate, UBL CreditNote BillingReference, a CSV column', async () => {
    const [td04] = (await read(fattura({ tipo: 'TD04', number: 'NC-1', linked: 'FT-1' }))).ok;
    expect([td04!.documentKind, td04!.corrects]).toEqual(['credit_note', [{ number: 'FT-1', date: '2026-01-05' }]]);
    // An invoice's own DatiFattureCollegate (an advance it settles) names no invoice to credit.
    expect((await read(fattura({ tipo: 'TD01', linked: 'ACC-1' }))).ok[0]!.corrects).toBeUndefined();
    const ubl = (await invoices(fromDisk(join(CONFORMANCE, 'ubl', 'base-creditnote-correction.xml')))).ok[0]!;
    expect([ubl.documentKind, ubl.corrects]).toEqual(['credit_note', [{ number: 'Snippet1' }]]);
    const negative = (await invoices(fromDisk(join(CONFORMANCE, 'ubl', 'base-negative-inv-correction.xml')))).ok[0]!;
    expect([negative.amount, negative.corrects]).toEqual([-165_625, [{ number: 'Snippet1' }]]);
    const csv = 'number;customer id;date;amount;currency;type;original invoice\nNC-9;C-1;2026-01-05;50,00;EUR;NC;FT-7, FT-8\n';
    expect((await invoices(fromText('invoices/cn.csv', csv))).ok[0]!.corrects).toEqual([{ number: 'FT-7' }, { number: 'FT-8' }]);
  });
});
