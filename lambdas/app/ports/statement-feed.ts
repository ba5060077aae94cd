/**
 * When the company's bank statements last arrived, per account: written as each statement is read
 * (app/bank/ingest-statement.ts), read before a firm stage (app/timeline/bank-truth.ts); and what
 * reading each file did, for the finance team (GET /v1/bank-statements).
 */
import type { FeedMark } from '../../domain/bank/statement-freshness.js';
import type { StatementReadRecord } from '../../domain/bank/statement-read.js';

/** What reading one statement file did (app/bank/ingest-statement.ts StatementSummary, as kept). */
export type StatementRecord = StatementReadRecord;

export interface StatementFeed {
  /** Keeps the mark unless a newer statement (a later `lastDay`) was seen for the account. */
  record(tenantId: string, mark: FeedMark): Promise<void>;
  marks(tenantId: string): Promise<FeedMark[]>;
  /** The outcome of reading a file; the same file read again replaces it. */
  recordRead(tenantId: string, read: StatementRecord): Promise<void>;
  /** The files read, the newest first; `key`: that file's only. */
  reads(tenantId: string, opts?: { key?: string; limit?: number }): Promise<StatementRecord[]>;
}
