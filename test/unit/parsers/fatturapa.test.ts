import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE, FIXTURES, fromDisk, fromText, invoices } from './read.js';

const sample = (name: string) => fromDisk(join(CONFORMANCE, 'fatturapa', name));

describe('FatturaPA (conformance samples from italia/fatturapa-testsdi)', () => {
  it('FPR01: one body, bank transfer, due date; the buyer known by codice fiscale', async () => {
    const out = await invoices(sample('IT01234567890_FPR01.xml'));
    expect(out.rejections).toEqual([]);
    expect(out.ok).toHaveLength(1);
    const inv = out.ok[0]!;
    expect([inv.number, inv.issueDate, inv.dueDate, inv.amount, inv.currency, inv.documentKind]).toEqual(['123', '2014-12-18', '2015-01-30', 610, 'EUR', 'invoice']);
    expect(inv.buyer?.fiscalCode).toBe('09876543210');
    // A company's codice fiscale is its VAT number: both are looked up.
    expect(inv.buyer?.taxIds).toEqual(['09876543210', 'IT09876543210']);
  });

  it('FPR02: one body with other payment terms', async () => {
    const out = await invoices(sample('IT01234567890_FPR02.xml'));
    expect(out.ok.map((i) => [i.number, i.dueDate, i.amount])).toEqual([['123', '2015-01-30', 3050]]);
  });

  it('FPR03: one file with two invoices, each with its own due date', async () => {
    const out = await invoices(sample('IT01234567890_FPR03.xml'));
    expect(out.ok.map((i) => [i.element, i.number, i.issueDate, i.dueDate, i.amount])).toEqual([
      ['FatturaElettronicaBody[1]', '123', '2014-12-18', '2015-01-30', 3295],
      ['FatturaElettronicaBody[2]', '456', '2014-12-20', '2015-01-28', 244_000],
    ]);
  });

  it('missing_CedentePrestatore: the whole file is rejected, naming the supplier block', async () => {
    const out = await invoices(sample('missing_CedentePrestatore.xml'));
    expect(out.ok).toEqual([]);
    expect(out.fileError?.reason).toMatch(/supplier block \(CedentePrestatore\) is missing/);
    expect(out.fileError?.at.element).toBe('FatturaElettronicaHeader/CedentePrestatore');
  });
});

describe('FatturaPA variants', () => {
  // FPR01 as older accounting software writes it: a legacy encoding declared, accented names in it.
  const legacy = (encoding: string, buyer: string, bytes: (xml: string) => Uint8Array) => {
    const xml = readFileSync(join(CONFORMANCE, 'fatturapa/IT01234567890_FPR01.xml'), 'utf8')
      .replace('encoding="UTF-8"', `encoding="${encoding}"`)
      .replace('<Denominazione>DITTA BETA</Denominazione>', `<Denominazione>${buyer}</Denominazione>`);
    return fromText('invoices/IT01234567890_FPR01.xml', bytes(xml));
  };

  it('reads a file in the encoding it declares: ISO-8859-1 and Windows-1252 names come out whole', async () => {
    const latin1 = await invoices(legacy('ISO-8859-1', 'Società Beta di Niccolò Caffè', (x) => Buffer.from(x, 'latin1')));
    expect(latin1.fileError).toBeUndefined();
    expect(latin1.ok.map((i) => [i.number, i.amount, i.buyer?.name])).toEqual([['123', 610, 'Società Beta di Niccolò Caffè']]);
    // 0x80 is the euro sign in Windows-1252 (and in what the web calls ISO-8859-1).
    const cp1252 = await invoices(legacy('windows-1252', 'Beta € Figli', (x) => Buffer.from(x.replace('€', '\x80'), 'latin1')));
    expect(cp1252.ok.map((i) => i.buyer?.name)).toEqual(['Beta € Figli']);
  });

  it('refuses an encoding it cannot read, naming it; Latin-1 bytes in a file that says UTF-8 stay refused', async () => {
    const unknown = await invoices(legacy('x-mac-klingon', 'DITTA BETA', (x) => new TextEncoder().encode(x)));
    expect(unknown.ok).toEqual([]);
    expect(unknown.fileError?.reason).toMatch(/declares encoding "x-mac-klingon", which cannot be read: save it as UTF-8/);
    const mislabelled = await invoices(legacy('UTF-8', 'Società Beta', (x) => Buffer.from(x, 'latin1')));
    expect(mislabelled.fileError?.reason).toMatch(/not UTF-8/);
  });

  it('one record per instalment (DettaglioPagamento), each with its due date and amount; ns2: prefix and &amp; read', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'fatturapa-instalments.xml')));
    expect(out.ok.map((i) => [i.number, i.instalment, i.dueDate, i.amount])).toEqual([
      ['2026/0100', { index: 1, count: 3 }, '2026-02-10', 122_000],
      ['2026/0100', { index: 2, count: 3 }, '2026-03-10', 122_000],
      ['2026/0100', { index: 3, count: 3 }, '2026-04-10', 122_000],
    ]);
    expect(out.ok[0]!.buyer).toMatchObject({ name: 'Bianchi & Figli S.p.A.', vatId: 'IT02345678901', country: 'IT' });
  });

  it('TD04 without a namespace prefix is a credit note', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'fatturapa-credit-note.xml')));
    expect(out.ok.map((i) => [i.number, i.documentKind, i.documentType, i.amount])).toEqual([['NC-5', 'credit_note', 'TD04', 12_200]]);
  });

  it('without ImportoPagamento: total minus ritenuta, due date from the reference date plus the days of terms', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'fatturapa-ritenuta.xml')));
    // 1220.00 total, 200.00 withheld for the tax office: 1020.00 is owed to us; 2026-01-15 + 60 days.
    expect(out.ok.map((i) => [i.number, i.amount, i.dueDate, i.buyer?.name])).toEqual([['P-9', 102_000, '2026-03-16', 'Luca Verdi']]);
  });

  it('rejects a body with a bad field and keeps the other bodies', async () => {
    const xml = (await import('node:fs')).readFileSync(join(CONFORMANCE, 'fatturapa', 'IT01234567890_FPR03.xml'), 'utf8').replace('<Data>2014-12-20</Data>', '<Data>20/13/2014</Data>');
    const out = await invoices(fromText('invoices/bad-body.xml', xml));
    expect(out.ok.map((i) => i.number)).toEqual(['123']);
    expect(out.rejections).toEqual([
      expect.objectContaining({ element: 'FatturaElettronicaBody[2]/DatiGenerali/DatiGeneraliDocumento/Data', field: 'Data', value: '20/13/2014' }),
    ]);
  });
});
