/**
 * The finance team's admin API (API Gateway HTTP API, JWT authorizer on every route but /health).
 * Wiring only: the routes live in lambdas/api, the rules in domain/commands.ts, the transactions
 * in adapters/dynamo-commands.ts.
 * Config: TENANT_ID, TABLE_NAME, STATE_MACHINE_ARN, EVENT_BUS_NAME (+ the SDK's endpoint variables locally).
 */
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoCommands } from '../adapters/dynamo-commands.js';
import { activateInvoicesNeedingContact } from '../adapters/dynamo-ingest.js';
import { DynamoQueries } from '../adapters/dynamo-queries.js';
import { DynamoStore } from '../adapters/dynamo-store.js';
import { EventBridgeEvents } from '../adapters/eventbridge-events.js';
import { SfnWorkflow } from '../adapters/sfn-workflow.js';
import { createAdminApi } from '../api/app.js';
import { logger } from './lib/powertools.js';

const tenantId = process.env.TENANT_ID;
if (!tenantId) throw new Error('TENANT_ID is not set');

const store = new DynamoStore();

export const handler = createAdminApi({
  tenantId,
  store,
  commands: new DynamoCommands(new SfnWorkflow(), store, {
    // The commit already ended the chase (the guard refuses every later send); the stream stops it too.
    onStopFailed: (err, execution) => logger.warn('stopping the execution failed', { execution, errorName: (err as Error).name }),
  }),
  queries: new DynamoQueries(store),
  events: new EventBridgeEvents(),
  activateInvoicesNeedingContact,
  idempotency: {
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: store.table,
      keyAttr: 'pk',
      sortKeyAttr: 'sk',
      expiryAttr: 'ttl',
    }),
  },
  logger,
});
