/** /v1/reports: the ageing report the finance inboxes get every week, on demand, as JSON or CSV. */
import { buildAgeingReport } from '../../domain/reports/report.js';
import { customersCsv, invoicesCsv } from '../../domain/reports/report-csv.js';
import { RawResponse } from '../http.js';
import { AgeingReportQuery, AgeingReportResource } from '../report-schemas.js';
import { route, type RouteDef } from '../route.js';

export const reportRoutes: RouteDef[] = [
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
