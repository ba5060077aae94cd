/**
 * The SdI's notifications as evidence, and every e-invoice's original as the customer's copy, end
 * to end on DynamoDB Local: files through ingestFile with the production adapters (invoice writer,
 * customer directory, commands, SdI file index). The workflow records nothing: the stream starts
 * and stops executions, never ingest.
 */
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoSdiFiles } from '../../lambdas/adapters/dynamo-sdi-files.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { invoiceIdFor } from '../../lambdas/domain/ingest/rules.js';
import type { SourceFile } from '../../lambdas/domain/parsers/read-file.js';
import { cii } from '../unit/parsers/cii-fixtures.js';
import { facturXPdf } from '../unit/parsers/pdf-fixtures.js';
import { mc, ne, ns, rc } from '../unit/sdi/sdi-fixtures.js';

await useLocalTable();
const table = tableFromEnv();
const store = dynamoRepositories(table);
const observability = testObservability('sdi-receipts');
const commands = new DynamoCommands(streamDrivenWorkflow, table);
const deps: IngestFileDeps = {
  tenants: store.tenants,
  invoiceWriter: () => new DynamoInvoiceWriter(table),
  customerDirectory: () => new DynamoCustomerDirectory(table),
  now: () => new Date('2026-03-12T08:00:00Z'),
  count: observability.count,
  creditNotes: { commands, bankCredits: store.bankCredits },
  sdi: { commands, files: new DynamoSdiFiles(table) },
};

const file = (key: string, body: string | Uint8Array): SourceFile => {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return { key, size: bytes.byteLength, body: (async function* () { yield bytes; })() };
};
const ingest = (t: string, key: string, body: string | Uint8Array) => ingestFile(deps, file(key, body), { tenantId: t });

const DIRECTORY = 'customer id,name,vat,email\nC-BIANCHI,Bianchi S.p.A.,IT02345678901,ap@bianchi.example\n';

const fattura = (number: string, o: { bodies?: string[] } = {}) => `<?xml version="1.0" encoding="UTF-8"?>
<p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2">
  <FatturaElettronicaHeader>
    <CedentePrestatore><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Officine Rossi S.r.l.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore>
    <CessionarioCommittente><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>02345678901</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Bianchi S.p.A.</Denominazione></Anagrafica></DatiAnagrafici><Sede><Indirizzo>Via Po 3</Indirizzo><CAP>10100</CAP><Comune>Torino</Comune><Nazione>IT</Nazione></Sede></CessionarioCommittente>
  </FatturaElettronicaHeader>
  ${(o.bodies ?? [number])
    .map(
      (n) => `<FatturaElettronicaBody>
    <DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD01</TipoDocumento><Divisa>EUR</Divisa><Data>2026-03-11</Data><Numero>${n}</Numero><ImportoTotaleDocumento>1220.00</ImportoTotaleDocumento><Causale>Manutenzione &lt;marzo&gt;</Causale></DatiGeneraliDocumento></DatiGenerali>
    <DatiBeniServizi><DettaglioLinee><NumeroLinea>1</NumeroLinea><Descrizione>Manutenzione impianto &lt;script&gt;alert(1)&lt;/script&gt;</Descrizione><PrezzoUnitario>1000.00</PrezzoUnitario><PrezzoTotale>1000.00</PrezzoTotale><AliquotaIVA>22.00</AliquotaIVA></DettaglioLinee><DatiRiepilogo><AliquotaIVA>22.00</AliquotaIVA><ImponibileImporto>1000.00</ImponibileImporto><Imposta>220.00</Imposta><EsigibilitaIVA>I</EsigibilitaIVA></DatiRiepilogo></DatiBeniServizi>
    <DatiPagamento><CondizioniPagamento>TP02</CondizioniPagamento><DettaglioPagamento><ModalitaPagamento>MP05</ModalitaPagamento><DataScadenzaPagamento>2026-04-10</DataScadenzaPagamento><ImportoPagamento>1220.00</ImportoPagamento><IBAN>IT60X0542811101000000123456</IBAN></DettaglioPagamento></DatiPagamento>
  </FatturaElettronicaBody>`,
    )
    .join('\n  ')}
</p:FatturaElettronica>`;

