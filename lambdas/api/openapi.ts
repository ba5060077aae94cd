/**
 * The OpenAPI 3.1 document, generated from the route declarations and their zod schemas with
 * zod's own toJSONSchema: request bodies as clients send them (io 'input'), responses as the API
 * returns them (io 'output').
 */
import * as z from 'zod/mini';
import type { RouteDef } from './route.js';
import { requestSchemas, responseSchemas } from './schemas.js';

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const uri = (id: string) => `#/components/schemas/${id}`;

/** Component schemas: the registry's entries without the per-document $schema/$id zod adds. */
const components = (registry: typeof requestSchemas, io: 'input' | 'output'): Record<string, Json> => {
  const { schemas } = z.toJSONSchema(registry, { io, uri, target: 'draft-2020-12' }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...schema }]) => [id, schema]));
};

const schemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): Json => {
  const registry = io === 'input' ? requestSchemas : responseSchemas;
  const id = registry.get(schema)?.id;
  if (id) return ref(id);
  const { $schema: _s, ...inline } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as Json;
  return inline;
};

/** Statuses API Gateway may answer itself, with its `{ "message" }` body rather than the API's Error. */
const GATEWAY_ALSO: ReadonlySet<number> = new Set([401, 413, 429, 500, 503, 504]);

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` names each field and what is wrong with it. A query parameter the route does not take is refused too (`validation_failed`, the parameter named with "unknown field").',
  401: 'No valid bearer token. In AWS the JWT authorizer answers first, with `{"message":"Unauthorized"}`; the function answers `Error` with code `unauthenticated`.',
  403: 'Signed in, but not in a group that may do this (writes need `finance` or `admin`).',
  404: 'No such invoice or customer.',
  409: 'The invoice is in a state that does not allow this (e.g. already paid, disputed).',
  413: 'The body is larger than the route takes (`file_too_large`). API Gateway refuses bodies over 10 MB itself, with `{"message":…}`; a body over the 6 MB a Lambda function can be handed never reaches the function either, and comes back as API Gateway\'s own `{"message":…}` error.',
  415: 'The body is not sent as the route takes it (application/json, or one of the file types it names).',
  422: 'Well formed but against a business rule (e.g. a promised date in the past, an overpayment).',
  428: 'No Idempotency-Key header on a request that moves money (`idempotency_key_required`): nothing was recorded; send one.',
  429: "Too many requests: the stage's throttle (API Gateway's own answer, `{\"message\":\"Too Many Requests\"}`). Retry later.",
  500: 'Our fault; nothing was recorded unless the answer says so. An `{"message":"Internal Server Error"}` body is API Gateway\'s, when the function itself failed.',
  504: "The function did not answer within API Gateway's 30 seconds (`{\"message\":…}`): a write may or may not have been recorded; repeat it with the same Idempotency-Key.",
  503: 'Busy: a reminder for this invoice is being sent right now (`invoice_busy`), or the table is throttled (`service_busy`). Nothing was recorded; retry after Retry-After seconds.',
};

