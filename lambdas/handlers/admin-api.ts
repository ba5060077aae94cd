/**
 * The finance team's admin API (API Gateway HTTP API, JWT authorizer on every route but /health).
 * (adapter) --> use case --> domain: wiring only. The HTTP app and its routes are lambdas/api, each
 * route running its command (domain/commands/commands.ts) through the Commands port
 * (adapters/dynamo-commands.ts).
 * Config: TENANT_ID, TABLE_NAME, STATE_MACHINE_ARN, EVENT_BUS_NAME, SES_MAX_SEND_RATE and
 * SEND_SPREAD_VOLUME (the preview's and the what-if's send spread) (+ the SDK's endpoint variables locally).
 */
import { createAdminApi } from '../api/app.js';
import type { AdminApiDeps } from '../api/route.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { idempotencyStore } from './lib/idempotency-store.js';
import { requiredEnv } from './lib/env.js';
import { logger } from './lib/powertools.js';
import { sendSpreadFromEnv } from '../adapters/send-spread-config.js';

/** The Lambda handler over any dependencies: tests pass theirs, the deployed function those of its environment. */
export const makeAdminApiHandler = (d: AdminApiDeps) => createAdminApi(d);

const sendSpread = sendSpreadFromEnv();

const fromEnvironment = (): AdminApiDeps => ({
  tenantId: requiredEnv('TENANT_ID'),
  tenants: deps.tenants(),
  policies: deps.policies(),
  restarts: deps.timelineRestarts(),
  customers: deps.customers(),
  invoices: deps.invoices(),
  callQueue: deps.callQueue(),
  tasks: deps.tasks(),
  reports: deps.reports(),
  ageingDays: deps.ageingDays(),
  portfolio: deps.portfolio(),
  commands: deps.commandsWarningOnStopFailure(logger),
  queries: deps.invoiceList(),
  bankCredits: deps.bankCredits(),
  // Built on the first statement upload: no other route reaches the bucket.
  documents: { put: (key, body, contentType) => deps.blobs().put(key, body, contentType) },
  statementFeed: deps.statementFeed(),
  events: deps.events(),
  wording: deps.wording(),
  idempotency: { persistenceStore: idempotencyStore() },
  ...(sendSpread ? { sendSpread } : {}),
  logger,
});

export const handler = builtOnFirstCall(() => makeAdminApiHandler(fromEnvironment()));
