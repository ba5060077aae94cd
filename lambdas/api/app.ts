/**
 * The admin API as one middy handler: header normaliser, error answers and the router at the top;
 * per route the auth check, the JSON body parser and (POST) Powertools idempotency, then the
 * route's function with its input validated by the route's zod schemas.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import httpErrorHandler from '@middy/http-error-handler';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { JSONObject, JSONValue } from '@aws-lambda-powertools/commons/types';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { clock } from '../adapters/clock.js';
import { idempotentHandler } from '../adapters/idempotent-middleware.js';
import type { Tenant } from '../domain/model.js';
import { cachedTenant } from '../http/tenant-cache.js';
import { authorize, type User } from './auth.js';
import { ApiError, errorResponses, validationError } from './errors.js';
import { RawResponse, json, type ApiEvent } from './http.js';
import type { AdminApiDeps, RouteContext, RouteDef } from './route.js';
import { allRoutes } from './routes/index.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

// Field messages a person can read ("Too small: expected number to be >0") instead of "Invalid input".
z.config(en());

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

const MAX_IDEMPOTENCY_KEY = 255;

/** One idempotency record per key, user, method and path; the body must match on a replay. */
const IDEMPOTENCY_KEY_PATH =
  'headers."idempotency-key" && [headers."idempotency-key", requestContext.authorizer.jwt.claims.sub, requestContext.http.method, requestContext.http.path]';

const users = new WeakMap<object, User>();

const authMiddleware = (r: RouteDef): MiddlewareObj<Event, Result> => ({
  before: (request) => {
    if (r.access !== 'public') users.set(request.event, authorize(request.event, r.access));
    const key = request.event.headers?.['idempotency-key'];
    if (key === undefined && r.movesMoney) {
      throw new ApiError(428, 'idempotency_key_required', 'This request moves money: send an Idempotency-Key header (a new random value per operation, the same on a retry), so a retry is never applied twice.', [
        { field: 'Idempotency-Key', message: 'required on this route' },
      ]);
    }
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) {
      throw new ApiError(400, 'validation_failed', 'The Idempotency-Key header is invalid.', [
        { field: 'Idempotency-Key', message: `1 to ${MAX_IDEMPOTENCY_KEY} characters` },
      ]);
    }
  },
});

/** POSTs whose body is all optional may come without one: read an empty body as `{}`. */
const emptyBodyIsEmptyObject: MiddlewareObj<Event, Result> = {
  before: (request) => {
    const e = request.event;
    if (e.body === undefined || e.body === '') {
      e.body = '{}';
      e.isBase64Encoded = false;
      e.headers = { ...e.headers, 'content-type': e.headers?.['content-type'] ?? 'application/json' };
    }
  },
};

/** Path parameters come from the router, decoded once; the gateway's copy is dropped to avoid decoding twice. */
const dropGatewayPathParameters: MiddlewareObj<Event, Result> = {
  before: (request) => {
    delete request.event.pathParameters;
  },
};

const decodeParams = (raw: Record<string, string | undefined> | undefined, schemas: RouteDef['params'] = {}): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    let value: string;
    try {
      value = decodeURIComponent(v ?? '');
    } catch {
      throw new ApiError(400, 'validation_failed', 'The path has 1 invalid field.', [{ field: k, message: 'not a valid URL-encoded value' }]);
    }
    if (value.length === 0 || value.length > 128) {
      throw new ApiError(400, 'validation_failed', 'The path has 1 invalid field.', [{ field: k, message: '1 to 128 characters' }]);
    }
    const schema = Object.hasOwn(schemas, k) ? schemas[k] : undefined;
    const checked = schema?.safeParse(value);
    if (checked && !checked.success) throw new ApiError(400, 'validation_failed', 'The path has 1 invalid field.', [{ field: k, message: checked.error.issues[0]?.message ?? 'not valid' }]);
    out[k] = value;
  }
  return out;
};

