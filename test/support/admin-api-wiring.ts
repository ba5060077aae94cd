/**
 * The admin API's handler the way the deployed function wires it (lambdas/handlers/admin-api.ts):
 * makeAdminApiHandler over the production adapters, with the tenant passed in instead of read from
 * TENANT_ID. The services' endpoints still come from the SDK's AWS_ENDPOINT_URL_<SERVICE>, the
 * table from TABLE_NAME (useLocalTable), the state machine from STATE_MACHINE_ARN and the bus from
 * EVENT_BUS_NAME, read when this is called: call it once those are set. Logs silent.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoQueries } from '../../lambdas/adapters/dynamo-queries.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { EventBridgeEvents } from '../../lambdas/adapters/eventbridge-events.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import type { AdminApiDeps } from '../../lambdas/api/route.js';
import { makeAdminApiHandler } from '../../lambdas/handlers/admin-api.js';

/** The deployed wiring's dependencies; `over` replaces any of them. */
export const adminApiDeps = (tenantId: string, over: Partial<AdminApiDeps> = {}): AdminApiDeps => {
  const table = tableFromEnv();
  const repos = dynamoRepositories(table);
  const logger = over.logger ?? new Logger({ serviceName: 'admin-api', logLevel: 'SILENT' });
  return {
    tenantId,
    tenants: repos.tenants,
    policies: repos.policies,
    restarts: repos.restarts,
    customers: repos.customers,
    invoices: repos.invoices,
    callQueue: repos.callQueue,
    tasks: repos.tasks,
    reports: repos.reports,
    ageingDays: repos.ageingDays,
    portfolio: repos.portfolio,
    // As deps.commandsWarningOnStopFailure: a failed stop after the commit is a warning.
    commands: new DynamoCommands(new SfnWorkflow(), table, {
      onStopFailed: (err, execution) => logger.warn('stopping the execution failed', { execution, errorName: err instanceof Error ? err.name : String(err) }),
    }),
    queries: new DynamoQueries(table),
    bankCredits: repos.bankCredits,
    // Built when a statement is uploaded: only those tests need an S3 (BUCKET_NAME, AWS_ENDPOINT_URL_S3).
    documents: { put: (key, body, contentType) => new S3Blobs().put(key, body, contentType) },
    statementFeed: repos.statementFeed,
    events: new EventBridgeEvents(),
    wording: repos.wording,
    // As deps.idempotencyStore: the records in the single table (pk/sk, expiring through `ttl`).
    idempotency: { persistenceStore: new DynamoDBPersistenceLayer({ tableName: table.name, keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }) },
    ...over,
    logger,
  };
};

/** makeAdminApiHandler over `adminApiDeps(tenantId, over)`. */
export const adminApiHandler = (tenantId: string, over: Partial<AdminApiDeps> = {}) => makeAdminApiHandler(adminApiDeps(tenantId, over));
