/** The sample company's files (local/seed) ingest cleanly: the demo depends on it. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readIncomingFile } from '../../../lambdas/domain/parsers/read-file.js';
import { sdiFileStem } from '../../../lambdas/domain/parsers/sdi-receipts.js';
import { SEED, fromDisk, invoices } from './read.js';

/** SdI notifications sit beside the invoices they are about (IT…_00043_RC_001.xml), as the SdI names them. */
const SDI_RECEIPT_NAME = /_(RC|MC|NS|NE|DT|AT)_\d{3}\.xml$/;

describe('local/seed invoices', () => {
  const all = readdirSync(join(SEED, 'invoices')).filter((f) => !f.startsWith('.'));
  const files = all.filter((f) => !SDI_RECEIPT_NAME.test(f));

  it.each(files)('%s parses without a rejection', async (file) => {
    const out = await invoices(fromDisk(join(SEED, 'invoices', file)));
    expect(out.fileError).toBeUndefined();
    expect(out.rejections).toEqual([]);
    expect(out.ok.length).toBeGreaterThan(0);
  });

  it('the Italian CSV reads its decimal comma and day-first dates', async () => {
    const out = await invoices(fromDisk(join(SEED, 'invoices', '2026-01-fatture-italia.csv')));
    expect(out.ok[0]).toMatchObject({ number: '2025/0412', customerId: 'C-BIANCHI', issueDate: '2025-12-21', dueDate: '2026-01-20', amount: 1_248_000, paymentReference: 'RF41 2025 0412' });
  });

  it('the Romanian JSON keeps each invoice in its currency', async () => {
    const out = await invoices(fromDisk(join(SEED, 'invoices', '2026-01-romania.json')));
    expect(out.ok.map((i) => [i.number, i.currency, i.amount])).toEqual([
      ['2025/0420', 'EUR', 760_000],
      ['2026/0003', 'RON', 1_500_000],
      ['2025/0388', 'EUR', 345_000],
      ['2025/0433', 'RON', 890_000],
    ]);
  });

  it('the UK NDJSON has ten invoices and the FatturaPA names an unknown buyer by VAT', async () => {
    expect((await invoices(fromDisk(join(SEED, 'invoices', '2026-01-uk.ndjson')))).ok).toHaveLength(10);
    const xml = await invoices(fromDisk(join(SEED, 'invoices', 'IT01234567890_00042.xml')));
    expect(xml.ok).toEqual([expect.objectContaining({ number: '2026/0001', amount: 488_000, dueDate: '2026-01-31', buyer: expect.objectContaining({ vatId: 'IT05678901234', name: 'Edilizia Moretti S.r.l.' }) })]);
  });

  it('the SdI delivery receipt names an invoice file of the seed, delivered on the issue day', async () => {
    const receipts = all.filter((f) => SDI_RECEIPT_NAME.test(f));
    expect(receipts).toEqual(['IT01234567890_00043_RC_001.xml']);
    const read = await readIncomingFile(fromDisk(join(SEED, 'invoices', receipts[0]!)));
    if (read.kind !== 'sdiReceipt') throw new Error('not read as an SdI receipt');
    expect(read.receipt).toMatchObject({ type: 'RC', deliveredAt: '2026-01-12T08:05:40.000Z' });
    expect(files.map(sdiFileStem)).toContain(sdiFileStem(read.receipt.fileName));
    const xml = await invoices(fromDisk(join(SEED, 'invoices', 'IT01234567890_00043.xml')));
    expect(xml.ok).toEqual([expect.objectContaining({ number: '2026/0043', issueDate: '2026-01-12', amount: 244_000, dueDate: '2026-02-11', buyer: expect.objectContaining({ vatId: 'IT06789012345' }) })]);
  });
});

describe('local/seed payment references', () => {
  it('every reference shown as RF passes the ISO 11649 check', async () => {
    const { isValidCreditorReference } = await import('../../../lambdas/domain/money/creditor-reference.js');
    const all = readdirSync(join(SEED, 'invoices')).filter((f) => !f.startsWith('.'));
  const files = all.filter((f) => !SDI_RECEIPT_NAME.test(f));
    const refs = (await Promise.all(files.map(async (f) => (await invoices(fromDisk(join(SEED, 'invoices', f)))).ok.map((i) => i.paymentReference)))).flat();
    const rf = refs.filter((r): r is string => r !== undefined && /^RF/i.test(r));
    expect(rf.length).toBeGreaterThan(0);
    for (const r of rf) expect(isValidCreditorReference(r), r).toBe(true);
  });
});
