/**
 * Customer ids holding the key separator (issue 20, item 7): `#` separates the parts of the table's
 * keys, so `ACME` and `ACME#EU` would share the call queue's `<customerId>#` prefix. A file row
 * naming such an id is rejected, naming its row and field; the file's other rows go through. An
 * e-invoice's buyer ids are normalised (letters and digits only), so none reaches the table.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { customerIdForBuyer } from '../../lambdas/domain/ingest/rules.js';
import type { DirectoryCustomer } from '../../lambdas/domain/parsers/customers.js';
import type { ParsedInvoice } from '../../lambdas/domain/parsers/types.js';
import { FIXTURES, fromText } from './parsers/read.js';

const deps = (invoices: ParsedInvoice[], customers: DirectoryCustomer[]): IngestFileDeps => ({
  tenants: { getTenant: async () => undefined, putTenant: async () => undefined },
  invoiceWriter: () =>
    ({
      ingestInvoices: async (batch: ParsedInvoice[]) => {
        invoices.push(...batch);
        return { created: batch.length, unchanged: 0, superseded: 0, amended: 0, notChased: 0, needsContact: 0, customersCreated: 0, rejections: [] };
      },
    }) as never,
  customerDirectory: () => ({
    upsertCustomers: async (batch: DirectoryCustomer[]) => {
      customers.push(...batch);
      return { created: batch.length, updated: 0, unchanged: 0, activated: 0, rejections: [] };
    },
  }),
  now: () => new Date('2026-03-01T09:00:00Z'),
  creditNotes: undefined as never,
  count: () => undefined,
});

const ingest = async (key: string, text: string) => {
  const invoices: ParsedInvoice[] = [];
  const customers: DirectoryCustomer[] = [];
  const { summary, report } = await ingestFile(deps(invoices, customers), fromText(key, text), { tenantId: 't1' });
  return { invoices, customers, summary, errors: report.errors };
};

const hashRejection = (row: number) => expect.objectContaining({ row, field: 'customerId', value: 'ACME#EU', reason: expect.stringContaining("cannot contain '#'") });

describe("customer ids holding '#' in files", () => {
  it('an invoice CSV row is rejected naming its row and field; the other rows are written', async () => {
    const csv = ['Invoice Number,Customer ID,Invoice Date,Due Date,Amount,Currency', 'A-1,ACME,2026-01-05,2026-02-04,100.00,EUR', 'A-2,ACME#EU,2026-01-05,2026-02-04,200.00,EUR', 'A-3,ACME-EU,2026-01-05,2026-02-04,300.00,EUR'].join('\n');
    const out = await ingest('invoices/hash.csv', csv);
    expect(out.invoices.map((i) => [i.number, i.customerId])).toEqual([
      ['A-1', 'ACME'],
      ['A-3', 'ACME-EU'],
    ]);
    expect(out.summary).toMatchObject({ records: 3, rejected: 1, fileRejected: false });
    expect(out.errors).toEqual([hashRejection(3)]);
  });

  it('a JSON invoice, flat or with a nested customer object, is rejected the same way', async () => {
    const json = JSON.stringify([
      { number: 'J-1', customerId: 'ACME#EU', issueDate: '2026-01-05', dueDate: '2026-02-04', amount: '1.00', currency: 'EUR' },
      { number: 'J-2', customer: { customerId: 'ACME#EU', name: 'Acme EU' }, issueDate: '2026-01-05', dueDate: '2026-02-04', amount: '1.00', currency: 'EUR' },
      { number: 'J-3', customerId: 'ACME', issueDate: '2026-01-05', dueDate: '2026-02-04', amount: '1.00', currency: 'EUR' },
    ]);
    const out = await ingest('invoices/hash.json', json);
    expect(out.invoices.map((i) => i.number)).toEqual(['J-3']);
    expect(out.errors).toEqual([hashRejection(1), hashRejection(2)]);
  });

  it('a customer-directory row is rejected naming its row and field; the other rows are merged', async () => {
    const csv = ['Customer ID,Name,Email', 'ACME#EU,Acme EU,ap@acme-eu.example', 'ACME,Acme,ap@acme.example'].join('\n');
    const out = await ingest('customers/hash.csv', csv);
    expect(out.customers.map((c) => c.customerId)).toEqual(['ACME']);
    expect(out.errors).toEqual([hashRejection(2)]);
  });

  it("an e-invoice's buyer ids are letters and digits: a '#' in a VAT number or a name never reaches a customer id", async () => {
    const base = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8');
    const withVat = base.replace(
      '<cac:PartyLegalEntity><cbc:RegistrationName>Harbour Tools Ltd',
      '<cac:PartyTaxScheme><cbc:CompanyID>GB#123456789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme><cac:PartyLegalEntity><cbc:RegistrationName>Harbour Tools Ltd',
    );
    const nameOnly = base.replace('Harbour Tools Ltd', 'ACME#EU');
    const ids: string[] = [];
    for (const xml of [withVat, nameOnly]) {
      const out = await ingest('invoices/hash.xml', xml);
      expect(out.errors).toEqual([]);
      ids.push(customerIdForBuyer(out.invoices[0]!.buyer!)!);
    }
    expect(ids).toEqual(['GB123456789', 'name-acme-eu']);
  });
});
