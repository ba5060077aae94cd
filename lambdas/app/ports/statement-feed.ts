/**
 * When the company's bank statements last arrived, per account: written as each statement is read
 * (app/bank/ingest-statement.ts), read before a firm stage (app/timeline/bank-truth.ts).
 */
import type { FeedMark } from '../../domain/bank/statement-freshness.js';

export interface StatementFeed {
  /** Keeps the mark unless a newer statement (a later `lastDay`) was seen for the account. */
  record(tenantId: string, mark: FeedMark): Promise<void>;
  marks(tenantId: string): Promise<FeedMark[]>;
}
