/**
 * The weekly ageing report (EventBridge Scheduler, default Monday 08:00 Europe/Rome: REPORT_SCHEDULE
 * in domain/reports/report.ts).
 * (adapter) --> use case --> domain: this schedule target --> app/reports/send-ageing-report.ts -->
 * domain/reports (the report, its e-mail and CSVs).
 * Input (the schedule's target input): `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`,
 * optionally `tenantId` (else TENANT_ID). A repeated delivery of the same scheduledTime is answered
 * from the Powertools idempotency record instead of mailing the report twice.
 * Config: TENANT_ID, TABLE_NAME, SENDER_EMAIL, SES_CONFIGURATION_SET (+ endpoints locally).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { sendAgeingReport, type ReportResult, type SendAgeingReportDeps } from '../app/reports/send-ageing-report.js';
import { clock } from '../adapters/clock.js';
import { idempotentHandler } from '../adapters/idempotent-middleware.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { idempotencyStore } from './lib/idempotency-store.js';
import { requiredEnv } from './lib/env.js';
import { parseTaskInput } from './lib/task-input.js';
import { count, logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

export const ReportEvent = lazySchema(() => z.object({
  tenantId: z.optional(z.string().check(z.minLength(1))),
  scheduledTime: z.optional(z.string()),
}));

export type { ReportResult };

export interface AgeingReportDeps extends SendAgeingReportDeps {
  /** The deployment's tenant, when the input names none. */
  tenantId: string;
  idempotencyStore: BasePersistenceLayer;
  logger: Logger;
  metrics: Metrics;
}

export const makeAgeingReportHandler = (d: AgeingReportDeps) =>
  middy((event: unknown) => {
    const input = parseTaskInput(ReportEvent, event ?? {});
    return sendAgeingReport(d, { tenantId: input.tenantId ?? d.tenantId });
  })
    .use(injectLambdaContext(d.logger))
    .use(logMetrics(d.metrics))
    .use(
      idempotentHandler<unknown, ReportResult>({
        persistenceStore: d.idempotencyStore,
        config: new IdempotencyConfig({ eventKeyJmesPath: 'scheduledTime', throwOnNoIdempotencyKey: false, expiresAfterSeconds: 7 * 24 * 3600 }),
        keyPrefix: 'ageing-report',
      }),
    );

const fromEnvironment = (): AgeingReportDeps => ({
  tenantId: requiredEnv('TENANT_ID'),
  tenants: deps.tenants(),
  reports: deps.reports(),
  mailer: deps.mailer(),
  sender: deps.sender(),
  idempotencyStore: idempotencyStore(),
  now: () => clock.now(),
  logger,
  metrics,
  count,
});

export const handler = builtOnFirstCall(() => makeAgeingReportHandler(fromEnvironment()));
