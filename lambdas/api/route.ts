/**
 * One declaration per route: method, path, who may call it, the schemas of its input and output,
 * and the function that serves it. The router (app.ts) and the OpenAPI document (openapi.ts) are
 * both built from these declarations.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type * as z from 'zod/mini';
import type { BankCreditRepository } from '../app/ports/bank-credits.js';
import type { Blobs } from '../app/ports/blobs.js';
import type { StatementFeed } from '../app/ports/statement-feed.js';
import type { CallQueueRepository } from '../app/ports/call-queue.js';
import type { Commands } from '../app/ports/commands.js';
import type { CustomerRepository } from '../app/ports/customers.js';
import type { DomainEvents } from '../app/ports/domain-events.js';
import type { InvoiceList } from '../app/ports/invoice-list.js';
import type { InvoiceRepository } from '../app/ports/invoices.js';
import type { ReportRepository } from '../app/ports/reports.js';
import type { AgeingDayStore } from '../app/ports/ageing-days.js';
import type { TaskRepository } from '../app/ports/tasks.js';
import type { TenantRepository } from '../app/ports/tenants.js';
import type { PolicyRepository, TimelineRestarts } from '../app/ports/policies.js';
import type { PortfolioReader } from '../app/ports/portfolio.js';
import type { WordingRepository } from '../app/ports/wording.js';
import type { Tenant } from '../domain/model.js';
import type { SendSpread } from '../domain/timeline/send-spread.js';
import type { Access, User } from './auth.js';
import type { ApiEvent } from './http.js';

export interface AdminApiDeps {
  tenantId: string;
  tenants: TenantRepository;
  /** The company's own policies (/v1/policies). */
  policies: PolicyRepository;
  /** Re-planning open invoices after a policy or an assignment changed. */
  restarts: TimelineRestarts;
  customers: CustomerRepository;
  invoices: InvoiceRepository;
  callQueue: CallQueueRepository;
  tasks: TaskRepository;
  reports: ReportRepository;
  /** The ageing histogram by due day, kept by the table stream (GET /v1/reports/ageing/summary). */
  ageingDays: Pick<AgeingDayStore, 'days'>;
  /** The open invoices and their customers, whole, for a what-if (/v1/simulations). */
  portfolio: PortfolioReader;
  commands: Commands;
  queries: InvoiceList;
  /** The bank credits read from the statements (GET/POST /v1/bank-credits). */
  bankCredits: BankCreditRepository;
  /** Where an uploaded bank statement is put (bank/…): the bank-statements function reads it from there. */
  documents: Pick<Blobs, 'put'>;
  /** What reading each statement file did (GET /v1/bank-statements). */
  statementFeed: Pick<StatementFeed, 'reads'>;
  events: DomainEvents;
  /** The company's own wording of its messages (/v1/wording). */
  wording: WordingRepository;
  /** The SES sending rate and the morning it carries (deploy settings): the preview and the what-if place sends as PlanTimeline does. */
  sendSpread?: SendSpread;
  /** Powertools idempotency for POSTs carrying an Idempotency-Key; off when absent. */
  idempotency?: { persistenceStore: BasePersistenceLayer; expiresAfterSeconds?: number };
  logger: Logger;
}

export interface RouteContext<B, Q> {
  event: ApiEvent;
  params: Record<string, string>;
  body: B;
  /** The request's bytes, on a route that takes a file (`rawBody`). */
  raw?: Uint8Array;
  query: Q;
  /** Undefined only on public routes. */
  user: User;
  tenant: Tenant;
  now: Date;
  deps: AdminApiDeps;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteDef<B extends z.ZodMiniType = z.ZodMiniType, Q extends z.ZodMiniType = z.ZodMiniType, R extends z.ZodMiniType = z.ZodMiniType> {
  method: HttpMethod;
  /** OpenAPI-style path, e.g. /v1/invoices/{id}. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'meta' | 'invoices' | 'calls' | 'customers' | 'reports' | 'policies' | 'wording';
  access: Access;
  body?: B;
  /** The route takes a file as it is (a bank statement), not JSON: its content types and the largest size. */
  rawBody?: { contentTypes: readonly string[]; maxBytes: number; description: string };
  query?: Q;
  /** Schemas of path parameters beyond "1 to 128 characters" (a customer id holds no '#'); a mismatch is a 400 naming the parameter. */
  params?: Readonly<Record<string, z.ZodMiniType<string>>>;
  response: { status: number; schema: R; description: string };
  /** Another representation of the success answer (e.g. text/csv), returned by `handle` as a RawResponse. */
  alternateContent?: { contentType: string; description: string };
  /** The error statuses this route may answer besides 400/401/403/500. */
  errors?: number[];
  /**
   * The route records, applies or takes back money (a payment, a credit, a write-off): it takes no
   * request without an Idempotency-Key (428), so a retried request can never record it twice.
   */
  movesMoney?: true;
  // A method, so a declaration with its own body and query types joins the list of routes: the
  // router hands each route the input its own schemas parsed.
  handle(ctx: RouteContext<z.output<B>, z.output<Q>>): Promise<z.input<R>>;
}

/** Keeps the generic parameters of one declaration while collecting them in one list. */
export const route = <B extends z.ZodMiniType, Q extends z.ZodMiniType, R extends z.ZodMiniType>(def: RouteDef<B, Q, R>): RouteDef => def;