const operation = (r: RouteDef): Json => {
  const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: r.params?.[m[1]!] ? { minLength: 1, maxLength: 128, ...schemaOf(r.params[m[1]!]!, 'input') } : { type: 'string', minLength: 1, maxLength: 128 },
  }));
  const queryParams = r.query
    ? Object.entries(((z.toJSONSchema(r.query, { io: 'input' }) as Json).properties ?? {}) as Record<string, Json>).map(([name, { description, ...schema }]) => ({
        name,
        in: 'query',
        required: false,
        ...(typeof description === 'string' ? { description } : {}),
        schema,
      }))
    : [];
  const idempotencyHeader =
    r.method === 'POST'
      ? [
          {
            name: 'Idempotency-Key',
            in: 'header',
            required: r.movesMoney === true,
            description: `Repeat a request with the same key (same user, same route, same body) and the first answer is returned instead of acting twice. Kept for 24 hours.${r.movesMoney ? ' Required: this request moves money (428 without it).' : ''}`,
            schema: { type: 'string', minLength: 1, maxLength: 255 },
          },
        ]
      : [];
  const errorCodes = new Set<number>([
    ...(r.access === 'public' ? [] : [401, 403]),
    // Every route refuses a query parameter it does not take.
    400,
    ...(r.body || r.rawBody ? [413, 415] : []),
    // The stage's throttle (API Gateway's own answer).
    429,
    ...(r.errors ?? []),
    ...(r.movesMoney ? [428] : []),
    500,
    // Any route may meet a throttled table.
    503,
    // The function did not answer in time (API Gateway's own answer).
    504,
  ]);
  const responses: Json = {
    [String(r.response.status)]: {
      description: r.response.description,
      content: {
        'application/json': { schema: schemaOf(r.response.schema, 'output') },
        ...(r.alternateContent ? { [r.alternateContent.contentType]: { schema: { type: 'string', description: r.alternateContent.description } } } : {}),
      },
    },
  };
  for (const code of [...errorCodes].sort()) {
    // API Gateway answers some of these itself, before the function, with its own body.
    const schema = GATEWAY_ALSO.has(code) ? { anyOf: [ref('Error'), ref('GatewayMessage')] } : ref('Error');
    responses[String(code)] = { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/json': { schema } } };
  }
  return {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    ...(r.access === 'public' ? { security: [] } : {}),
    ...(pathParams.length + queryParams.length + idempotencyHeader.length ? { parameters: [...pathParams, ...queryParams, ...idempotencyHeader] } : {}),
    // A body that may be left out entirely (read as {}) is not required.
    ...(r.body ? { requestBody: { required: !z.safeParse(r.body, {}).success, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
    ...(r.rawBody
      ? { requestBody: { required: true, description: r.rawBody.description, content: Object.fromEntries(r.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary', maxLength: r.rawBody!.maxBytes } }])) } }
      : {}),
    responses,
    'x-sollecito-access': r.access,
  };
};

export const openApiDocument = (routes: RouteDef[]): Json => {
  const paths: Record<string, Json> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method.toLowerCase()] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Sollecito admin API',
      version: '1.0.0',
      description:
        [
          'The finance team works the chase of unpaid invoices here. Amounts are integer minor units (cents) in the invoice currency; dates are YYYY-MM-DD, instants ISO 8601. Every change is written to the contact log with the user who made it.',
          'Errors are `Error` (`code`, `message`, `errors` per field) when the function answers them. A path under /v1 that no route serves answers 404 `route_not_found`; a path a route serves under another method answers 405 `method_not_allowed` with an `Allow` header. API Gateway (an HTTP API, whose own answers cannot be reshaped) answers some requests before the function, with `GatewayMessage` (`{"message":…}`): 401 without a valid token, 404 for a path outside /v1 that is not a route of this document (and for a method other than GET on /health or /openapi.json), 413 for a body over its limit, 429 past the stage throttle, 500 or 503 when the function could not be run, 504 when it did not answer in 30 seconds.',
          'This document is public, like /health: GET /openapi.json needs no token. Every other route needs the bearer token.',
        ].join('\n\n'),
      license: { name: 'Proprietary', identifier: 'LicenseRef-Sollecito-Proprietary' },
    },
    // The stage's own URL (the `AdminApiUrl` output in AWS, the URL `npm start` prints locally).
    servers: [{ url: '/', description: 'The API stage this document was read from' }],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'invoices', description: 'Invoices, their timeline, and the commands that steer the chase' },
      { name: 'calls', description: "The finance team's call queue" },
      { name: 'customers', description: 'Contacts, preferences, sales notes and credit holds' },
      { name: 'reports', description: 'The ageing report and outcome analytics' },
      { name: 'policies', description: "The company's own chase policies, versioned, beside the read-only presets" },
      { name: 'wording', description: "The company's own wording of its customer messages" },
      { name: 'meta', description: 'Health and this document' },
    ],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A Cognito ID token in AWS (groups `finance` and `admin`: read and write, `viewer`: read only); locally the token `npm start` prints.',
        },
      },
      schemas: {
        ...components(requestSchemas, 'input'),
        ...components(responseSchemas, 'output'),
        GatewayMessage: {
          type: 'object',
          description: "API Gateway's own answer (authorizer, throttle, payload limit, integration failure), before or instead of the function's.",
          properties: { message: { type: 'string' } },
          required: ['message'],
        },
      },
    },
  };
};
