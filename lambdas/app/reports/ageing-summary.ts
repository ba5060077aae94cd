/**
 * The buckets and today's DSO from the ageing histogram, without reading the open invoices:
 * 1. The tenant's day items (a few thousand at most: currencies × due days still owed on).
 * 2. The credit sales of the DSO period from the activity feed (the invoices issued in it).
 * 3. The report's own formulas (domain/reports/ageing-days.ts), so the figures are the report's.
 * What needs the invoices one by one (per customer, disputes, calls, the invoice CSV, the DSO trend's
 * escalations) stays with the full report (send-ageing-report.ts).
 */
import { creditSalesOf, dsoRows, receivablesFromDays, totalsFromDays, type AgeingTotal, type DsoRow } from '../../domain/reports/ageing-days.js';
import { DSO_PERIOD_DAYS } from '../../domain/reports/report.js';
import type { Tenant } from '../../domain/model.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import type { AgeingDayStore } from '../ports/ageing-days.js';
import type { ReportRepository } from '../ports/reports.js';

export interface AgeingSummaryDeps {
  ageingDays: Pick<AgeingDayStore, 'days'>;
  reports: Pick<ReportRepository, 'activity'>;
}

export interface AgeingSummary {
  today: string;
  totals: AgeingTotal[];
  dso: { method: 'simple'; periodDays: number; currencies: DsoRow[] };
  /** Items read: day items and activity items. */
  read: { days: number; activity: number };
}

export const ageingSummary = async (deps: AgeingSummaryDeps, tenant: Pick<Tenant, 'tenantId' | 'timeZone'>, now: Date): Promise<AgeingSummary> => {
  const today = localDay(now, tenant.timeZone);
  // 1, 2. The days and the period's sales
  const [days, activity] = await Promise.all([deps.ageingDays.days(tenant.tenantId), deps.reports.activity(tenant.tenantId, addDays(today, -(DSO_PERIOD_DAYS - 1)), today)]);
  // 3. The report's figures
  return {
    today,
    totals: totalsFromDays(days, today),
    dso: { method: 'simple', periodDays: DSO_PERIOD_DAYS, currencies: dsoRows(receivablesFromDays(days), creditSalesOf(activity, today, DSO_PERIOD_DAYS), DSO_PERIOD_DAYS) },
    read: { days: days.length, activity: activity.length },
  };
};
