/**
 * The public pages behind the links in customer messages (API Gateway HTTP API, routes
 * GET and POST /c/{proxy+}, no authorizer: the signed link is the credential). Wiring only:
 * the flow lives in lib/customer-site.ts, the signing in domain/links.ts, the answers are the
 * admin API's commands (domain/commands.ts, adapters/dynamo-commands.ts).
 * Config: TENANT_ID, TABLE_NAME, STATE_MACHINE_ARN, BUCKET_NAME, SENDER_EMAIL, SES_CONFIGURATION_SET,
 * LINK_SECRET_ARN (LINK_SECRET locally), EVENT_BUS_NAME (optional).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { clock } from '../adapters/clock.js';
import { DynamoCommands } from '../adapters/dynamo-commands.js';
import { DynamoTasks } from '../adapters/dynamo-tasks.js';
import { linkKeyring } from '../adapters/link-key.js';
import { createCustomerSite } from './lib/customer-site.js';
import * as deps from './lib/deps.js';
import { logger, metrics } from './lib/powertools.js';

const tenantId = process.env.TENANT_ID;
if (!tenantId) throw new Error('TENANT_ID is not set');

const store = deps.store();

const site = createCustomerSite({
  store,
  commands: new DynamoCommands(deps.workflow(), store, {
    // The commit already ended the chase (the guard refuses every later send); the stream stops it too.
    onStopFailed: (err, execution) => logger.warn('stopping the execution failed', { execution, errorName: (err as Error).name }),
  }),
  tasks: new DynamoTasks(store),
  blobs: deps.blobs,
  mailer: deps.mailer,
  sender: deps.sender,
  ...(process.env.EVENT_BUS_NAME ? { events: deps.events } : {}),
  keyring: linkKeyring,
  tenantId,
  now: () => clock.now(),
  logger,
});

export const run = (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => site(event);

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
