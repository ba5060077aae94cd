import type { Customer, Invoice } from '../../domain/model.js';

/** What a what-if replays: the invoices still chased and their customers, whole (their calendars, phones, opt-outs). */
export interface PortfolioReader {
  /** Every invoice still chased (the sparse open-by-due index), `today` the tenant's local day. */
  openInvoices(tenantId: string, today: string): Promise<Invoice[]>;
  /** The customers by id; unknown or unreadable ones are left out. */
  customersById(tenantId: string, ids: Iterable<string>): Promise<Customer[]>;
}
