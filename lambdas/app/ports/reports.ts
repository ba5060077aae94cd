import type { ActivityItem } from '../../domain/reports/activity.js';
import type { Tenant } from '../../domain/model.js';
import type { ReportInput } from '../../domain/reports/report.js';
import type { SalesDay } from '../../domain/reports/sales-days.js';

/** What the ageing report reads, and the activity feed it reads from. */
export interface ReportRepository {
  /** Everything the report of `now` needs. */
  reportInput(tenant: Tenant, now: Date): Promise<ReportInput>;
  /** The activity feed from `from` to `to` (local dates, inclusive). */
  activity(tenantId: string, from: string, to: string): Promise<ActivityItem[]>;
  /** The credit sales by issue day of the local days `from` to `to` (inclusive): the issued items of those days added up. */
  salesDays(tenantId: string, from: string, to: string): Promise<SalesDay[]>;
  /**
   * Writes activity items; a repeated item lands on the same key, so retries add nothing. An issued
   * item moves its sales day by exactly what it changes, in the same write.
   */
  recordActivity(items: readonly ActivityItem[]): Promise<void>;
  /** Removes one activity item (an invoice's issue filed under a date a corrected revision changed), an issue with what it added to its sales day. */
  forgetActivity(tenantId: string, date: string, id: string): Promise<void>;
}
