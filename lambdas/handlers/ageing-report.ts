/**
 * The weekly ageing report (EventBridge Scheduler, default Monday 08:00 Europe/Rome: REPORT_SCHEDULE
 * in domain/report.ts). Reads through the open-by-due index and the activity feed (no Scan), builds
 * the report, and e-mails it to the tenant's finance inboxes with two CSV attachments.
 *
 * Input (the schedule's target input): `{ "scheduledTime": "<aws.scheduler.scheduled-time>" }`,
 * optionally `tenantId` (else TENANT_ID). A repeated delivery of the same scheduledTime is answered
 * from the Powertools idempotency record instead of mailing the report twice.
 * Config: TENANT_ID, TABLE_NAME, SENDER_EMAIL, SES_CONFIGURATION_SET (+ endpoints locally).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import * as z from 'zod/mini';
import { buildAgeingReport } from '../domain/reports/report.js';
import { customersCsv, invoicesCsv } from '../domain/reports/report-csv.js';
import { renderReportEmail } from '../domain/reports/report-email.js';
import { clock } from '../adapters/clock.js';
import { idempotentHandler } from '../adapters/idempotent-middleware.js';
import { tableName } from '../adapters/dynamo/client.js';
import { MissingDataError } from './lib/load.js';
import { BadTaskInputError, parseTaskInput } from './lib/task-input.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

export const ReportEvent = z.object({
  tenantId: z.optional(z.string().check(z.minLength(1))),
  scheduledTime: z.optional(z.string()),
});

export interface ReportResult {
  outcome: 'sent' | 'noRecipients';
  today: string;
  openInvoices: number;
  messageId?: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export const sendAgeingReport = async (event: unknown): Promise<ReportResult> => {
  const input = parseTaskInput(ReportEvent, event ?? {});
  const tenantId = input.tenantId ?? process.env.TENANT_ID;
  if (!tenantId) throw new BadTaskInputError('report input: tenantId missing and TENANT_ID is not set');
  const tenant = await deps.tenants().getTenant(tenantId);
  if (!tenant) throw new MissingDataError(`tenant ${tenantId} not found`);

  const now = clock.now();
  const data = await deps.reports().reportInput(tenant, now);
  const report = buildAgeingReport(data);
  const base = { tenantId, today: report.today, openInvoices: data.open.length };
  if (tenant.financeInboxes.length === 0) {
    logger.warn('ageing report not sent: the tenant has no finance inbox', base);
    return { outcome: 'noRecipients', ...base };
  }

  const mail = renderReportEmail(report, tenant.language);
  const { messageId } = await deps.mailer().send({
    from: deps.sender(),
    to: tenant.financeInboxes,
    replyTo: tenant.email,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    tags: { tenant: tenantId, kind: 'ageingReport' },
    attachments: [
      { filename: `ageing-${report.today}-customers.csv`, contentType: 'text/csv', content: utf8(customersCsv(report, tenant.language)) },
      {
        filename: `ageing-${report.today}-invoices.csv`,
        contentType: 'text/csv',
        content: utf8(invoicesCsv(data.open, data.customers, report.today, tenant.language)),
      },
    ],
  });
  count('AgeingReportsSent');
  logger.info('ageing report sent', { ...base, messageId });
  return { outcome: 'sent', messageId, ...base };
};

const idempotency = () =>
  idempotentHandler({
    persistenceStore: new DynamoDBPersistenceLayer({ tableName: tableName(), keyAttr: 'pk', sortKeyAttr: 'sk', expiryAttr: 'ttl' }),
    config: new IdempotencyConfig({ eventKeyJmesPath: 'scheduledTime', throwOnNoIdempotencyKey: false, expiresAfterSeconds: 7 * 24 * 3600 }),
    keyPrefix: 'ageing-report',
  });

export const handler = middy(sendAgeingReport).use(injectLambdaContext(logger)).use(logMetrics(metrics)).use(idempotency());
