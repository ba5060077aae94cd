/**
 * API Gateway HTTP API (payload 2.0) events as the JWT authorizer delivers them: claims flattened
 * to strings, `cognito:groups` as "[finance viewer]". For handler tests of the admin API.
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { openApiDocument } from '../../lambdas/api/openapi.js';
import { allRoutes } from '../../lambdas/api/routes/index.js';
import { contractChecker } from './api-contract.js';

export interface TestUser {
  sub: string;
  email?: string;
  /** The token's `email_verified` claim (sent as the authorizer sends it, "true" or "false"); absent when undefined. */
  emailVerified?: boolean;
  groups: string[];
}

export const financeUser: TestUser = { sub: 'u-finance-1', email: 'anna.rossi@officinerossi.example', emailVerified: true, groups: ['finance'] };
export const adminUser: TestUser = { sub: 'u-admin-1', email: 'giulia.neri@officinerossi.example', emailVerified: true, groups: ['admin'] };
export const viewerUser: TestUser = { sub: 'u-viewer-1', email: 'luca.bianchi@officinerossi.example', emailVerified: true, groups: ['viewer'] };
export const outsider: TestUser = { sub: 'u-sales-1', email: 'sales@officinerossi.example', emailVerified: true, groups: ['sales'] };

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path with the query string, e.g. /v1/invoices?status=open. */
  path: string;
  body?: unknown;
  /** Sent as is instead of JSON.stringify(body). */
  rawBody?: string;
  /** A file body as API Gateway passes one: base64, with isBase64Encoded. */
  fileBody?: Uint8Array;
  headers?: Record<string, string>;
  /** null: no authorizer context at all (a route wired without the authorizer). */
  user?: TestUser | null;
  /**
   * Sent as the Idempotency-Key. A POST to a route that moves money (RouteDef.movesMoney) gets a
   * fresh one unless this says otherwise, as the console sends; null sends none.
   */
  idempotencyKey?: string | null;
}

const moneyRoutes = allRoutes
  .filter((r) => r.movesMoney)
  .map((r) => new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`));
const movesMoney = (method: string, path: string) => method === 'POST' && moneyRoutes.some((re) => re.test(path));

export const apiEvent = (req: ApiRequest): APIGatewayProxyEventV2 => {
  const url = new URL(req.path, 'https://api.example');
  const user = req.user === undefined ? financeUser : req.user;
  const body = req.fileBody ? Buffer.from(req.fileBody).toString('base64') : (req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body)));
  const headers: Record<string, string> = {
    Host: 'api.example',
    ...(body !== undefined && req.rawBody === undefined && req.fileBody === undefined ? { 'Content-Type': 'application/json' } : {}),
    ...(user ? { Authorization: 'Bearer test-token' } : {}),
    ...(req.idempotencyKey ? { 'Idempotency-Key': req.idempotencyKey } : {}),
    ...(req.idempotencyKey === undefined && movesMoney(req.method, url.pathname) ? { 'Idempotency-Key': randomUUID() } : {}),
    ...req.headers,
  };
  const query = Object.fromEntries(url.searchParams);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: `${req.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1',
      domainName: 'api.example',
      domainPrefix: 'api',
      http: { method: req.method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: `${req.method} ${url.pathname}`,
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(user
        ? {
            authorizer: {
              jwt: {
                claims: {
                  sub: user.sub,
                  ...(user.email ? { email: user.email } : {}),
                  ...(user.emailVerified !== undefined ? { email_verified: String(user.emailVerified) } : {}),
                  'cognito:groups': `[${user.groups.join(' ')}]`,
                  iss: 'https://cognito-idp.eu-south-1.amazonaws.com/eu-south-1_test',
                  exp: String(Math.floor(now / 1000) + 3600),
                },
                scopes: [],
              },
            },
          }
        : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    isBase64Encoded: req.fileBody !== undefined,
    ...(body !== undefined ? { body } : {}),
  };
};

export const lambdaContext = (functionName = 'admin-api'): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:eu-south-1:123456789012:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'test',
  getRemainingTimeInMillis: () => 29_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

export interface ApiResponse<T = any> {
  status: number;
  headers: Record<string, string>;
  body: T;
}


type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

let contract: ReturnType<typeof contractChecker> | undefined;

/**
 * Calls the handler the way API Gateway does and parses the JSON answer. Every answer must keep the
 * OpenAPI document the API serves (test/support/api-contract.ts): a status the operation documents
 * and a body valid against its schema; one that does not fails the test that made the request.
 */
export const callApi = async <T = any>(handler: Handler, req: ApiRequest): Promise<ApiResponse<T>> => {
  const out = (await handler(apiEvent(req), lambdaContext())) as APIGatewayProxyStructuredResultV2;
  const headers = Object.fromEntries(Object.entries(out.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  const text = out.body ?? '';
  const res = { status: out.statusCode ?? 200, headers, body: (headers['content-type']?.includes('json') && text ? JSON.parse(text) : text) as T };
  contract ??= contractChecker(openApiDocument(allRoutes));
  const kept = contract.violations.length;
  contract.check({ method: req.method, path: req.path, status: res.status, headers, body: res.body });
  if (contract.violations.length > kept) throw new Error(`the answer breaks the OpenAPI document: ${contract.violations.slice(kept).join(' | ')}`);
  return res;
};
