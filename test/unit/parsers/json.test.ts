import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fromDisk, fromText, invoices } from './read.js';

describe('JSON invoices', () => {
  it('reads one invoice object', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'invoice-single.json')));
    expect(out.ok).toEqual([
      expect.objectContaining({ row: 1, number: 'S-1', customerId: 'C-ALFA', amount: 9990, currency: 'EUR', dueDate: '2026-02-04', paymentReference: 'RF18 S-1' }),
    ]);
  });

  it('reads an array; a non-object item is rejected, a credit note is kept as such, amounts may be numbers', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'invoices-array.json')));
    expect(out.ok.map((i) => [i.row, i.number, i.amount, i.currency, i.documentKind])).toEqual([
      [1, 'A-1', 1000, 'EUR', 'invoice'],
      [2, 'A-2', 20, 'JPY', 'invoice'],
      [4, 'A-3', 3000, 'EUR', 'credit_note'],
    ]);
    expect(out.ok[2]!.buyer?.taxIds).toContain('IT02345678901');
    expect(out.rejections).toEqual([expect.objectContaining({ row: 3, field: 'row', reason: 'expected an invoice object' })]);
  });

  it('reads NDJSON line by line: bad lines rejected with their line number, Italian keys understood', async () => {
    const out = await invoices(fromDisk(join(FIXTURES, 'invoices.ndjson')));
    expect(out.ok.map((i) => [i.row, i.number, i.amount])).toEqual([
      [1, 'N-1', 10_000],
      [2, 'N-2', 25_050],
      [6, 'N-4', 100_000],
    ]);
    expect(out.rejections.map((r) => [r.row, r.field])).toEqual([
      [3, 'amount'],
      [4, 'row'],
    ]);
    expect(out.rejections[1]!.reason).toMatch(/not valid JSON/);
  });

  it('accepts { "invoices": [...] } and tells a truncated document apart', async () => {
    const ok = await invoices(fromText('invoices/wrapped.json', '{"invoices":[{"number":"W-1","customerId":"C","issueDate":"2026-01-01","amount":"1","currency":"EUR"}]}'));
    expect(ok.ok.map((i) => i.number)).toEqual(['W-1']);
    const cut = await invoices(fromText('invoices/cut.json', '[{"number":"W-1","customerId":"C","issueDate":"2026-01-01","amou'));
    expect(cut.fileError?.reason).toMatch(/truncated/);
  });

  it('stops an NDJSON file at a line longer than the record limit', async () => {
    const text = '{"number":"L-1","customerId":"C","issueDate":"2026-01-01","amount":"1","currency":"EUR"}\n' + `{"number":"${'x'.repeat(100_000)}"}\n`;
    const out = await invoices(fromText('invoices/long.ndjson', text));
    expect(out.ok.map((i) => i.number)).toEqual(['L-1']);
    expect(out.fileError?.reason).toMatch(/line 2 is longer than 64 KB/);
  });
});
