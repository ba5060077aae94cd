/**
 * A file that repeats an invoice identity (issue 20, item 7): numbers are trimmed, so " =1+1" and
 * "\t=1+1" are one invoice. Only the first record is written; each repeat is a rejection naming
 * both rows, so uploading the file again changes nothing instead of superseding and restarting.
 */
import { describe, expect, it } from 'vitest';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import type { ParsedInvoice } from '../../lambdas/domain/parsers/types.js';
import { fromText } from './parsers/read.js';

const CSV = [
  'Invoice Number,Customer ID,Invoice Date,Due Date,Amount,Currency',
  '" =1+1",C-ALFA,2026-01-05,2026-02-04,100.00,EUR',
  'INV-2,C-ALFA,2026-01-05,2026-02-04,200.00,EUR',
  '"\t=1+1",C-ALFA,2026-01-06,2026-02-05,150.00,EUR',
  '" =1+1",C-BETA,2026-01-06,2026-02-05,150.00,EUR',
  'INV-2,C-ALFA,2026-01-07,2026-02-06,210.00,EUR',
].join('\n');

const depsWriting = (written: ParsedInvoice[]): IngestFileDeps => ({
  tenants: { getTenant: async () => undefined, putTenant: async () => undefined },
  invoiceWriter: () => ({
    ingestInvoices: async (batch: ParsedInvoice[]) => {
      written.push(...batch);
      return { created: batch.length, unchanged: 0, superseded: 0, amended: 0, notChased: 0, needsContact: 0, customersCreated: 0, rejections: [] };
    },
  }) as never,
  customerDirectory: () => {
    throw new Error('not a customer file');
  },
  now: () => new Date('2026-03-01T09:00:00Z'),
  creditNotes: undefined as never,
  count: () => undefined,
});

describe('one invoice identity per file', () => {
  it('writes the first record of an identity and rejects each repeat, naming its row and the first one', async () => {
    const written: ParsedInvoice[] = [];
    const { summary, report } = await ingestFile(depsWriting(written), fromText('invoices/dup.csv', CSV), { tenantId: 't1' });
    expect(written.map((w) => [w.number, w.customerId])).toEqual([
      ['=1+1', 'C-ALFA'],
      ['INV-2', 'C-ALFA'],
      // Another customer's invoice of the same number is another invoice.
      ['=1+1', 'C-BETA'],
    ]);
    expect(summary.rejected).toBe(2);
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 4, field: 'number', reason: expect.stringContaining('row 2') }),
      expect.objectContaining({ row: 6, field: 'number', reason: expect.stringContaining('row 3') }),
    ]);
  });
});
