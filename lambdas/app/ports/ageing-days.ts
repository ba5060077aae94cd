import type { AgeDay, DayMove, DayShare } from '../../domain/reports/ageing-days.js';

/** What an invoice adds to the histogram as stored: its share, the last stream record applied, and a version for conditional writes. */
export interface StoredShare {
  invoiceId: string;
  share?: DayShare;
  /** The stream sequence number of the last record applied; absent when only the repair wrote it. */
  sequence?: string;
  version: number;
}

/** A day item as read, with its write counter (bumped by every change to it). */
export interface StoredDay extends AgeDay {
  writes: number;
}

/** The ageing histogram (domain/reports/ageing-days.ts): day items and per-invoice shares. */
export interface AgeingDayStore {
  /** Every day item of the tenant, strongly consistent. */
  days(tenantId: string): Promise<StoredDay[]>;
  /** The stored share of one invoice, strongly consistent. */
  share(tenantId: string, invoiceId: string): Promise<StoredShare | undefined>;
  /**
   * In one transaction: the share becomes `to` (with `sequence`), version + 1, only if its version
   * is still `expectedVersion` (undefined: it must not exist), and each move is ADDed to its day.
   * false when the version did not hold (someone else wrote the share in between).
   */
  moveShare(input: { tenantId: string; invoiceId: string; expectedVersion: number | undefined; sequence: string | undefined; to: DayShare | undefined; moves: readonly DayMove[] }): Promise<boolean>;
  /** Sets the share alone (the repair: the days are recomputed after), under the same version condition. */
  putShare(input: { tenantId: string; invoiceId: string; expectedVersion: number | undefined; sequence: string | undefined; to: DayShare | undefined }): Promise<boolean>;
  /**
   * For each invoice: its stored share, then the share the invoice as stored gives (both strongly
   * consistent), the shares read before the invoices, so an invoice is never older than its share.
   */
  sharesThenInvoices(tenantId: string, invoiceIds: readonly string[]): Promise<Map<string, { stored?: StoredShare; share?: DayShare }>>;
  /** Every invoice of the tenant with the share it gives, and every stored share: paged reads of the whole table. */
  sharesAndInvoices(tenantId: string): Promise<{ invoices: Map<string, DayShare | undefined>; shares: Map<string, StoredShare> }>;
  /** Every stored share of the tenant (paged read). */
  storedShares(tenantId: string): Promise<StoredShare[]>;
  /** Replaces one day's totals only if its write counter is still `expectedWrites` (undefined: the item must not exist); a day of nothing is deleted. */
  setDay(tenantId: string, day: AgeDay, expectedWrites: number | undefined): Promise<boolean>;
}
