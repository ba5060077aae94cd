import type { IssuedActivity } from '../../domain/reports/activity.js';
import type { SalesDay } from '../../domain/reports/sales-days.js';

/** A sales day as read, with its write counter (bumped by every change to it). */
export interface StoredSalesDay extends SalesDay {
  writes: number;
}

/**
 * The credit sales by issue day (domain/reports/sales-days.ts), as the repair sees them. The day
 * items change with the issued activity items, in the same transactions (the activity feed's
 * writer, ReportRepository.recordActivity and forgetActivity).
 */
export interface SalesDayStore {
  /** The day items of the local days `from` to `to` (inclusive), strongly consistent. */
  days(tenantId: string, from: string, to: string): Promise<StoredSalesDay[]>;
  /** The issued activity items filed under the days `from` to `to`, strongly consistent. */
  issued(tenantId: string, from: string, to: string): Promise<IssuedActivity[]>;
  /** Replaces one day's totals only if its write counter is still `expectedWrites` (undefined: the item must not exist); a day of nothing is deleted. */
  setDay(tenantId: string, day: SalesDay, expectedWrites: number | undefined): Promise<boolean>;
}
