import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { detectDelimiter } from '../../../lambdas/domain/parsers/csv.js';
import { CsvMappingConfig } from '../../../lambdas/domain/parsers/columns.js';
import { FIXTURES, fromDisk, fromText, invoices } from './read.js';

const fixture = (name: string) => fromDisk(join(FIXTURES, name));

describe('CSV invoices', () => {
  it('reads an English export: comma delimiter, ISO dates, thousands in quotes', async () => {
    const out = await invoices(fixture('invoices-en.csv'));
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.row, i.number, i.customerId, i.issueDate, i.dueDate, i.amount, i.currency])).toEqual([
      [2, 'INV-1001', 'C-ALFA', '2026-01-05', '2026-02-04', 123_456, 'EUR'],
      [3, 'INV-1002', 'C-ALFA', '2026-01-06', '2026-02-05', 98_000, 'EUR'],
      [4, 'INV-1003', 'C-BETA', '2026-01-07', '2026-02-06', 1_200_000, 'GBP'],
    ]);
    expect(out.ok[0]!.paymentReference).toBe('RF01 1001');
    expect(out.ok[1]!.paymentReference).toBeUndefined();
  });

  it('reads an Italian export: BOM, ";", CRLF, "Numero fattura"/"Data scadenza"/"Importo", decimal comma, dd/mm/yyyy', async () => {
    const out = await invoices(fixture('invoices-it-bom.csv'));
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.number, i.issueDate, i.dueDate, i.amount])).toEqual([
      ['2026/0001', '2026-01-05', '2026-02-04', 123_456],
      ['2026/0002', '2026-01-06', '2026-02-05', 98_000],
      ['2026/0003', '2026-01-07', '2026-02-06', 1_200_000],
    ]);
  });

  it('detects a tab delimiter', async () => {
    const out = await invoices(fixture('invoices-tab.csv'));
    expect(out.ok.map((i) => [i.number, i.amount, i.currency])).toEqual([
      ['T-1', 10_050, 'RON'],
      ['T-2', 750, 'RON'],
    ]);
    expect(detectDelimiter('a,b;c;d\n1,2')).toBe(';');
    expect(detectDelimiter('"a;b",c,d\n')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
  });

  it('follows a custom header mapping with its decimal mark and default currency', async () => {
    const mapping = CsvMappingConfig.parse(JSON.parse(readFileSync(join(FIXTURES, 'csv-mapping.json'), 'utf8')));
    const without = await invoices(fixture('invoices-custom-headers.csv'));
    expect(without.ok).toEqual([]);
    expect(without.fileError?.reason).toMatch(/the header does not name number .*config\/csv-mapping\.json/);
    const out = await invoices(fixture('invoices-custom-headers.csv'), { mapping });
    expect(out.rejections).toEqual([]);
    expect(out.ok.map((i) => [i.number, i.customerId, i.dueDate, i.amount, i.currency])).toEqual([
      ['A-77', 'C-ALFA', '2026-02-04', 150_000, 'EUR'],
      ['A-78', 'C-BETA', undefined, 25_000, 'EUR'],
    ]);
  });

  it('rejects bad rows with row, field, value and reason, and keeps the good ones', async () => {
    const out = await invoices(fixture('invoices-bad-rows.csv'));
    expect(out.ok.map((i) => i.number)).toEqual(['OK-1', 'OK-2']);
    expect(out.rejections.map((r) => [r.row, r.field, r.value])).toEqual([
      [3, 'number', undefined],
      [4, 'issueDate', '31/02/2026'],
      [5, 'amount', 'dieci euro'],
      [6, 'currency', 'EURO'],
      [7, 'dueDate', '01/01/2026'],
      [8, 'amount', '100,123'],
      [9, 'row', undefined],
    ]);
    for (const r of out.rejections) expect(r.reason.length).toBeGreaterThan(5);
    expect(out.rejections[6]!.reason).toMatch(/7 columns where the header has 6/);
  });

  it('names a customer by VAT number when the file has no customer code', async () => {
    const out = await invoices(fromText('invoices/vat.csv', 'Invoice number,VAT number,Date,Amount,Currency\nV-1,IT 023.456.789-01,2026-01-05,10.00,EUR\n'));
    expect(out.ok[0]!.customerId).toBeUndefined();
    expect(out.ok[0]!.buyer?.taxIds).toContain('IT02345678901');
    expect(out.ok[0]!.dueDate).toBeUndefined();
  });

  it('recognises credit notes by their document type', async () => {
    const out = await invoices(fromText('invoices/cn.csv', 'Numero;Codice cliente;Data;Importo;Valuta;Tipo documento\nNC-1;C-ALFA;05/01/2026;10,00;EUR;Nota di credito\nF-1;C-ALFA;05/01/2026;10,00;EUR;Fattura\n'));
    expect(out.ok.map((i) => i.documentKind)).toEqual(['credit_note', 'invoice']);
  });

  it('rejects a row holding invalid UTF-8 far into an otherwise UTF-8 file, and only that row', async () => {
    const header = 'Invoice number,Customer code,Date,Amount,Currency\n';
    const good = Array.from({ length: 3000 }, (_, i) => `G-${i},C-ALFA,2026-01-05,1.00,EUR\n`).join('');
    const bytes = Buffer.concat([Buffer.from(header + good), Buffer.from('B-1,Soci'), Buffer.from([0xe0]), Buffer.from(',2026-01-05,1.00,EUR\nG-LAST,C-ALFA,2026-01-05,1.00,EUR\n')]);
    const out = await invoices(fromText('invoices/late-latin1.csv', bytes));
    expect(out.ok).toHaveLength(3001);
    expect(out.rejections).toEqual([expect.objectContaining({ row: 3002, field: 'customerId', reason: expect.stringMatching(/UTF-8/) })]);
  });

  it('never crashes on arbitrary text: every record is accepted or rejected with a reason (property)', async () => {
    const cell = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('"', '""', ';', ',', '\t', '\n', '\r\n', '12,50', '2026-01-05', '€', '\u0000'));
    const row = fc.array(cell, { maxLength: 8 }).map((cells) => cells.join(fc.sample(fc.constantFrom(',', ';', '\t'), 1)[0]));
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.boolean(), async (rows, withHeader) => {
        const text = (withHeader ? 'Numero fattura;Codice cliente;Data fattura;Importo;Valuta\n' : '') + rows.join('\n');
        const out = await invoices(fromText('invoices/fuzz.csv', text));
        if (out.fileError) expect(out.fileError.reason.length).toBeGreaterThan(5);
        for (const r of out.rejections) {
          expect(r.reason.length).toBeGreaterThan(3);
          expect(typeof r.field).toBe('string');
        }
        for (const i of out.ok) {
          expect(Number.isSafeInteger(i.amount)).toBe(true);
          expect(i.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      }),
      { numRuns: 150 },
    );
  });
});
