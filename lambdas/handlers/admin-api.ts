/**
 * The finance team's admin API (API Gateway HTTP API, JWT authorizer on every route but /health).
 * Wiring only: the routes live in lambdas/api, the rules in domain/commands.ts, the transactions
 * in adapters/dynamo-commands.ts.
 * Config: TENANT_ID, TABLE_NAME, STATE_MACHINE_ARN, EVENT_BUS_NAME (+ the SDK's endpoint variables locally).
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoCommands } from '../adapters/dynamo-commands.js';
import { createAdminApi } from '../api/app.js';
import * as deps from './lib/deps.js';
import { logger } from './lib/powertools.js';

const tenantId = process.env.TENANT_ID;
if (!tenantId) throw new Error('TENANT_ID is not set');

export const handler = createAdminApi({
  tenantId,
  tenants: deps.tenants(),
  customers: deps.customers(),
  invoices: deps.invoices(),
  callQueue: deps.callQueue(),
  tasks: deps.tasks(),
  reports: deps.reports(),
  // deps.commands() without the hook: a failed stop is worth a warning here.
  commands: new DynamoCommands(deps.workflow(), deps.table(), {
    // The commit already ended the chase (the guard refuses every later send); the stream stops it too.
    onStopFailed: (err, execution) => logger.warn('stopping the execution failed', { execution, errorName: (err as Error).name }),
  }),
  queries: deps.invoiceList(),
  events: deps.events(),
  idempotency: {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: deps.table().name,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      expiryAttr: 'ttl',
    }),
  },
  logger,
});
