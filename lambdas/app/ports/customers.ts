import type { ContactEvent, Customer, PaymentOutcome, SalesNote } from '../../domain/model.js';
import type { TransactionPart } from './transaction.js';

export interface RecentContact {
  at: string;
  channel: string;
  kind?: string;
}

export interface CustomerRepository {
  getCustomer(tenantId: string, customerId: string): Promise<Customer | undefined>;
  putCustomer(customer: Customer): Promise<void>;
  /** The customer's sales notes, items of their own, in the order they were written. */
  salesNotes(tenantId: string, customerId: string): Promise<SalesNote[]>;
  /** The customer's own log (contact changes, sales notes, credit hold released), oldest first. */
  customerLog(tenantId: string, customerId: string, limit?: number): Promise<ContactEvent[]>;
  /** The customer's recent contacts, written with a claim only if the record is still at `version`. */
  contactRecordWrite(tenantId: string, customerId: string, version: number, recent: readonly RecentContact[]): TransactionPart;
  /** Suspends the customer's credit line with a claim; a hold already in place is kept as it is. */
  /**
   * Keeps how one of the customer's invoices ended in its payment history (Customer.paymentHistory),
   * dropping the entries `drop` names (beyond the history's length). Idempotent; false when the
   * customer does not exist or the entry is itself beyond the history.
   */
  recordPaymentOutcome(tenantId: string, customerId: string, invoiceId: string, outcome: PaymentOutcome, drop: readonly string[]): Promise<boolean>;
  creditHoldWrite(tenantId: string, customerId: string, hold: NonNullable<Customer['creditHold']>): TransactionPart;
  /** Adds invoices to the customer's hold with their claim; fails the claim when the customer is not on hold (any more). */
  creditHoldJoinWrite(tenantId: string, customerId: string, invoiceIds: readonly string[]): TransactionPart;
}
