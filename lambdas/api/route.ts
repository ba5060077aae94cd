/**
 * One declaration per route: method, path, who may call it, the schemas of its input and output,
 * and the function that serves it. The router (app.ts) and the OpenAPI document (openapi.ts) are
 * both built from these declarations.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type * as z from 'zod/mini';
import type { DynamoCommands } from '../adapters/dynamo-commands.js';
import type { DynamoQueries } from '../adapters/dynamo-queries.js';
import type { DynamoStore } from '../adapters/dynamo-store.js';
import type { DomainEvents } from '../adapters/ports.js';
import type { Tenant } from '../domain/model.js';
import type { Access, User } from './auth.js';
import type { ApiEvent } from './http.js';

export interface AdminApiDeps {
  tenantId: string;
  store: DynamoStore;
  commands: DynamoCommands;
  queries: DynamoQueries;
  events: DomainEvents;
  /** Starts the chase of invoices that waited for a reachable contact (dynamo-ingest.ts). */
  activateInvoicesNeedingContact: (tenantId: string, customerId: string) => Promise<unknown>;
  /** Powertools idempotency for POSTs carrying an Idempotency-Key; off when absent. */
  idempotency?: { persistenceStore: BasePersistenceLayer; expiresAfterSeconds?: number };
  logger: Logger;
}

export interface RouteContext<B, Q> {
  event: ApiEvent;
  params: Record<string, string>;
  body: B;
  query: Q;
  /** Undefined only on public routes. */
  user: User;
  tenant: Tenant;
  now: Date;
  deps: AdminApiDeps;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

export interface RouteDef<B extends z.ZodMiniType = z.ZodMiniType, Q extends z.ZodMiniType = z.ZodMiniType, R extends z.ZodMiniType = z.ZodMiniType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. /v1/invoices/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'meta' | 'invoices' | 'calls' | 'customers' | 'reports';
  access: Access;
  body?: B;
  query?: Q;
  response: { status: number; schema: R; description: string };
  /** Another representation of the success answer (e.g. text/csv), returned by `handle` as a RawResponse. */
  alternateContent?: { contentType: string; description: string };
  /** The error statuses this route may answer besides 400/401/403/500. */
  errors?: number[];
  handle: (ctx: RouteContext<z.output<B>, z.output<Q>>) => Promise<z.input<R>>;
}

/** Keeps the generic parameters of one declaration while collecting them in one list. */
export const route = <B extends z.ZodMiniType, Q extends z.ZodMiniType, R extends z.ZodMiniType>(def: RouteDef<B, Q, R>): RouteDef =>
  def as unknown as RouteDef;
