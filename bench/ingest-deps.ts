/** The ports ingestFile writes through, as the deployed ingest function builds them, over the bench's table. */
import { clock } from '../lambdas/adapters/clock.js';
import type { Table } from '../lambdas/adapters/dynamo/client.js';
import { DynamoBankCredits } from '../lambdas/adapters/dynamo-bank-credits.js';
import { DynamoCommands } from '../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomerDirectory } from '../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoInvoiceWriter } from '../lambdas/adapters/dynamo-invoice-writer.js';
import { DynamoTenants } from '../lambdas/adapters/dynamo-tenants.js';
import { streamDrivenWorkflow } from '../lambdas/adapters/stream-driven-workflow.js';
import type { IngestFileDeps } from '../lambdas/app/ingest/ingest-file.js';

export const productionFileDeps = (table: Table): IngestFileDeps => ({
  tenants: new DynamoTenants(table),
  invoiceWriter: () => new DynamoInvoiceWriter(table),
  customerDirectory: () => new DynamoCustomerDirectory(table),
  now: () => clock.now(),
  count: () => undefined,
  creditNotes: { commands: new DynamoCommands(streamDrivenWorkflow, table), bankCredits: new DynamoBankCredits(table) },
});
