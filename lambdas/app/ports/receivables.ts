/** What the payment matcher reads: the tenant's open invoices and their customers (adapters/dynamo-reports.ts). */
import type { Invoice } from '../../domain/model.js';
import type { MatchableCustomer } from '../../domain/money/matching/types.js';

export interface OpenReceivables {
  /** Every invoice still chased (the sparse open-by-due index), `today` the tenant's local day. */
  openInvoices(tenantId: string, today: string): Promise<Invoice[]>;
  /**
   * The invoices handed to the collection agency in the last year (the activity feed's closings,
   * read back) that are still with it: the matcher knows their numbers and references, so a
   * transfer naming one is never applied to another invoice.
   */
  handedOver(tenantId: string, today: string): Promise<Invoice[]>;
  /** The customers by id; unknown ids are left out. */
  customers(tenantId: string, ids: Iterable<string>): Promise<MatchableCustomer[]>;
}
