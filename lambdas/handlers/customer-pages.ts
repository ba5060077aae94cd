/**
 * The public pages behind the links in customer messages (API Gateway HTTP API, routes GET and
 * POST /c/{proxy+} and the SMS short links GET /s/{code}, no authorizer: the signed link is the credential).
 * (adapter) --> use case --> domain: wiring only. The HTTP app is lambdas/site (middy), the use
 * cases lambdas/app/customer-answers, the signing domain/messages/links.ts; the answers run the
 * admin API's commands (domain/commands/commands.ts, adapters/dynamo-commands.ts).
 * Config: TENANT_ID, TABLE_NAME, STATE_MACHINE_ARN, BUCKET_NAME, SENDER_EMAIL, SES_CONFIGURATION_SET,
 * LINK_SECRET_ARN (LINK_SECRET locally), EVENT_BUS_NAME (optional).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { clock } from '../adapters/clock.js';
import { linkKeyring } from '../adapters/link-key.js';
import { envShortLinks } from '../adapters/message-links.js';
import { createCustomerSite } from '../site/app.js';
import type { CustomerSiteDeps } from '../site/deps.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

export interface CustomerPagesDeps extends CustomerSiteDeps {
  logger: Logger;
  metrics: Metrics;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** The Lambda handler over any dependencies: tests pass theirs, the deployed function those of its environment. */
export const makeCustomerPagesHandler = (d: CustomerPagesDeps): Handler =>
  middy(createCustomerSite(d)).use(injectLambdaContext(d.logger)).use(logMetrics(d.metrics));

const fromEnvironment = (): CustomerPagesDeps => {
  const tenantId = process.env.TENANT_ID;
  if (!tenantId) throw new Error('TENANT_ID is not set');
  return {
    tenantId,
    tenants: deps.tenants(),
    invoices: deps.invoices(),
    customers: deps.customers(),
    answers: deps.tasks(),
    commands: deps.commandsWarningOnStopFailure(logger),
    documents: deps.blobs,
    mailer: deps.mailer,
    sender: deps.sender,
    digests: deps.digests(),
    workflow: deps.workflow(),
    ...(process.env.EVENT_BUS_NAME ? { events: deps.events } : {}),
    keyring: linkKeyring,
    shortLinks: envShortLinks(),
    now: () => clock.now(),
    logger,
    metrics,
    count,
  };
};

let deployed: Handler | undefined;

/** Built on the first request, so importing this module for its factory needs no environment. */
export const handler: Handler = (event, context) => (deployed ??= makeCustomerPagesHandler(fromEnvironment()))(event, context);
