import { describe, expect, it } from 'vitest';
import { decodeKey, kindOf, readsCsvMapping, reportKey } from '../../lambdas/domain/ingest/document-keys.js';
import { RejectionReport } from '../../lambdas/domain/ingest/rejection-report.js';
import { mappingForDataFile, parseJsonFile, readTenantFile } from '../../lambdas/domain/ingest/settings-files.js';
import { FileRejected, LIMITS } from '../../lambdas/domain/parsers/types.js';

describe('document keys', () => {
  it('route by prefix and by the two settings keys', () => {
    expect(['invoices/a.csv', 'customers/b.json', 'config/tenant.json', 'config/csv-mapping.json', 'config/other.json', 'rejected/x'].map(kindOf)).toEqual([
      'invoices', 'customers', 'tenant', 'mapping', 'ignored', 'ignored',
    ]);
  });
  it('read the CSV mapping for every data file but XML invoices', () => {
    expect([readsCsvMapping('invoices/a.csv'), readsCsvMapping('invoices/b.XML'), readsCsvMapping('customers/c.xml'), readsCsvMapping('config/tenant.json')]).toEqual([true, false, true, false]);
  });
  it('decode S3 event keys and name the report next to the file', () => {
    expect(decodeKey('invoices/fatture+gennaio%202026.csv')).toBe('invoices/fatture gennaio 2026.csv');
    expect(reportKey('invoices/a.csv')).toBe('rejected/invoices/a.csv.errors.json');
  });
});

describe('the rejection report', () => {
  it('counts every rejection, lists the first ones, and says how many are not listed', () => {
    const r = new RejectionReport();
    for (let i = 0; i < LIMITS.maxReportedErrors + 2; i++) r.add({ row: i + 2, field: 'amount', reason: 'not a number' });
    r.fileError(new FileRejected('too big'));
    expect(r.total).toBe(LIMITS.maxReportedErrors + 3);
    expect(r.errors).toHaveLength(LIMITS.maxReportedErrors);
    expect(JSON.parse(r.document('invoices/a.csv'))).toMatchObject({ file: 'invoices/a.csv', errorsNotListed: 3 });
  });
});

describe('settings files', () => {
  it('a tenant file may leave out its tenant id, never name another one', () => {
    expect(readTenantFile({ tenantId: 'other' }, 'acme')).toEqual({ ok: false, rejections: [{ field: 'tenantId', value: 'other', reason: 'this deployment serves tenant "acme"' }] });
    const r = readTenantFile({ name: 'Acme' }, 'acme');
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.rejections.map((x) => x.field)).not.toContain('tenantId');
  });
  it('JSON with a BOM is read; anything else rejects the file', () => {
    expect(parseJsonFile('\uFEFF{"a":1}')).toEqual({ a: 1 });
    expect(() => parseJsonFile('{')).toThrow(FileRejected);
  });
  it('an invalid mapping rejects the data file, naming the mapping to fix', () => {
    expect(() => mappingForDataFile({ invoices: 42 }, 'config/csv-mapping.json')).toThrow(/config\/csv-mapping.json is not valid/);
  });
});