const invoice = (t: string, number: string) => store.invoices.getInvoice(t, invoiceIdFor(t, 'C-BIANCHI', number));
const view = (t: string, number: string) => store.invoices.getInvoiceView(t, invoiceIdFor(t, 'C-BIANCHI', number));

describe('the original is the customer\'s copy', () => {
  it('a FatturaPA, a UBL-like CII and a Factur-X PDF keep their stored file as documentKey; a CSV row does not get one', async () => {
    const t = 'copy-keys';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/IT01234567890_00042.xml', fattura('FT-42'));
    expect(await invoice(t, 'FT-42')).toMatchObject({ documentKey: 'invoices/IT01234567890_00042.xml', sdi: { file: 'IT01234567890_00042' }, source: { format: 'fatturapa' } });
    const pdf = await facturXPdf([{ name: 'factur-x.xml', xml: cii({ number: 'RE-7', buyer: '<ram:Name>Bianchi S.p.A.</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">IT02345678901</ram:ID></ram:SpecifiedTaxRegistration>' }) }]);
    const { summary } = await ingest(t, 'invoices/RE-7.pdf', pdf);
    expect(summary.invoices?.created).toBe(1);
    expect(await invoice(t, 'RE-7')).toMatchObject({ documentKey: 'invoices/RE-7.pdf', source: { format: 'cii' }, amount: 122_000, dueDate: '2026-04-10', status: 'open' });
    await ingest(t, 'invoices/rows.csv', 'number,customer id,issue date,due date,amount,currency\nR-1,C-BIANCHI,2026-03-01,2026-03-31,100.00,EUR\n');
    expect((await invoice(t, 'R-1'))?.documentKey).toBeUndefined();
    // The same invoice again as a CSV row keeps its copy.
    await ingest(t, 'invoices/again.csv', 'number,customer id,issue date,due date,amount,currency\nFT-42,C-BIANCHI,2026-03-11,2026-04-10,1220.00,EUR\n');
    expect((await invoice(t, 'FT-42'))?.documentKey).toBe('invoices/IT01234567890_00042.xml');
  });

  it('a PDF without an embedded invoice is refused with that reason, and nothing is stored', async () => {
    const { summary, report } = await ingest('copy-keys', 'invoices/scan.pdf', await facturXPdf([]));
    expect(summary.fileRejected).toBe(true);
    expect(report.errors[0]!.reason).toMatch(/carries no embedded e-invoice/);
  });
});

