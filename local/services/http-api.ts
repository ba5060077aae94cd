/**
 * One loopback HTTP port for the admin API and the customer-link pages: each request becomes an
 * API Gateway HTTP API (payload 2.0) event for the same handler modules the Lambdas run.
 * Admin routes are authenticated like the JWT authorizer would: a bearer token printed at start
 * stands for a Cognito user of the `finance` (or `viewer`) group.
 *
 * The same port serves the finance console (the built console/dist under /console/, with the
 * console's own security headers, console/headers.ts) and a stand-in for Cognito managed login
 * under /local-auth: the OAuth 2.0 authorization-code flow with PKCE at the endpoints Cognito has
 * (/oauth2/authorize, /oauth2/token, /oauth2/revoke, /logout). It signs in without a password
 * page: as the first of `signInUsers` (the finance user), or the one `login_hint` names.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { consoleSecurityHeaders } from '../../console/headers.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Clock } from '../../lambdas/adapters/clock.js';
import type { Activity } from '../activity.js';
import { isPublicAdminRoute } from '../../lambdas/api/public-routes.js';

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
  /** The built finance console (console/dist), served under /console/. */
  consoleDir?: string;
  /** Who the local sign-in signs in: the first by default, another by `login_hint` (e-mail or sub). */
  signInUsers?: Omit<LocalUser, 'exp'>[];
  /** Life of the ID tokens the local sign-in issues (Cognito's default: one hour). */
  sessionTtlSeconds?: number;
}

/** The console's app client id in the local sign-in (config.json tells the console). */
export const LOCAL_CONSOLE_CLIENT_ID = 'sollecito-console-local';
export const CONSOLE_PATH = '/console/';
const AUTH_PATH = '/local-auth';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

