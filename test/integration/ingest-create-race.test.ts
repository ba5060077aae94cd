/**
 * Ingest creates the invoices it found absent only if they are still absent (issue 20, item 7):
 * another writer may store one between ingest's read and its write (another file's upload of the
 * same invoice, then a payment recorded on it). On DynamoDB Local, the race is set up by running
 * that other writer right after ingest's own BatchGetItem came back, before ingest writes.
 */
import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchGetCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { testObservability } from '../support/observability.js';
import { clock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import type { Table } from '../../lambdas/adapters/dynamo/client.js';
import { streamDrivenWorkflow } from '../../lambdas/adapters/stream-driven-workflow.js';
import { ingestFile, type IngestFileDeps } from '../../lambdas/app/ingest/ingest-file.js';
import { recordPayment } from '../../lambdas/domain/commands/commands.js';
import { invoiceIdFor } from '../../lambdas/domain/ingest/rules.js';

await useLocalTable();

const HEADER = 'Invoice number,Customer code,Date,Due date,Amount,Currency\n';
let store: DynamoRepositories;
let commands: DynamoCommands;
const observability = testObservability('ingest-race');

beforeAll(() => {
  store = dynamoRepositories();
  commands = new DynamoCommands(streamDrivenWorkflow, { doc: store.doc, name: store.name });
});

/**
 * The table as ingest's writer sees it: the first BatchGetItem that reads invoices runs `meanwhile`
 * once after it answered, before the answer is handed back (so before ingest writes anything).
 */
const racedTable = (meanwhile: () => Promise<void>): Table => {
  let raced = false;
  const doc = new Proxy(store.doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver) as unknown;
      return async (command: Parameters<DynamoDBDocumentClient['send']>[0]) => {
        const out = await target.send(command as never);
        const readsInvoices = command instanceof BatchGetCommand && JSON.stringify(command.input.RequestItems).includes('"sk":"INV"');
        if (readsInvoices && !raced) {
          raced = true;
          await meanwhile();
        }
        return out;
      };
    },
  });
  return { doc, name: store.name };
};

const deps = (table: Table): IngestFileDeps => ({
  tenants: store.tenants,
  invoiceWriter: () => new DynamoInvoiceWriter(table),
  customerDirectory: () => new DynamoCustomerDirectory(store),
  now: () => clock.now(),
  count: observability.count,
  creditNotes: { commands, bankCredits: store.bankCredits },
});
const ingestText = (d: IngestFileDeps, tenantId: string, key: string, text: string) =>
  ingestFile(d, { key, body: Readable.from([Buffer.from(text)]) }, { tenantId });
const invoice = (t: string, number: string) => store.invoices.getInvoice(t, invoiceIdFor(t, 'C-RACE', number));

describe('an invoice created by someone else between ingest reading it absent and writing it', () => {
  it('another upload stored it and a payment was recorded on it: the payment stands, the row goes the normal path', async () => {
    const t = 'race-paid';
    const rows = ['RACE-1,C-RACE,2026-01-05,2026-02-04,100.00,EUR', 'RACE-2,C-RACE,2026-01-05,2026-02-04,50.00,EUR'];
    const other = async () => {
      // Another file holding RACE-1, ingested in full, then its payment.
      const first = await ingestText(deps({ doc: store.doc, name: store.name }), t, 'invoices/other.csv', HEADER + rows[0]);
      expect(first.summary.invoices).toMatchObject({ created: 1 });
      const id = invoiceIdFor(t, 'C-RACE', 'RACE-1');
      await commands.onInvoice(t, id, (inv) => recordPayment(inv, { amount: 10_000, date: '2026-01-20' }, { actor: 'finance@example.com', now: clock.now(), timeZone: 'Europe/Rome' }));
    };
    const { summary, report } = await ingestText(deps(racedTable(other)), t, 'invoices/mine.csv', HEADER + rows.join('\n'));

    // Not an error, nothing lost: RACE-1 was decided against what was stored (paid, same content: unchanged).
    expect(report.errors).toEqual([]);
    expect(summary.invoices).toMatchObject({ created: 1, unchanged: 1, superseded: 0 });
    expect(await invoice(t, 'RACE-1')).toMatchObject({ status: 'paid', amountPaid: 10_000, amount: 10_000, source: { key: 'invoices/other.csv' } });
    expect(await invoice(t, 'RACE-2')).toMatchObject({ status: 'open', amount: 5_000, source: { key: 'invoices/mine.csv' } });
  });

  it('another upload stored it with other content: this row supersedes it as a correction would, with its log entry', async () => {
    const t = 'race-amended';
    const other = async () => {
      await ingestText(deps({ doc: store.doc, name: store.name }), t, 'invoices/first.csv', `${HEADER}RACE-1,C-RACE,2026-01-05,2026-02-04,80.00,EUR`);
    };
    const { summary, report } = await ingestText(deps(racedTable(other)), t, 'invoices/second.csv', `${HEADER}RACE-1,C-RACE,2026-01-05,2026-02-04,100.00,EUR`);
    expect(report.errors).toEqual([]);
    expect(summary.invoices).toMatchObject({ created: 0, superseded: 1 });
    const v = await store.invoices.getInvoiceView(t, invoiceIdFor(t, 'C-RACE', 'RACE-1'));
    expect(v?.invoice).toMatchObject({ revision: 2, amount: 10_000, source: { key: 'invoices/second.csv' } });
    expect(v?.events.map((e) => e.type)).toEqual(['superseded']);
  });

  it('with no race, every absent invoice is created in one pass', async () => {
    const t = 'race-none';
    const rows = Array.from({ length: 250 }, (_, i) => `N-${i},C-RACE,2026-01-05,2026-02-04,10.00,EUR`);
    const { summary, report } = await ingestText(deps({ doc: store.doc, name: store.name }), t, 'invoices/calm.csv', HEADER + rows.join('\n'));
    expect(report.errors).toEqual([]);
    expect(summary.invoices).toMatchObject({ created: 250, unchanged: 0 });
    expect(await invoice(t, 'N-249')).toMatchObject({ revision: 1, amount: 1000 });
  });
});
