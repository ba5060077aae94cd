import type { CustomerDefaults, IngestContext } from '../../domain/ingest/rules.js';
import type { DirectoryCustomer } from '../../domain/parsers/customers.js';
import type { ParsedInvoice, Rejection } from '../../domain/parsers/types.js';

export interface InvoiceIngestContext extends IngestContext {
  defaults: CustomerDefaults;
}

export interface InvoiceBatchOutcome {
  created: number;
  unchanged: number;
  superseded: number;
  amended: number;
  /** Of the created: stored as not_chased, and stored open waiting for a contact. */
  notChased: number;
  needsContact: number;
  customersCreated: number;
  /** Records the store refused (a closed invoice re-uploaded with other content…). */
  rejections: Rejection[];
  /** The batch's credit notes (domain/ingest/credit-notes.ts isCredit) with the customer and id they were stored under, for netting off. */
  creditNotes?: StoredCreditNote[];
  /** The ids of the batch's FatturaPA invoices: the SdI's notifications find them by their file (app/sdi). */
  fatturapaIds?: string[];
}

export interface StoredCreditNote {
  record: ParsedInvoice;
  customerId: string;
  invoiceId: string;
}

export interface CustomerBatchOutcome {
  created: number;
  updated: number;
  unchanged: number;
  /** Invoices that waited for a contact and were started. */
  activated: number;
  rejections: Rejection[];
}

/** Stores batches of parsed invoices: identity, dedupe, supersede, not_chased, needsContact. */
export interface InvoiceIngest {
  ingestInvoices(records: ParsedInvoice[], ctx: InvoiceIngestContext): Promise<InvoiceBatchOutcome>;
}

/** Creates or updates directory customers; starts the invoices that were waiting for a contact. */
export interface CustomerDirectory {
  upsertCustomers(records: DirectoryCustomer[], ctx: InvoiceIngestContext): Promise<CustomerBatchOutcome>;
}