/** A file route's bytes: one of its content types, not empty, not too large (the reason says which). */
const rawBodyOf = (event: Event, spec: NonNullable<RouteDef['rawBody']>): Uint8Array => {
  const type = (event.headers?.['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!spec.contentTypes.includes(type)) {
    throw new ApiError(415, 'unsupported_media_type', `Send the file as ${spec.contentTypes.join(', ')} (Content-Type was ${type || 'missing'}).`);
  }
  const body = typeof event.body === 'string' ? event.body : '';
  const bytes = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  if (bytes.byteLength === 0) throw new ApiError(400, 'validation_failed', 'The request has no file in its body.', [{ field: 'body', message: 'the file is empty' }]);
  if (bytes.byteLength > spec.maxBytes) {
    throw new ApiError(413, 'file_too_large', `The file is ${bytes.byteLength} bytes; the API takes up to ${spec.maxBytes}: upload larger statements to the documents bucket under bank/.`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/** A route that declares no query parameters refuses any, as the routes that do refuse unknown ones. */
const NO_QUERY = lazySchema(() => z.strictObject({}));

/** The route's path template as a pattern, to tell a wrong method (405) from an unknown path (404). */
const pathPattern = (path: string): RegExp =>
  new RegExp(`^${path.split('/').map((seg) => (/^\{\w+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
const ROUTE_PATTERNS = allRoutes.map((r) => ({ method: r.method, pattern: pathPattern(r.path) }));

/** middy's router found no route: a path some route serves under another method is a 405 naming those methods. */
const noRoute = ({ path }: { method: string; path: string }): never => {
  const allowed = [...new Set(ROUTE_PATTERNS.filter((r) => r.pattern.test(path)).map((r) => r.method))];
  if (allowed.length) {
    throw new ApiError(405, 'method_not_allowed', `This path answers ${allowed.join(', ')} only.`, undefined, { Allow: allowed.join(', ') });
  }
  throw new ApiError(404, 'route_not_found', 'No such route (check the method and the path).');
};

const isJsonObject = (v: JSONValue | undefined): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const parse = <S extends z.ZodMiniType>(schema: S, value: unknown, where: 'body' | 'query'): z.output<S> => {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error.issues, where);
  return r.data;
};

export const createAdminApi = (deps: AdminApiDeps) => {
  const deploymentTenant = cachedTenant(() => deps.tenants.getTenant(deps.tenantId));
  const loadTenant = async (): Promise<Tenant> => {
    const value = await deploymentTenant();
    if (!value) throw new Error(`tenant ${deps.tenantId} is not configured in the table`);
    return value;
  };

  const idempotencyConfig = new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
    payloadValidationJmesPath: 'body',
    expiresAfterSeconds: deps.idempotency?.expiresAfterSeconds ?? 24 * 3600,
    // The stored answer is the route's Result, as JSON: only its headers gain the replay mark.
    responseHook: (response) => {
      if (!isJsonObject(response)) return response;
      const headers = isJsonObject(response.headers) ? response.headers : {};
      return { ...response, headers: { ...headers, 'idempotent-replayed': 'true' } };
    },
  });

  const serve = (r: RouteDef) => async (event: Event, _context: Context): Promise<Result> => {
    const e: ApiEvent = event;
    const tenant = r.access === 'public' ? undefined : await loadTenant();
    const ctx: RouteContext<unknown, unknown> = {
      event: e,
      params: decodeParams(event.pathParameters, r.params),
      query: parse(r.query ?? NO_QUERY, event.queryStringParameters ?? {}, 'query'),
      body: r.body ? parse(r.body, e.body, 'body') : undefined,
      ...(r.rawBody ? { raw: rawBodyOf(event, r.rawBody) } : {}),
      user: users.get(event)!,
      // Public routes (the health check) answer without the tenant's record.
      get tenant(): Tenant {
        if (!tenant) throw new Error(`${r.path} is public: it reads no tenant`);
        return tenant;
      },
      now: clock.now(),
      deps,
    };
    const out: unknown = await r.handle(ctx);
    return out instanceof RawResponse ? out.toResult() : json(r.response.status, out);
  };

  const routes: Route<Event, Result>[] = allRoutes.map((r) => {
    const chain = middy<Event, Result>().use(authMiddleware(r));
    if (r.method !== 'GET' && !r.rawBody) chain.use(emptyBodyIsEmptyObject).use(httpJsonBodyParser());
    if (r.method === 'POST' && deps.idempotency) {
      chain.use(idempotentHandler<Event, Result>({ persistenceStore: deps.idempotency.persistenceStore, config: idempotencyConfig, keyPrefix: 'admin-api' }));
    }
    return { method: r.method, path: r.path, handler: chain.handler<Event, Result>(serve(r)) };
  });

  return middy<Event, Result>()
    .use(injectLambdaContext(deps.logger))
    .use(httpHeaderNormalizer())
    .use(httpErrorHandler({ logger: false, fallbackMessage: JSON.stringify({ code: 'internal_error', message: 'Internal error' }) }))
    .use(errorResponses(deps.logger))
    .use(dropGatewayPathParameters)
    .handler(httpRouterHandler<Event, Result>({ routes, notFoundResponse: noRoute }));
};
