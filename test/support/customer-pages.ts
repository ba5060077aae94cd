/**
 * The customer-link pages' handler over the real adapters, and requests to it as API Gateway HTTP
 * API (payload 2.0) events, the way the gateway delivers a browser's GET and its form POST
 * (urlencoded, base64-encoded body).
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { clock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoCustomers } from '../../lambdas/adapters/dynamo-customers.js';
import { DynamoInvoices } from '../../lambdas/adapters/dynamo-invoices.js';
import { DynamoShortLinks } from '../../lambdas/adapters/dynamo-short-links.js';
import { DynamoTasks } from '../../lambdas/adapters/dynamo-tasks.js';
import { DynamoTenants } from '../../lambdas/adapters/dynamo-tenants.js';
import { EventBridgeEvents } from '../../lambdas/adapters/eventbridge-events.js';
import { parseLinkSecret } from '../../lambdas/adapters/link-key.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { SesMailer } from '../../lambdas/adapters/ses-mailer.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { makeCustomerPagesHandler } from '../../lambdas/handlers/customer-pages.js';
import { lambdaContext } from './api-events.js';

export interface PagesConfig {
  tenantId: string;
  /** The link key (what LINK_SECRET is to the deployed function). */
  linkSecret: string;
  stateMachineArn: string;
  sender: string;
  /** Where invoice documents are (none in most tests). */
  bucket?: string;
  /** CustomerAnswered is published only with a bus. */
  eventBus?: string;
}

/**
 * The handler the way the deployed function wires it, with the configuration passed in; the
 * services' endpoints still come from the SDK's AWS_ENDPOINT_URL_<SERVICE> (and TABLE_NAME from
 * useLocalTable), so build it after those are set. Logs silent; metrics as POWERTOOLS_METRICS_DISABLED says.
 */
export const customerPagesHandler = (c: PagesConfig) => {
  const table = tableFromEnv();
  const logger = new Logger({ serviceName: 'customer-pages', logLevel: 'SILENT' });
  // Its own warnings ("no metrics to publish") follow the logger.
  const metrics = new Metrics({ namespace: 'SollecitoTest', serviceName: 'customer-pages', logger });
  return makeCustomerPagesHandler({
    tenantId: c.tenantId,
    tenants: new DynamoTenants(table),
    invoices: new DynamoInvoices(table),
    customers: new DynamoCustomers(table),
    answers: new DynamoTasks(table),
    commands: new DynamoCommands(new SfnWorkflow(c.stateMachineArn), table),
    documents: () => new S3Blobs(c.bucket ?? 'no-documents-in-this-test'),
    mailer: () => new SesMailer(),
    sender: () => c.sender,
    ...(c.eventBus ? { events: () => new EventBridgeEvents(c.eventBus) } : {}),
    keyring: async () => parseLinkSecret(c.linkSecret),
    shortLinks: new DynamoShortLinks(table),
    now: () => clock.now(),
    logger,
    metrics,
    count: (name) => metrics.addMetric(name, MetricUnit.Count, 1),
  });
};

export interface PageRequest {
  method?: 'GET' | 'POST' | 'PUT';
  path: string;
  form?: Record<string, string>;
  /** Sent as is (with the content type below) instead of the urlencoded form. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const pageEvent = (req: PageRequest): APIGatewayProxyEventV2 => {
  const method = req.method ?? (req.form || req.rawBody !== undefined ? 'POST' : 'GET');
  const body = req.rawBody ?? (req.form ? new URLSearchParams(req.form).toString() : undefined);
  const now = Date.now();
  // The gateway's route: the link pages, or an SMS short link.
  const short = /^\/s\/([^/]*)$/.exec(req.path);
  const routeKey = short ? `${method} /s/{code}` : `${method} /c/{proxy+}`;
  const pathParameters = short ? { code: short[1]! } : { proxy: req.path.replace(/^\/c\//, '') };
  const headers: Record<string, string> = {
    host: 'pay.example',
    'accept-language': 'en-GB,en;q=0.8',
    'user-agent': 'vitest',
    ...(body !== undefined ? { 'content-type': req.contentType ?? 'application/x-www-form-urlencoded' } : {}),
    ...req.headers,
  };
  return {
    version: '2.0',
    routeKey,
    rawPath: req.path,
    rawQueryString: '',
    headers,
    pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1',
      domainName: 'pay.example',
      domainPrefix: 'pay',
      http: { method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    } as APIGatewayProxyEventV2['requestContext'],
    // API Gateway base64-encodes form bodies.
    ...(body !== undefined ? { body: Buffer.from(body).toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
  };
};

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export const callPage = async (handler: Handler, req: PageRequest): Promise<PageResponse> => {
  const out = (await handler(pageEvent(req), lambdaContext('customer-pages'))) as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return { status: out.statusCode ?? 200, headers, body: out.body ?? '' };
};

/** The CSRF token of the form on a page. */
export const csrfOf = (html: string): string => {
  const m = /name="csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field on the page');
  return m[1]!;
};

/** The path of a link URL (`https://host/c/<token>` -> `/c/<token>`). */
export const pathOf = (url: string): string => new URL(url).pathname;
