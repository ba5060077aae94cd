import type { CallTask, CustomerCall } from '../../domain/timeline/call-records.js';
import type { TransactionPart } from './transaction.js';

/** What a call's outcome logs on its items (reached, promise date, by, at). */
export type CallOutcome = Record<string, unknown>;

/**
 * An item of a day's call queue as stored. Only the ids are sure: items written before calls were
 * shared (or by hand) may lack the rest. `entity` tells the customer's call from its invoice lines.
 */
export type StoredCustomerCall = Partial<CustomerCall> & { entity: 'customerCall'; customerId: string; outcome?: CallOutcome };
export type StoredCallTask = Partial<CallTask> & { entity: 'callTask'; customerId: string; invoiceId: string; outcome?: CallOutcome };
export type StoredCallItem = StoredCustomerCall | StoredCallTask;

export type CallSheet = Pick<CustomerCall, 'tenantId' | 'day' | 'customerId' | 'leadInvoiceId' | 'summary' | 'talkingPoints' | 'alsoOverdue' | 'totals'>;

/** The finance team's call queue: one call per customer and day, one task per invoice on it. */
export interface CallQueueRepository {
  /** The invoice's line of a call, as a write that goes with the phoneCall stage's claim. */
  callTaskWrite(task: CallTask): TransactionPart;
  /** The customer's call of the day, with the claim: created by the first claim, kept by later ones. */
  customerCallWrite(call: CustomerCall): TransactionPart;
  /** The call's sheet again, when invoices it was written with dropped out; only the claim that created it may. */
  rewriteCallSheet(call: CallSheet): Promise<void>;
  /** Every item of the queue of one local day. */
  callQueue(tenantId: string, day: string): Promise<StoredCallItem[]>;
  /** A customer's call of a day: its call item and the line of each invoice on it. */
  customerCallItems(tenantId: string, day: string, customerId: string): Promise<StoredCallItem[]>;
  /** Marks the call and the lines of `invoiceIds` done; returns the invoices marked. */
  completeCustomerCall(tenantId: string, day: string, customerId: string, invoiceIds: readonly string[], outcome: CallOutcome): Promise<string[]>;
  /** Marks one invoice's line done; false when there was no such line. */
  completeCallTask(tenantId: string, day: string, customerId: string, invoiceId: string, outcome: CallOutcome): Promise<boolean>;
}
