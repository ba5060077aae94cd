/**
 * The buckets and today's DSO from the ageing histogram, without reading the open invoices or the
 * invoices issued:
 * 1. The tenant's day items (a few thousand at most: currencies × due days still owed on), and the
 *    credit sales by issue day of the DSO period (at most DSO_PERIOD_DAYS × currencies items).
 * 2. The report's own formulas (domain/reports/ageing-days.ts, sales-days.ts), so the figures are the
 *    report's: the sales days add up the same issued items creditSalesOf adds up from the feed.
 * What needs the invoices one by one (per customer, disputes, calls, the invoice CSV, the DSO trend's
 * escalations) stays with the full report (send-ageing-report.ts).
 */
import { dsoRows, receivablesFromDays, totalsFromDays, type AgeingTotal, type DsoRow } from '../../domain/reports/ageing-days.js';
import { creditSalesFromDays } from '../../domain/reports/sales-days.js';
import { DSO_PERIOD_DAYS } from '../../domain/reports/report.js';
import type { Tenant } from '../../domain/model.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import type { AgeingDayStore } from '../ports/ageing-days.js';
import type { ReportRepository } from '../ports/reports.js';

export interface AgeingSummaryDeps {
  ageingDays: Pick<AgeingDayStore, 'days'>;
  reports: Pick<ReportRepository, 'salesDays'>;
}

export interface AgeingSummary {
  today: string;
  totals: AgeingTotal[];
  dso: { method: 'simple'; periodDays: number; currencies: DsoRow[] };
  /** Items read: due-day items and sales-day items. */
  read: { days: number; salesDays: number };
}

export const ageingSummary = async (deps: AgeingSummaryDeps, tenant: Pick<Tenant, 'tenantId' | 'timeZone'>, now: Date): Promise<AgeingSummary> => {
  const today = localDay(now, tenant.timeZone);
  // 1. The days and the period's sales
  const [days, sales] = await Promise.all([deps.ageingDays.days(tenant.tenantId), deps.reports.salesDays(tenant.tenantId, addDays(today, -(DSO_PERIOD_DAYS - 1)), today)]);
  // 2. The report's figures
  return {
    today,
    totals: totalsFromDays(days, today),
    dso: { method: 'simple', periodDays: DSO_PERIOD_DAYS, currencies: dsoRows(receivablesFromDays(days), creditSalesFromDays(sales, today, DSO_PERIOD_DAYS), DSO_PERIOD_DAYS) },
    read: { days: days.length, salesDays: sales.length },
  };
};
