/**
 * Credit notes net off (issue 15 item 5), end to end on DynamoDB Local: files through ingestFile
 * with the production adapters (invoice writer, customer directory, commands, bank credits). The
 * workflow records stops (no state machine here): netting off never asks for one, the stream does.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { invoiceIdFor } from '../../lambdas/domain/ingest/rules.js';
import { amountDue, originalAmount } from '../../lambdas/domain/model.js';
import type { SourceFile } from '../../lambdas/domain/parsers/read-file.js';
import { cii } from '../unit/parsers/cii-fixtures.js';

await useLocalTable();
const table = tableFromEnv();
const store = dynamoRepositories(table);
const stops: string[] = [];
const workflow: Workflow = { start: async () => ({ executionArn: 'arn', alreadyStarted: false }), stop: async (name) => void stops.push(name) };
const observability = testObservability('credit-notes');
const FIXTURES = join(import.meta.dirname, '../fixtures/ingest');

const deps: IngestFileDeps = {
  tenants: store.tenants,
  invoiceWriter: () => new DynamoInvoiceWriter(table),
  customerDirectory: () => new DynamoCustomerDirectory(table),
  now: () => new Date(),
  count: observability.count,
  creditNotes: { commands: new DynamoCommands(workflow, table), bankCredits: store.bankCredits },
};

const file = (key: string, text: string): SourceFile => {
  const bytes = Buffer.from(text);
  return { key, size: bytes.byteLength, body: (async function* () { yield bytes; })() };
};
const ingest = (t: string, key: string, text: string) => ingestFile(deps, file(key, text), { tenantId: t });

const DIRECTORY = 'customer id,name,vat,email\nC-BIANCHI,Bianchi S.p.A.,IT02345678901,ap@bianchi.example\n';

/** A FatturaPA from Officine Rossi to Bianchi (VAT IT02345678901): an invoice, or a TD04 naming `linked`. */
const fattura = (o: { tipo?: 'TD01' | 'TD04'; number: string; total: string; currency?: string; linked?: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<FatturaElettronica versione="FPR12">
  <FatturaElettronicaHeader>
    <CedentePrestatore><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Officine Rossi S.r.l.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore>
    <CessionarioCommittente><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>02345678901</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Bianchi S.p.A.</Denominazione></Anagrafica></DatiAnagrafici></CessionarioCommittente>
  </FatturaElettronicaHeader>
  <FatturaElettronicaBody>
    <DatiGenerali>
      <DatiGeneraliDocumento><TipoDocumento>${o.tipo ?? 'TD01'}</TipoDocumento><Divisa>${o.currency ?? 'EUR'}</Divisa><Data>2026-02-10</Data><Numero>${o.number}</Numero><ImportoTotaleDocumento>${o.total}</ImportoTotaleDocumento></DatiGeneraliDocumento>
      ${o.linked ? `<DatiFattureCollegate><IdDocumento>${o.linked}</IdDocumento><Data>2026-02-01</Data></DatiFattureCollegate>` : ''}
    </DatiGenerali>
    ${o.tipo === 'TD04' ? '' : '<DatiPagamento><CondizioniPagamento>TP02</CondizioniPagamento><DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-03-12</DataScadenzaPagamento></DettaglioPagamento></DatiPagamento>'}
  </FatturaElettronicaBody>
</FatturaElettronica>`;

const invoice = (t: string, number: string, instalment?: number) => store.invoices.getInvoice(t, invoiceIdFor(t, 'C-BIANCHI', number, 'invoice', instalment));
const creditNote = (t: string, number: string) => store.invoices.getInvoice(t, invoiceIdFor(t, 'C-BIANCHI', number, 'credit_note'));
const rawInvoice = async (t: string, number: string) =>
  (await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.invoice(t, invoiceIdFor(t, 'C-BIANCHI', number)), ConsistentRead: true }))).Item;
const creditNoteEvents = async (t: string, number: string) =>
  (await store.invoices.getInvoiceView(t, invoiceIdFor(t, 'C-BIANCHI', number)))!.events.filter((e) => e.type === 'credit_note');

describe('a credit note that names its invoice', () => {
  const t = 'cn-partial';

  it('lowers the invoice\'s amount due, logs it and bumps run for the stream to re-plan; the credit note is stored, not chased', async () => {
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/FT-1.xml', fattura({ number: 'FT-1', total: '1220.00' }));
    expect(await invoice(t, 'FT-1')).toMatchObject({ status: 'open', amount: 122_000, run: 0, needsContact: false });

    const { summary, report } = await ingest(t, 'invoices/NC-1.xml', fattura({ tipo: 'TD04', number: 'NC-1', total: '200.00', linked: 'FT-1' }));
    expect(summary.creditNotes).toEqual({ netted: 1, settled: 0, customerCredit: 0, unknownInvoice: 0, refused: 0, alreadyApplied: 0 });
    expect([report.total, report.notices]).toEqual([0, []]);
    const inv = (await invoice(t, 'FT-1'))!;
    expect(inv).toMatchObject({ status: 'open', amount: 102_000, run: 1, revision: 1 });
    expect([amountDue(inv), originalAmount(inv)]).toEqual([102_000, 122_000]);
    expect(inv.creditNotes).toEqual([expect.objectContaining({ number: 'NC-1', amount: 20_000, date: '2026-02-10', creditNoteId: invoiceIdFor(t, 'C-BIANCHI', 'NC-1', 'credit_note') })]);
    expect((await creditNoteEvents(t, 'FT-1')).map((e) => [e.actor, e.details?.credited, e.details?.amountDue])).toEqual([['system', 20_000, 102_000]]);
    expect(await creditNote(t, 'NC-1')).toMatchObject({ status: 'not_chased', amount: 20_000, notChasedReason: 'credit note (TD04): nothing to collect' });
    expect(stops).toEqual([]);
  });

  it('the same credit note file again, or the invoice again, nets nothing twice and undoes nothing', async () => {
    const again = await ingest(t, 'invoices/NC-1-again.xml', fattura({ tipo: 'TD04', number: 'NC-1', total: '200.00', linked: 'FT-1' }));
    expect(again.summary.creditNotes).toMatchObject({ netted: 0, alreadyApplied: 1 });
    const reupload = await ingest(t, 'invoices/FT-1-again.xml', fattura({ number: 'FT-1', total: '1220.00' }));
    expect(reupload.summary.invoices).toMatchObject({ unchanged: 1, superseded: 0 });
    expect(await invoice(t, 'FT-1')).toMatchObject({ amount: 102_000, run: 1, revision: 1 });
    expect(await creditNoteEvents(t, 'FT-1')).toHaveLength(1);
  });

  it('a second credit note for all the rest settles it: not chased any more, out of the open index', async () => {
    const { summary } = await ingest(t, 'invoices/NC-2.xml', fattura({ tipo: 'TD04', number: 'NC-2', total: '1020.00', linked: 'FT-1' }));
    expect(summary.creditNotes).toMatchObject({ netted: 1, settled: 1 });
    expect(await invoice(t, 'FT-1')).toMatchObject({ status: 'not_chased', amount: 0, run: 2, notChasedReason: 'credited in full by credit note NC-2: nothing to collect' });
    expect((await rawInvoice(t, 'FT-1'))?.gsi1pk).toBeUndefined();
    expect(await store.bankCredits.customerCredits(t, 'C-BIANCHI')).toEqual([]);
  });
});

describe('credit that is not netted off becomes the customer\'s credit', () => {
  it('more than was due: the invoice is settled and the rest is the customer\'s credit, with a notice next to the file', async () => {
    const t = 'cn-more';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/FT-2.xml', fattura({ number: 'FT-2', total: '100.00' }));
    const { summary, report } = await ingest(t, 'invoices/NC-3.xml', fattura({ tipo: 'TD04', number: 'NC-3', total: '150.00', linked: 'FT-2' }));
    expect(summary.creditNotes).toMatchObject({ netted: 1, settled: 1, customerCredit: 1 });
    expect(await invoice(t, 'FT-2')).toMatchObject({ status: 'not_chased', amount: 0 });
    expect(await store.bankCredits.customerCredits(t, 'C-BIANCHI')).toEqual([
      expect.objectContaining({ creditId: invoiceIdFor(t, 'C-BIANCHI', 'NC-3', 'credit_note'), amount: 5_000, currency: 'EUR', invoiceId: invoiceIdFor(t, 'C-BIANCHI', 'FT-2'), source: { kind: 'creditNote', number: 'NC-3' } }),
    ]);
    expect(report.total).toBe(0);
    expect(report.notices).toEqual([expect.objectContaining({ element: 'FatturaElettronicaBody[1]', field: 'amount', reason: expect.stringMatching(/the other €50\.00 is kept as the customer's credit/) })]);
    expect(JSON.parse(report.document('invoices/NC-3.xml'))).toMatchObject({ errors: [], notices: [expect.objectContaining({ field: 'amount' })] });
  });

  it('before its invoice: kept as the customer\'s credit and said so; when the invoice comes later, the credit stays on the customer', async () => {
    const t = 'cn-early';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    const early = await ingest(t, 'invoices/NC-4.xml', fattura({ tipo: 'TD04', number: 'NC-4', total: '80.00', linked: 'FT-404' }));
    expect(early.summary.creditNotes).toMatchObject({ netted: 0, customerCredit: 1, unknownInvoice: 1 });
    expect(early.report.notices).toEqual([
      expect.objectContaining({ field: 'IdDocumento', value: 'FT-404', reason: expect.stringMatching(/names invoice FT-404, which Sollecito does not have .* its €80\.00 is kept as the customer's credit/) }),
    ]);
    await ingest(t, 'invoices/FT-404.xml', fattura({ number: 'FT-404', total: '300.00' }));
    const late = await ingest(t, 'invoices/NC-4-again.xml', fattura({ tipo: 'TD04', number: 'NC-4', total: '80.00', linked: 'FT-404' }));
    expect(late.summary.creditNotes).toMatchObject({ netted: 0, alreadyApplied: 1, customerCredit: 0 });
    expect(late.report.notices).toEqual([expect.objectContaining({ reason: expect.stringMatching(/was kept as the customer's credit when it first came in/) })]);
    expect(await invoice(t, 'FT-404')).toMatchObject({ amount: 30_000, run: 0 });
    expect((await store.bankCredits.customerCredits(t, 'C-BIANCHI')).map((c) => c.amount)).toEqual([8_000]);
  });

  it('a UBL CreditNote naming no invoice is the customer\'s credit, once however often it comes', async () => {
    const t = 'cn-unlinked';
    const xml = readFileSync(join(import.meta.dirname, '../../../shared/conformance/ubl/base-creditnote-correction.xml'), 'utf8').replace(/<cac:BillingReference>[\s\S]*?<\/cac:BillingReference>/, '');
    const first = await ingest(t, 'invoices/cn.xml', xml);
    expect(first.summary.creditNotes).toMatchObject({ customerCredit: 1, unknownInvoice: 0 });
    expect(first.report.notices).toEqual([]);
    await ingest(t, 'invoices/cn-again.xml', xml);
    expect(await store.bankCredits.customerCredits(t, 'SE4598375937')).toEqual([expect.objectContaining({ amount: 165_625, currency: 'EUR' })]);
    // The customer's log tells the finance team.
    expect((await store.customers.customerLog(t, 'SE4598375937')).filter((e) => e.details?.kind === 'customerCredit')).toHaveLength(1);
  });
});

describe('refusals and instalments', () => {
  it('a credit note in another currency is reported and left for a person: the invoice is untouched, no credit is made', async () => {
    const t = 'cn-currency';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/FT-5.xml', fattura({ number: 'FT-5', total: '500.00' }));
    const { summary, report } = await ingest(t, 'invoices/NC-5.xml', fattura({ tipo: 'TD04', number: 'NC-5', total: '50.00', currency: 'USD', linked: 'FT-5' }));
    expect(summary.creditNotes).toMatchObject({ refused: 1, netted: 0, customerCredit: 0 });
    expect(report.errors).toEqual([expect.objectContaining({ field: 'IdDocumento', value: 'FT-5', reason: 'Credit note NC-5 is in USD but invoice FT-5 is in EUR.' })]);
    expect(await invoice(t, 'FT-5')).toMatchObject({ amount: 50_000, run: 0 });
    expect((await invoice(t, 'FT-5'))?.creditNotes).toBeUndefined();
    expect(await store.bankCredits.customerCredits(t, 'C-BIANCHI')).toEqual([]);
  });

  it('an invoice paid in instalments is credited from its first instalment on', async () => {
    const t = 'cn-instalments';
    await ingest(t, 'invoices/instalments.xml', readFileSync(join(FIXTURES, 'fatturapa-instalments.xml'), 'utf8'));
    const customerId = 'IT02345678901';
    const inst = (i: number) => store.invoices.getInvoice(t, invoiceIdFor(t, customerId, '2026/0100', 'invoice', i));
    expect((await inst(1))?.amount).toBe(122_000);
    const note = fattura({ tipo: 'TD04', number: 'NC-6', total: '1500.00', linked: '2026/0100' });
    const { summary } = await ingest(t, 'invoices/NC-6.xml', note);
    expect(summary.creditNotes).toMatchObject({ netted: 1, settled: 1, customerCredit: 0 });
    expect([(await inst(1))?.status, (await inst(1))?.amount, (await inst(2))?.amount, (await inst(3))?.amount]).toEqual(['not_chased', 0, 94_000, 122_000]);
  });

  it('a credit note in a later batch of a CSV finds an invoice of an earlier batch', async () => {
    const t = 'cn-batches';
    const rows = Array.from({ length: 520 }, (_, i) => `INV-${i + 1};C-1;2026-02-01;100,00;EUR;;`);
    const csv = ['number;customer id;date;amount;currency;type;original invoice', ...rows, 'NC-9;C-1;2026-02-05;30,00;EUR;NC;INV-1'].join('\n');
    const { summary } = await ingest(t, 'invoices/big.csv', csv);
    expect(summary.records).toBe(521);
    expect(summary.creditNotes).toMatchObject({ netted: 1 });
    expect(await store.invoices.getInvoice(t, invoiceIdFor(t, 'C-1', 'INV-1'))).toMatchObject({ amount: 7_000 });
  });
});

describe('buyers the readers now keep (issue 21)', () => {
  it('a CII credit note (381) nets off the CII invoice its InvoiceReferencedDocument names; one naming an unknown invoice says so on that element', async () => {
    const t = 'cn-cii';
    const bianchi = '<ram:Name>Bianchi S.p.A.</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">IT02345678901</ram:ID></ram:SpecifiedTaxRegistration>';
    const ref = (n: string) => `<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>${n}</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>`;
    const credit = (n: string, linked: string) =>
      cii({ typeCode: '381', number: n, buyer: bianchi, references: ref(linked), summation: '<ram:GrandTotalAmount>200.00</ram:GrandTotalAmount><ram:DuePayableAmount>200.00</ram:DuePayableAmount>' });
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/RE-1.xml', cii({ number: 'RE-1', buyer: bianchi }));
    const { summary } = await ingest(t, 'invoices/GS-1.xml', credit('GS-1', 'RE-1'));
    expect(summary.creditNotes).toMatchObject({ netted: 1, customerCredit: 0 });
    expect(await invoice(t, 'RE-1')).toMatchObject({ amount: 102_000, status: 'open', source: { format: 'cii' } });
    const unknown = await ingest(t, 'invoices/GS-2.xml', credit('GS-2', 'RE-404'));
    expect(unknown.report.notices).toEqual([expect.objectContaining({ field: 'InvoiceReferencedDocument', value: 'RE-404' })]);
  });

  it('a UBL buyer named only by name is stored and waits for a person; the next invoice with that name lands on the same customer', async () => {
    const t = 'name-only';
    const xml = readFileSync(join(FIXTURES, 'ubl-buyer-name-only.xml'), 'utf8');
    const first = await ingest(t, 'invoices/uk-88.xml', xml);
    expect([first.report.total, first.summary.invoices?.created, first.summary.invoices?.needsContact]).toEqual([0, 1, 1]);
    const c = await store.customers.getCustomer(t, 'name-harbour-tools-ltd');
    expect(c).toMatchObject({ name: 'Harbour Tools Ltd', email: 'accounts@harbour-tools.example', country: 'GB' });
    expect(await store.invoices.getInvoice(t, invoiceIdFor(t, 'name-harbour-tools-ltd', 'UK-2026-88'))).toMatchObject({ status: 'open', needsContact: true, amount: 48_000 });
    await ingest(t, 'invoices/uk-89.xml', xml.replace('UK-2026-88', 'UK-2026-89'));
    expect(await store.invoices.getInvoice(t, invoiceIdFor(t, 'name-harbour-tools-ltd', 'UK-2026-89'))).toMatchObject({ customerId: 'name-harbour-tools-ltd' });
  });

  it('a new customer from a JSON nested customer or a simplified FatturaPA keeps its e-mail, PEC, phone, language and address', async () => {
    const t = 'contacts';
    await ingest(t, 'invoices/nested.json', readFileSync(join(FIXTURES, 'invoices-nested-customer.json'), 'utf8'));
    expect(await store.customers.getCustomer(t, 'RO12345678')).toMatchObject({ email: 'facturi@dobre.example', phone: '+40722123456', language: 'ro', address: 'Strada Lipscani 10, București, RO' });
    expect(await store.customers.getCustomer(t, 'GLLMRA80A01H501U')).toMatchObject({ pec: 'studio.gialli@pec.example', language: 'it' });
    await ingest(t, 'invoices/semplificata.xml', readFileSync(join(FIXTURES, 'fatturapa-semplificata.xml'), 'utf8'));
    const neri = await store.customers.getCustomer(t, 'IT03456789012');
    expect(neri).toMatchObject({ pec: 'amministrazione@pec.ferramenta-neri.example', name: 'Ferramenta Neri & C. s.n.c.' });
    expect(neri?.email).toBeUndefined();
    // The TD08 nets off the TD07 it names.
    expect(await store.invoices.getInvoice(t, invoiceIdFor(t, 'IT03456789012', 'S-31'))).toMatchObject({ amount: 12_200, needsContact: true });
  });
});
