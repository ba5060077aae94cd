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

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `errors` names each field and what is wrong with it.',
  401: 'No valid bearer token.',
  403: 'Signed in, but not in a group that may do this (writes need `finance`).',
  404: 'No such invoice or customer.',
  409: 'The invoice is in a state that does not allow this (e.g. already paid, disputed).',
  413: 'The file is larger than the route takes.',
  415: 'The body is not sent as the route takes it (application/json, or one of the file types it names).',
  422: 'Well formed but against a business rule (e.g. a promised date in the past, an overpayment).',
  428: 'No Idempotency-Key header on a request that moves money (`idempotency_key_required`): nothing was recorded; send one.',
  500: 'Our fault; nothing was recorded unless the answer says so.',
  503: 'Busy: a reminder for this invoice is being sent right now (`invoice_busy`), or the table is throttled (`service_busy`). Nothing was recorded; retry after Retry-After seconds.',
};

const operation = (r: RouteDef): Json => {
  const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  }));
  const queryParams = r.query
    ? Object.entries(((z.toJSONSchema(r.query, { io: 'input' }) as Json).properties ?? {}) as Record<string, Json>).map(([name, schema]) => ({
        name,
        in: 'query',
        required: false,
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
    ...(r.body || r.rawBody || r.query || pathParams.length ? [400] : []),
    ...(r.body || r.rawBody ? [415] : []),
    ...(r.rawBody ? [413] : []),
    ...(r.errors ?? []),
    ...(r.movesMoney ? [428] : []),
    500,
    // Any route may meet a throttled table.
    503,
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
    responses[String(code)] = { description: ERROR_TEXT[code] ?? 'Error', content: { 'application/json': { schema: ref('Error') } } };
  }
  return {
    operationId: r.operationId,
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    ...(r.access === 'public' ? { security: [] } : {}),
    ...(pathParams.length + queryParams.length + idempotencyHeader.length ? { parameters: [...pathParams, ...queryParams, ...idempotencyHeader] } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } } } : {}),
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
        'The finance team works the chase of unpaid invoices here. Amounts are integer minor units (cents) in the invoice currency; dates are YYYY-MM-DD, instants ISO 8601. Every change is written to the contact log with the user who made it.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'invoices', description: 'Invoices, their timeline, and the commands that steer the chase' },
      { name: 'calls', description: "The finance team's call queue" },
      { name: 'customers', description: 'Contacts, preferences, sales notes and credit holds' },
      { name: 'reports', description: 'The ageing report and outcome analytics' },
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
          description: 'A Cognito ID token in AWS (groups `finance`: read and write, `viewer`: read only); locally the token `npm start` prints.',
        },
      },
      schemas: { ...components(requestSchemas, 'input'), ...components(responseSchemas, 'output') },
    },
  };
};
