/**
 * What is left due on each invoice during one matching run: a credit's allocations come off the
 * invoice before the next credit is looked at, so two credits never both settle the same amount.
 */
import type { IndexedInvoice } from './open-invoices.js';
import type { Allocation } from './types.js';

export class RunLedger {
  private readonly left = new Map<string, number>();
  private readonly touched = new Map<string, IndexedInvoice[]>();

  remaining(inv: IndexedInvoice): number {
    return this.left.get(inv.invoice.invoiceId) ?? inv.due;
  }

  /** Invoices of the customer (in that currency) that earlier credits of this run paid in part or in full. */
  touchedOf(customerId: string, currency: string): readonly IndexedInvoice[] {
    return this.touched.get(`${customerId}|${currency}`) ?? [];
  }

  apply(invoices: readonly IndexedInvoice[], allocations: readonly Allocation[]): void {
    for (const a of allocations) {
      const inv = invoices.find((i) => i.invoice.invoiceId === a.invoiceId)!;
      const firstTime = !this.left.has(a.invoiceId);
      // settlesWithDifference closes the invoice: the difference is written off, not left due.
      this.left.set(a.invoiceId, a.effect === 'partial' ? this.remaining(inv) - a.amount : 0);
      if (firstTime) {
        const key = `${inv.invoice.customerId}|${inv.invoice.currency}`;
        const list = this.touched.get(key);
        if (list) list.push(inv);
        else this.touched.set(key, [inv]);
      }
    }
  }
}
