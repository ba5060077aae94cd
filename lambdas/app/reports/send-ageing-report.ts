/**
 * The weekly ageing report, e-mailed to the tenant's finance team:
 * 1. Read the tenant.
 * 2. Read the open invoices and their customers (the open-by-due index and the activity feed, no Scan).
 * 3. Build the report (domain/reports/report.ts).
 * 4. With no finance inbox there is nobody to send it to: say so, send nothing.
 * 5. Mail it, with the customers and the invoices as two CSV attachments.
 */
import { buildAgeingReport } from '../../domain/reports/report.js';
import { customersCsv, invoicesCsv } from '../../domain/reports/report-csv.js';
import { renderReportEmail } from '../../domain/reports/report-email.js';
import type { Observability } from '../observability.js';
import type { Mailer } from '../ports/mailer.js';
import type { ReportRepository } from '../ports/reports.js';
import type { TenantRepository } from '../ports/tenants.js';

export type SendAgeingReportDeps = Observability & {
  tenants: Pick<TenantRepository, 'getTenant'>;
  reports: Pick<ReportRepository, 'reportInput'>;
  mailer: Pick<Mailer, 'send'>;
  /** The From address of the mail. */
  sender: string;
  now: () => Date;
};

export interface ReportResult {
  outcome: 'sent' | 'noRecipients';
  today: string;
  openInvoices: number;
  messageId?: string;
}

/** The tenant is not in the table: a data problem for a person, not for a retry. */
export class TenantMissingError extends Error {
  override readonly name = 'Sollecito.MissingData';
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export const sendAgeingReport = async (deps: SendAgeingReportDeps, input: { tenantId: string }): Promise<ReportResult> => {
  const { tenantId } = input;
  // 1. The tenant
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new TenantMissingError(`tenant ${tenantId} not found`);

  // 2, 3. The open invoices, the report
  const data = await deps.reports.reportInput(tenant, deps.now());
  for (const r of data.unreadable ?? []) deps.logger.warn('record left out of the ageing report: it cannot be read', { tenantId, ...r });
  const report = buildAgeingReport(data);
  const base = { tenantId, today: report.today, openInvoices: data.open.length };

  // 4. Somebody to send it to
  if (tenant.financeInboxes.length === 0) {
    deps.logger.warn('ageing report not sent: the tenant has no finance inbox', base);
    return { outcome: 'noRecipients', ...base };
  }

  // 5. Mail it
  const mail = renderReportEmail(report, tenant.language);
  const { messageId } = await deps.mailer.send({
    from: deps.sender,
    to: tenant.financeInboxes,
    replyTo: tenant.email,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    tags: { tenant: tenantId, kind: 'ageingReport' },
    attachments: [
      { filename: `ageing-${report.today}-customers.csv`, contentType: 'text/csv', content: utf8(customersCsv(report, tenant.language)) },
      { filename: `ageing-${report.today}-invoices.csv`, contentType: 'text/csv', content: utf8(invoicesCsv(data.open, data.customers, report.today, tenant.language)) },
    ],
  });
  deps.count('AgeingReportsSent');
  deps.logger.info('ageing report sent', { ...base, messageId });
  return { outcome: 'sent', messageId, ...base };
};
