/** /v1/reports: the ageing report the finance inboxes get every week, on demand, as JSON or CSV. */
import { buildAgeingReport } from '../../domain/reports/report.js';
import { customersCsv, invoicesCsv } from '../../domain/reports/report-csv.js';
import { RawResponse } from '../http.js';
import { AgeingReportQuery, AgeingReportResource, AgeingSummaryResource } from '../report-schemas.js';
import { ageingSummary } from '../../app/reports/ageing-summary.js';
import { route, type RouteDef } from '../route.js';

export const reportRoutes: RouteDef[] = [
  route({
    method: 'GET',
    path: '/v1/reports/ageing/summary',
    operationId: 'getAgeingSummary',
    summary: 'Ageing buckets and DSO, from the due-day histogram and the daily sales',
    description:
      'The buckets per currency and today\'s DSO, computed at the moment of the request in the tenant time zone from the histogram of open amounts by due day and the daily totals of credit sales (docs/reports.md): cheap at any portfolio size, for a dashboard. The full report, with its customers and lists, is GET /v1/reports/ageing.',
    tag: 'reports',
    access: 'read',
    response: { status: 200, schema: AgeingSummaryResource, description: 'The buckets and DSO.' },
    handle: async (c) => {
      const { read: _read, ...summary } = await ageingSummary({ ageingDays: c.deps.ageingDays, reports: c.deps.reports }, c.tenant, c.now);
      return summary;
    },
  }),
  route({
    method: 'GET',
    path: '/v1/reports/ageing',
    operationId: 'getAgeingReport',
    summary: 'The ageing report, now',
    description:
      'The same report the finance inboxes receive every week, computed at the moment of the request in the tenant time zone. `format=csv` answers text/csv (RFC 4180, UTF-8 with BOM): `rows=customers` one row per customer and currency, `rows=invoices` one row per open invoice.',
    tag: 'reports',
    access: 'read',
    query: AgeingReportQuery,
    response: { status: 200, schema: AgeingReportResource, description: 'The report.' },
    alternateContent: { contentType: 'text/csv', description: 'The report as CSV (format=csv).' },
    handle: async (c) => {
      const data = await c.deps.reports.reportInput(c.tenant, c.now);
      for (const r of data.unreadable ?? []) c.deps.logger.warn('record left out of the ageing report: it cannot be read', { tenantId: c.tenant.tenantId, ...r });
      const report = buildAgeingReport(data);
      if (c.query.format === 'json') return report;
      const lang = c.query.lang ?? c.tenant.language;
      const csv = c.query.rows === 'invoices' ? invoicesCsv(data.open, data.customers, report.today, lang) : customersCsv(report, lang);
      return new RawResponse(200, csv, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="ageing-${report.today}-${c.query.rows}.csv"`,
      }) as never;
    },
  }),
];
