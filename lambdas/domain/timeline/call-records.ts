/**
 * The finance team's phone calls as the product records them: a customer's one call of a day and
 * the invoices it covers (place-call writes them, the admin API's call queue reads them).
 */
import type { OfficeHours } from '../model.js';

/** Who the finance team calls, when, and what to say: the same on a customer's call and on each of its invoice tasks. */
export interface CallBasis {
  customerName: string;
  contactName?: string;
  phone?: string;
  /** The customer's time zone and office hours: when someone answers. */
  timeZone: string;
  officeHours: OfficeHours;
  /** The planned slot inside the office hours (UTC instant). */
  callAt: string;
  summary: string;
  talkingPoints: string[];
  // No sales notes: they are items of the customer's (domain/commands/sales-notes.ts), which the
  // call queue reads by the customerId; copied into every call they made the items grow with them.
}

/** One invoice on a customer's call of a day (read by the admin API's call queue). */
export interface CallTask extends CallBasis {
  tenantId: string;
  /** The queue day, in the tenant's time zone. */
  day: string;
  customerId: string;
  invoiceId: string;
  invoiceNumber: string;
  currency: string;
  amountDue: number;
  daysPastDue: number;
  createdAt: string;
  /** The customer's call of the day this invoice is on (domain/commands/tasks.ts callTaskId); absent on tasks written before calls were shared. */
  callId?: string;
}

/** An overdue invoice the call mentions without covering it (its own call is not due yet). */
export interface CallMention {
  invoiceId: string;
  invoiceNumber: string;
  currency: string;
  amountDue: number;
  daysPastDue: number;
}

/**
 * A customer's one call of a day, beside one CallTask per invoice it covers. Written by the first
 * claim of the day; an invoice that joins later adds its CallTask only.
 */
export interface CustomerCall extends CallBasis {
  tenantId: string;
  day: string;
  customerId: string;
  callId: string;
  /** The invoice whose phoneCall stage placed the call. */
  leadInvoiceId: string;
  alsoOverdue: CallMention[];
  /** Owed on the invoices on the call and the ones it mentions, per currency. */
  totals: { currency: string; amount: number }[];
  createdAt: string;
}