interface PendingCode {
  user: Omit<LocalUser, 'exp'>;
  challenge: string;
  redirectUri: string;
  /** Epoch ms. */
  expiresAt: number;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export class LocalHttpApi {
  private readonly tokens = new Map<string, LocalUser>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, Omit<LocalUser, 'exp'>>();
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

  /** The URL `npm start` prints: the console, signing in as the first sign-in user (or the one named). */
  consoleUrl(base: string, loginHint?: string): string {
    return `${base}${CONSOLE_PATH}${loginHint ? `?login_hint=${encodeURIComponent(loginHint)}` : ''}`;
  }

  /** A JWT-shaped ID token (payload readable by the console; the server trusts only its own list, not a signature). */
  private issueIdToken(user: Omit<LocalUser, 'exp'>, origin: string): { token: string; expiresIn: number } {
    const expiresIn = this.opts.sessionTtlSeconds ?? 3600;
    const iat = Math.floor(Date.now() / 1000);
    const payload = {
      sub: user.sub,
      email: user.email,
      // The local sign-in list is the stack's own: its addresses are as good as verified.
      email_verified: true,
      'cognito:groups': user.groups,
      token_use: 'id',
      aud: LOCAL_CONSOLE_CLIENT_ID,
      iss: `${origin}${AUTH_PATH}`,
      iat,
      exp: iat + expiresIn,
    };
    const token = `${b64url(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'local' }))}.${b64url(JSON.stringify(payload))}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { ...user, exp: payload.exp });
    return { token, expiresIn };
  }

  /** The console and the local sign-in; false when the request is for neither. */
  private serveConsole(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const path = url.pathname;
    const origin = `http://${req.headers.host ?? `127.0.0.1:${this.opts.port}`}`;
    const consoleHeaders = consoleSecurityHeaders({ https: false });
    if (path === '/console') {
      send(res, { statusCode: 302, headers: { location: `${CONSOLE_PATH}${url.search}` } });
      return true;
    }
    if (path.startsWith(CONSOLE_PATH) && req.method === 'GET') {
      if (path === `${CONSOLE_PATH}config.json`) {
        send(res, {
          statusCode: 200,
          headers: { ...consoleHeaders, 'content-type': 'application/json', 'cache-control': 'no-store' },
          body: JSON.stringify({ authority: `${origin}${AUTH_PATH}`, clientId: LOCAL_CONSOLE_CLIENT_ID, scopes: 'openid email profile', apiBase: '', environment: 'local' }),
        });
        return true;
      }
      const dir = this.opts.consoleDir;
      const rel = path.slice(CONSOLE_PATH.length) || 'index.html';
      const file = dir ? normalize(join(dir, rel)) : undefined;
      if (!dir || !file || !file.startsWith(normalize(dir) + sep) || !existsSync(file) || !statSync(file).isFile() || rel.split('/').some((p) => p.startsWith('.'))) {
        send(res, { statusCode: 404, headers: { ...consoleHeaders, 'content-type': 'text/plain' }, body: dir ? 'Not found' : 'The console is not built: npm start builds it.' });
        return true;
      }
      const hashed = rel.startsWith('assets/');
      const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
      // Compressed as CloudFront does, so the browser tests measure what a user downloads.
      const gzip = /^(text\/|application\/json|image\/svg)/.test(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      const content = readFileSync(file);
      res.writeHead(200, {
        ...consoleHeaders,
        'content-type': type,
        // Hashed file names never change; the page and its settings are checked every time.
        'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      });
      res.end(gzip ? gzipSync(content) : content);
      return true;
    }
    if (!path.startsWith(`${AUTH_PATH}/`)) return false;
    const json = (status: number, value: unknown) =>
      send(res, { statusCode: status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(value) });
    const users = this.opts.signInUsers ?? [];
    const consoleUri = (u: string | null) => u !== null && u.startsWith(`${origin}${CONSOLE_PATH}`);
    switch (`${req.method} ${path.slice(AUTH_PATH.length)}`) {
      case 'GET /oauth2/authorize': {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri');
        const challenge = q.get('code_challenge');
        if (q.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID || !consoleUri(redirectUri)) {
          json(400, { error: 'invalid_request', error_description: 'unknown client_id or redirect_uri' });
          return true;
        }
        const back = new URL(redirectUri!);
        const state = q.get('state');
        if (state) back.searchParams.set('state', state);
        const hint = q.get('login_hint');
        const user = (hint ? users.find((u) => u.email === hint || u.sub === hint || u.groups.includes(hint as LocalUser['groups'][number])) : undefined) ?? users[0];
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !challenge || !user) {
          back.searchParams.set('error', user ? 'invalid_request' : 'access_denied');
          back.searchParams.set('error_description', user ? 'authorization code with PKCE (S256) only' : 'no local user to sign in');
        } else {
          const code = randomBytes(24).toString('base64url');
          this.codes.set(code, { user, challenge, redirectUri: redirectUri!, expiresAt: Date.now() + 60_000 });
          back.searchParams.set('code', code);
        }
        send(res, { statusCode: 302, headers: { location: back.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
        return true;
      }
      case 'POST /oauth2/token': {
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID) {
          json(400, { error: 'invalid_client' });
          return true;
        }
        if (form.get('grant_type') === 'authorization_code') {
          const code = form.get('code') ?? '';
          const pending = this.codes.get(code);
          this.codes.delete(code);
          const verifier = form.get('code_verifier') ?? '';
          if (!pending || pending.expiresAt < Date.now() || pending.redirectUri !== form.get('redirect_uri') || b64url(createHash('sha256').update(verifier).digest()) !== pending.challenge) {
            json(400, { error: 'invalid_grant' });
            return true;
          }
          const id = this.issueIdToken(pending.user, origin);
          const refresh = randomBytes(32).toString('base64url');
          this.refreshTokens.set(refresh, pending.user);
          json(200, { id_token: id.token, access_token: id.token, refresh_token: refresh, token_type: 'Bearer', expires_in: id.expiresIn });
          return true;
        }
        if (form.get('grant_type') === 'refresh_token') {
          const user = this.refreshTokens.get(form.get('refresh_token') ?? '');
          if (!user) {
            json(400, { error: 'invalid_grant' });
            return true;
          }
          const id = this.issueIdToken(user, origin);
          json(200, { id_token: id.token, access_token: id.token, token_type: 'Bearer', expires_in: id.expiresIn });
          return true;
        }
        json(400, { error: 'unsupported_grant_type' });
        return true;
      }
      case 'POST /oauth2/revoke': {
        const form = new URLSearchParams(body.toString('utf8'));
        this.refreshTokens.delete(form.get('token') ?? '');
        json(200, {});
        return true;
      }
      case 'GET /logout': {
        const logoutUri = url.searchParams.get('logout_uri');
        if (url.searchParams.get('client_id') !== LOCAL_CONSOLE_CLIENT_ID || !consoleUri(logoutUri)) {
          json(400, { error: 'invalid_request', error_description: 'unknown client_id or logout_uri' });
          return true;
        }
        send(res, { statusCode: 302, headers: { location: logoutUri!, 'cache-control': 'no-store' } });
        return true;
      }
      default:
        json(404, { error: 'not_found' });
        return true;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (this.serveConsole(req, res, url, Buffer.concat(chunks))) return;
    // The customer pages: the links (/c/…), the SMS short links (/s/…) and the agency's dossier links (/d/…).
    const isCustomer = path === '/c' || path.startsWith('/c/') || path.startsWith('/s/') || path.startsWith('/d/');
    const isPublic = isCustomer || isPublicAdminRoute(req.method ?? 'GET', path);
    let claims: Record<string, string> | undefined;
    if (!isPublic) {
      const user = this.authenticate(req.headers.authorization);
      if (!user) return send(res, { statusCode: 401, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Unauthorized' }) });
      claims = { sub: user.sub, email: user.email, email_verified: 'true', 'cognito:groups': `[${user.groups.join(' ')}]`, exp: String(user.exp) };
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
