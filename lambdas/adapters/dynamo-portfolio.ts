/**
 * The what-if's read path: the open invoices through the report's sparse open-by-due index
 * (DynamoReports.openInvoices, never a Scan) and the customers named by them, whole, by
 * BatchGetItem (100 keys a request). A record the model cannot read is left out.
 */
import type { Customer, Invoice } from '../domain/model.js';
import type { PortfolioReader } from '../app/ports/portfolio.js';
import type { Table } from './dynamo/client.js';
import { batchGet } from './dynamo/batch.js';
import { itemToCustomer } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { DynamoReports } from './dynamo-reports.js';

export class DynamoPortfolio implements PortfolioReader {
  private readonly reports: DynamoReports;

  constructor(private readonly table: Table) {
    this.reports = new DynamoReports(table);
  }

  openInvoices(tenantId: string, today: string): Promise<Invoice[]> {
    return this.reports.openInvoices(tenantId, today);
  }

  async customersById(tenantId: string, ids: Iterable<string>): Promise<Customer[]> {
    const found = await batchGet(this.table, [...new Set(ids)].map((id) => keys.customer(tenantId, id)));
    return [...found.values()].flatMap((item) => {
      try {
        return [itemToCustomer(item)];
      } catch {
        return [];
      }
    });
  }
}
