import type { AgeingBucket } from '../../domain/reports/ageing.js';
import type { Invoice, InvoiceStatus } from '../../domain/model.js';

export interface InvoiceFilter {
  status?: InvoiceStatus;
  customerId?: string;
  bucket?: AgeingBucket;
  /** Due strictly before this date. */
  dueBefore?: string;
  /** Due strictly after this date. */
  dueAfter?: string;
  needsContact?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A cursor that does not belong to this query (tampered, or from other filters). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/** Filters that only a Scan could answer. */
export class UnsupportedFilterError extends Error {
  override readonly name = 'UnsupportedFilterError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The admin API's invoice list: by due date, in pages with opaque cursors. */
export interface InvoiceList {
  /** `today` is the tenant's local date (ageing buckets are counted from it). */
  listInvoices(tenantId: string, filter: InvoiceFilter, page: { limit: number; cursor?: string }, today: string): Promise<Page<Invoice>>;
}
