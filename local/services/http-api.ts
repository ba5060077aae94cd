/**
 * One loopback HTTP port for the admin API and the customer-link pages: each request becomes an
 * API Gateway HTTP API (payload 2.0) event for the same handler modules the Lambdas run.
 * Admin routes are authenticated like the JWT authorizer would: a bearer token printed at start
 * stands for a Cognito user of the `finance` (or `viewer`) group.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Clock } from '../../lambdas/adapters/clock.js';
import type { Activity } from '../activity.js';

export type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2 | string | object>;

export interface LocalUser {
  sub: string;
  email: string;
  groups: ('finance' | 'viewer')[];
  /** Epoch seconds. */
  exp: number;
}

export interface HttpApiOptions {
  port: number;
  clock: Clock;
  activity: Activity;
  admin: () => Promise<HttpHandler | undefined>;
  customer: () => Promise<HttpHandler | undefined>;
  context: (fn: string) => Context;
}

export class LocalHttpApi {
  private readonly tokens = new Map<string, LocalUser>();
  private server?: Server;

  constructor(private readonly opts: HttpApiOptions) {}

  /** Issues a bearer token for a local user (the stand-in for a Cognito ID token). */
  issueToken(user: Omit<LocalUser, 'exp'>, ttlSeconds = 30 * 24 * 3600): string {
    const token = `local.${randomBytes(24).toString('base64url')}`;
    // Real time on purpose: the token's life is the developer's session, not the virtual timeline.
    this.tokens.set(token, { ...user, exp: Math.floor(Date.now() / 1000) + ttlSeconds });
    return token;
  }

  listen(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port, '127.0.0.1', () => resolve(`http://127.0.0.1:${this.opts.port}`));
    });
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    // The customer pages: the links (/c/…) and the SMS short links (/s/…).
    const isCustomer = path === '/c' || path.startsWith('/c/') || path.startsWith('/s/');
    const isPublic = isCustomer || (req.method === 'GET' && path === '/health');
    let claims: Record<string, string> | undefined;
    if (!isPublic) {
      const user = this.authenticate(req.headers.authorization);
      if (!user) return send(res, { statusCode: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Unauthorized' }) });
      claims = { sub: user.sub, email: user.email, 'cognito:groups': `[${user.groups.join(' ')}]`, exp: String(user.exp) };
    }
    const handler = await (isCustomer ? this.opts.customer() : this.opts.admin());
    if (!handler) return send(res, { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'Not found' });
    const body = Buffer.concat(chunks);
    const now = this.opts.clock.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: '$default',
      rawPath: path,
      rawQueryString: url.search.slice(1),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: { method: req.method ?? 'GET', path, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: crypto.randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
      } as APIGatewayProxyEventV2['requestContext'],
      ...(body.length ? { body: body.toString('base64'), isBase64Encoded: true } : { isBase64Encoded: false }),
    };
    try {
      const out = await this.opts.activity.track(() => handler(event, this.opts.context(isCustomer ? 'customer-pages' : 'admin-api')));
      send(res, normalise(out));
    } catch {
      // What API Gateway answers when the integration fails; details stay in the handler's own log.
      send(res, { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Internal Server Error' }) });
    }
  }

  private authenticate(header: string | undefined): LocalUser | undefined {
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const user = token ? this.tokens.get(token) : undefined;
    return user && user.exp > Date.now() / 1000 ? user : undefined;
  }
}

const normalise = (out: APIGatewayProxyStructuredResultV2 | string | object): APIGatewayProxyStructuredResultV2 =>
  typeof out === 'string'
    ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: out }
    : 'statusCode' in out
      ? (out as APIGatewayProxyStructuredResultV2)
      : { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(out) };

const send = (res: ServerResponse, r: APIGatewayProxyStructuredResultV2): void => {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(r.body ? Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8') : undefined);
};
