import type { ActivityItem } from '../../domain/reports/activity.js';
import type { Tenant } from '../../domain/model.js';
import type { ReportInput } from '../../domain/reports/report.js';

/** What the ageing report reads, and the activity feed it reads from. */
export interface ReportRepository {
  /** Everything the report of `now` needs. */
  reportInput(tenant: Tenant, now: Date): Promise<ReportInput>;
  /** The activity feed from `from` to `to` (local dates, inclusive). */
  activity(tenantId: string, from: string, to: string): Promise<ActivityItem[]>;
  /** Writes activity items; a repeated item lands on the same key, so retries add nothing. */
  recordActivity(items: readonly ActivityItem[]): Promise<void>;
  /** Removes one activity item (an invoice's issue filed under a date a corrected revision changed). */
  forgetActivity(tenantId: string, date: string, id: string): Promise<void>;
}
