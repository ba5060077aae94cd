/** Every route of the admin API: what the router serves, the OpenAPI document describes and the infra wires. */
import * as z from 'zod/mini';
import { openApiDocument } from '../openapi.js';
import { route, type RouteDef } from '../route.js';
import { Health, responseSchemas } from '../schemas.js';
import { bankCreditRoutes } from './bank-credits.js';
import { bankStatementRoutes } from './bank-statements.js';
import { callRoutes } from './calls.js';
import { customerCreditRoutes } from './customer-credits.js';
import { customerRoutes } from './customers.js';
import { invoiceRoutes } from './invoices.js';
import { policyRoutes } from './policies.js';
import { reportRoutes } from './reports.js';
import { simulationRoutes } from './simulations.js';
import { taskRoutes } from './tasks.js';
import { wordingRoutes } from './wording.js';
import { lazySchema } from '../../domain/shared/lazy-schema.js';

const OpenApiJson = lazySchema(() => z
  .record(z.string(), z.unknown()))
  .register(responseSchemas, { id: 'OpenApiDocument', description: 'This document (OpenAPI 3.1).' });

let document: Record<string, unknown> | undefined;
/** The OpenAPI document of the whole API, built once. */
export const adminApiDocument = (): Record<string, unknown> => (document ??= openApiDocument(allRoutes));

const metaRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Health check (no auth)',
    description: 'Answers 200 while the function runs; it reads nothing from the table.',
    tag: 'meta',
    access: 'public',
    response: { status: 200, schema: Health, description: 'The API answers.' },
    handle: async () => ({ status: 'ok' as const }),
  }),
  route({
    method: 'GET',
    path: '/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI document (no auth)',
    description: 'The published contract: public, like the health check, as it holds no data. Every other route needs the bearer token.',
    tag: 'meta',
    access: 'public',
    response: { status: 200, schema: OpenApiJson, description: 'The OpenAPI 3.1 document.' },
    handle: async () => adminApiDocument(),
  }),
];

export const allRoutes: RouteDef[] = [...metaRoutes, ...invoiceRoutes, ...callRoutes, ...customerRoutes, ...customerCreditRoutes, ...reportRoutes, ...taskRoutes, ...bankCreditRoutes, ...bankStatementRoutes, ...policyRoutes, ...simulationRoutes, ...wordingRoutes];
