/**
 * The credit sales by issue day rebuilt from the activity feed's issued items (`npm run
 * ageing:rebuild`, after the ageing histogram), for the days `from` to `to`, safe while the stream
 * keeps writing: round by round (settle-days.ts), the day items are read, then the issued items of
 * the range (strongly consistent), then the day items again; a day whose write counter did not move
 * had none of its issued items written meanwhile (each such write bumps it in the same transaction),
 * so the sum read is exact and is written under that counter. Day items outside the range are left
 * as they are. One rebuild of a tenant at a time.
 */
import pLimit from 'p-limit';
import { salesDaysOf, type SalesDay } from '../../domain/reports/sales-days.js';
import { DSO_PERIOD_DAYS } from '../../domain/reports/report.js';
import { addDays } from '../../domain/shared/days.js';
import type { Observability } from '../observability.js';
import type { SalesDayStore } from '../ports/sales-days.js';
import { settleDays } from './settle-days.js';

export interface RebuildSalesDeps extends Observability {
  salesDays: SalesDayStore;
}

export interface SalesRebuildResult {
  from: string;
  to: string;
  /** Days with issued items in the range. */
  days: number;
  daysReplaced: number;
  /** Days still written by the stream in every round: run again. */
  daysUnsettled: number;
}

/** Invoices may be dated ahead (an ERP booking next month's): their days are kept this far ahead of today. */
export const SALES_DAYS_AHEAD = 366;

/**
 * The days a rebuild covers by default: the DSO period up to `today` (a day more for the time zones
 * a UTC day spans) and the days ahead; `since` reaches further back.
 */
export const salesRebuildRange = (today: string, since?: string): { from: string; to: string } => {
  const period = addDays(today, -DSO_PERIOD_DAYS);
  return { from: since !== undefined && since < period ? since : period, to: addDays(today, SALES_DAYS_AHEAD) };
};

const ROUNDS = 5;
const CONCURRENCY = 16;

const dayKey = (d: Pick<SalesDay, 'currency' | 'date'>) => `${d.date}#${d.currency}`;

export const rebuildSalesDays = async (deps: RebuildSalesDeps, input: { tenantId: string; from: string; to: string }): Promise<SalesRebuildResult> => {
  const { tenantId, from, to } = input;
  const store = deps.salesDays;
  const settled = await settleDays<SalesDay>(
    {
      key: dayKey,
      stored: () => store.days(tenantId, from, to),
      expected: async () => salesDaysOf(await store.issued(tenantId, from, to)),
      emptied: (d) => ({ currency: d.currency, date: d.date, amount: 0, invoices: 0 }),
      isEmpty: (d) => d.amount === 0 && d.invoices === 0,
      holds: (b, want) => b.amount === want.amount && b.invoices === want.invoices,
      write: (want, writes) => store.setDay(tenantId, want, writes),
    },
    pLimit(CONCURRENCY),
    ROUNDS,
  );
  const result = { from, to, days: settled.days, daysReplaced: settled.replaced, daysUnsettled: settled.unsettled };
  deps.logger.info('sales days rebuilt', { tenantId, ...result });
  return result;
};
