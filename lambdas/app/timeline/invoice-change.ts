import type { Invoice } from '../../domain/model.js';
import type { ChangeKind, InvoiceImage } from '../../domain/timeline/invoice-reactions.js';

/** One change of an invoice item, as the table stream carries it, read into the domain's shapes. */
export interface InvoiceStreamChange {
  change: ChangeKind | undefined;
  /** The few fields the execution reactions read (defaults filled for older items). */
  before?: InvoiceImage;
  after?: InvoiceImage;
  /** The whole invoice, where the image parses as one (the activity feed and the credit hold read it). */
  beforeInvoice?: Invoice;
  afterInvoice?: Invoice;
}
