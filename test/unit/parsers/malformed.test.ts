/** Files that must be turned away whole, quickly, without reading (or expanding) them. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fromDisk, fromText, invoices } from './read.js';
import type { SourceFile } from '../../../lambdas/domain/parsers/read-file.js';

/** A stream of `total` bytes of `fill` that counts how much was read. */
const endless = (key: string, total: number, fill: (i: number) => Uint8Array): SourceFile & { read: () => number } => {
  let read = 0;
  async function* body() {
    for (let i = 0; read < total; i++) {
      const chunk = fill(i);
      read += chunk.byteLength;
      yield chunk;
    }
  }
  return { key, size: total, body: body(), read: () => read };
};

const MB = 1024 * 1024;

describe('malformed files', () => {
  it('an XML bomb is refused before any entity is expanded', async () => {
    const started = Date.now();
    const out = await invoices(fromDisk(join(FIXTURES, 'xml-bomb.xml')));
    expect(out.fileError?.reason).toMatch(/DOCTYPE or entities/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('truncated XML says where it stops', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'truncated.xml')));
    expect(out.fileError?.reason).toMatch(/^the XML is truncated: it ends inside <p:FatturaElettronica>\/<FatturaElettronicaBody>/);
  });

  it('a .xml that is not XML, and XML that is neither FatturaPA nor UBL', async () => {
    expect((await invoices(fromDisk(join(FIXTURES, 'not-xml.xml')))).fileError?.reason).toBe('not XML: the file does not start with "<"');
    expect((await invoices(fromText('invoices/order.xml', '<Order><ID>1</ID></Order>'))).fileError?.reason).toMatch(/<Order> is neither a FatturaPA/);
  });

  it('wrong encodings: Windows-1252 and UTF-16 are named', async () => {
    expect((await invoices(fromDisk(join(FIXTURES, 'latin1.csv')))).fileError?.reason).toMatch(/not UTF-8 .*Windows-1252/);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Numero;Importo\n', 'utf16le')]);
    expect((await invoices(fromText('invoices/u16.csv', utf16))).fileError?.reason).toMatch(/UTF-16/);
  });

  it('spreadsheets, PDFs, archives and broken signed envelopes are named, not parsed', async () => {
    const cases: [string, number[], RegExp][] = [
      ['invoices/export.xlsx', [0x50, 0x4b, 0x03, 0x04, 1, 2], /Excel \(\.xlsx\)/],
      ['invoices/scan.pdf', [0x25, 0x50, 0x44, 0x46, 0x2d], /PDF/],
      ['invoices/a.csv.gz', [0x1f, 0x8b, 8, 0], /gzip/],
      ['invoices/IT01234567890_1.xml.p7m', [0x30, 0x80, 0x06, 0x09], /not a signed envelope \(\.p7m\)/],
      ['invoices/renamed.xml', [0x30, 0x82, 0x01, 0x00, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02], /not a signed envelope \(\.p7m\)/],
      ['invoices/IT01234567890_1.xml.p7s', [0x30, 0x80, 0x06, 0x09], /detached signature/],
    ];
    for (const [key, bytes, reason] of cases) expect((await invoices(fromText(key, new Uint8Array(bytes)))).fileError?.reason, key).toMatch(reason);
  });

  it('200 MB of binary garbage is rejected after reading its first chunks only', async () => {
    const file = endless('invoices/garbage.csv', 200 * MB, (i) => {
      const b = new Uint8Array(64 * 1024);
      for (let j = 0; j < b.length; j++) b[j] = (i * 7919 + j * 104_729) & 0xff;
      return b;
    });
    const started = Date.now();
    const out = await invoices(file);
    expect(out.fileError?.reason).toMatch(/binary data|not UTF-8/);
    expect(file.read()).toBeLessThanOrEqual(128 * 1024);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('200 MB of text without a line break stops at the first record limit', async () => {
    const chunk = new TextEncoder().encode('a'.repeat(64 * 1024));
    const file = endless('invoices/one-line.csv', 200 * MB, () => chunk);
    const out = await invoices(file);
    expect(out.fileError?.reason).toMatch(/longer than 64 KB/);
    expect(file.read()).toBeLessThan(2 * MB);
  });

  it('a CSV with 10,000 columns is refused at its header', async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const started = Date.now();
    const out = await invoices(fromText('invoices/wide.csv', `${header}\n${header}\n`));
    expect(out.fileError?.reason).toMatch(/10000 columns; at most 200/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a CSV row with 10 million columns stops the file at that row', async () => {
    const row = ','.repeat(10_000_000);
    const file = endless('invoices/huge-row.csv', 10_000_000 + 100, (i) => new TextEncoder().encode(i === 0 ? 'Numero;Codice cliente;Data;Importo;Valuta\n' : row.slice(0, 256 * 1024)));
    const out = await invoices(file);
    expect(out.fileError?.reason).toMatch(/row 2 is longer than 64 KB/);
    expect(file.read()).toBeLessThan(3 * MB);
  });

  it('XML and JSON documents over 50 MB are refused from their size alone', async () => {
    const file = endless('invoices/big.xml', 60 * MB, () => new TextEncoder().encode('<'.repeat(1024)));
    const out = await invoices(file);
    expect(out.fileError?.reason).toMatch(/60 MB: XML and JSON documents are read up to 50 MB/);
    expect(file.read()).toBe(0);
  });

  it('an empty file and a CSV without the required columns', async () => {
    expect((await invoices(fromText('invoices/empty.csv', ''))).fileError?.reason).toBe('the file is empty');
    const out = await invoices(fromText('invoices/cols.csv', 'Foo,Bar\n1,2\n'));
    expect(out.fileError?.reason).toMatch(/the header does not name number .* Columns found: "Foo", "Bar"/);
  });
});