describe('SdI notifications dropped under invoices/', () => {
  it('RC: the invoice is delivered (proof of receipt), the receipt check will be skipped, the log says so; twice changes nothing', async () => {
    const t = 'sdi-rc';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/IT01234567890_00042.xml', fattura('FT-42'));
    const { summary, report } = await ingest(t, 'invoices/IT01234567890_00042_RC_001.xml', rc());
    expect(report.total).toBe(0);
    expect(summary.sdiReceipt).toMatchObject({ type: 'RC', applied: 1, waiting: false });
    expect(await invoice(t, 'FT-42')).toMatchObject({ run: 1, sdi: { file: 'IT01234567890_00042', id: '4411223344', delivered: { at: '2026-03-11T09:20:00.000Z', by: 'RC' } } });
    const events = (await view(t, 'FT-42'))!.events.filter((e) => e.type === 'sdi_receipt');
    expect(events.map((e) => e.details?.text)).toEqual(['delivered through the SdI on 2026-03-11']);
    const again = await ingest(t, 'invoices/IT01234567890_00042_RC_001.xml', rc());
    expect(again.summary.sdiReceipt).toMatchObject({ applied: 0, alreadyApplied: 1 });
    expect((await invoice(t, 'FT-42'))?.run).toBe(1);
  });

  it('a notification before its invoice waits, and is applied once the invoice file is ingested', async () => {
    const t = 'sdi-early';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    const early = await ingest(t, 'invoices/IT01234567890_00077_MC_001.xml', mc({ file: 'IT01234567890_00077.xml' }));
    expect(early.summary.sdiReceipt?.waiting).toBe(true);
    expect(early.report.notices[0]!.reason).toMatch(/kept and applied when that file is uploaded/);
    const { summary } = await ingest(t, 'invoices/IT01234567890_00077.xml', fattura('FT-77'));
    expect(summary.waitingReceipts).toEqual(['invoices/IT01234567890_00077_MC_001.xml']);
    // Until it is applied it stays waiting: a replay that failed comes back with the next ingest of the file.
    expect((await ingest(t, 'invoices/IT01234567890_00077.xml', fattura('FT-77'))).summary.waitingReceipts).toEqual(['invoices/IT01234567890_00077_MC_001.xml']);
    const replay = await ingest(t, summary.waitingReceipts![0]!, mc({ file: 'IT01234567890_00077.xml' }));
    expect(replay.summary.sdiReceipt).toMatchObject({ type: 'MC', applied: 1 });
    expect((await invoice(t, 'FT-77'))?.sdi?.fiscalDrawer).toEqual({ at: '2026-03-11T09:15:00.000Z' });
    expect((await ingest(t, 'invoices/IT01234567890_00077.xml', fattura('FT-77'))).summary.waitingReceipts).toBeUndefined();
  });

  it('NS: not chased, with the SdI\'s reasons, and a task for the finance team', async () => {
    const t = 'sdi-ns';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/IT01234567890_00042.xml', fattura('FT-42'));
    await ingest(t, 'invoices/IT01234567890_00042_NS_001.xml', ns());
    expect(await invoice(t, 'FT-42')).toMatchObject({ status: 'not_chased', run: 1 });
    expect((await invoice(t, 'FT-42'))?.notChasedReason).toMatch(/refused by the SdI.*00404 Fattura duplicata/);
    const tasks = await store.tasks.list(t);
    expect(tasks.filter((x) => x.kind === 'sdiRejected').map((x) => [x.invoiceNumber, x.note])).toEqual([['FT-42', expect.stringMatching(/The SdI refused invoice FT-42/)]]);
  });

  it('NE EC02 for one invoice of a two-invoice file: that invoice is disputed with the reason, the other untouched', async () => {
    const t = 'sdi-ne';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/IT01234567890_00050.xml', fattura('FT-50', { bodies: ['FT-50', 'FT-51'] }));
    const { summary } = await ingest(t, 'invoices/IT01234567890_00050_NE_001.xml', ne({ file: 'IT01234567890_00050.xml', number: 'FT-51' }));
    expect(summary.sdiReceipt).toMatchObject({ type: 'NE', applied: 1 });
    expect(await invoice(t, 'FT-51')).toMatchObject({ status: 'disputed', dispute: { reason: 'invoice_details', text: expect.stringMatching(/EC02: Manca il codice CIG/) } });
    expect((await invoice(t, 'FT-50'))?.status).toBe('open');
  });

  it('a later notification naming only the SdI id finds the file through the id an earlier one gave', async () => {
    const t = 'sdi-id';
    await ingest(t, 'customers/directory.csv', DIRECTORY);
    await ingest(t, 'invoices/IT01234567890_00042.xml', fattura('FT-42'));
    await ingest(t, 'invoices/rc.xml', rc());
    const { summary } = await ingest(t, 'invoices/ne.xml', ne({ file: 'IT01234567890_00042_renamed.xml' }));
    expect(summary.sdiReceipt).toMatchObject({ applied: 1 });
    expect((await invoice(t, 'FT-42'))?.status).toBe('disputed');
  });
});
