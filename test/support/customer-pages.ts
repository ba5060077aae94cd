/**
 * Requests to the customer-link pages as API Gateway HTTP API (payload 2.0) events, the way the
 * gateway delivers a browser's GET and its form POST (urlencoded, base64-encoded body).
 */
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { lambdaContext } from './api-events.js';

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
  const headers: Record<string, string> = {
    host: 'pay.example',
    'accept-language': 'en-GB,en;q=0.8',
    'user-agent': 'vitest',
    ...(body !== undefined ? { 'content-type': req.contentType ?? 'application/x-www-form-urlencoded' } : {}),
    ...req.headers,
  };
  return {
    version: '2.0',
    routeKey: `${method} /c/{proxy+}`,
    rawPath: req.path,
    rawQueryString: '',
    headers,
    pathParameters: { proxy: req.path.replace(/^\/c\//, '') },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1',
      domainName: 'pay.example',
      domainPrefix: 'pay',
      http: { method, path: req.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: randomUUID(),
      routeKey: `${method} /c/{proxy+}`,
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
