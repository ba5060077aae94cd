/**
 * What reading one statement file did, as kept for the finance team (app/bank/ingest-statement.ts
 * writes it, GET /v1/bank-statements lists it): one schema for the stored item and the API.
 */
import * as z from 'zod/mini';
import { lazySchema } from '../shared/lazy-schema.js';

export const StatementReadRecord = lazySchema(() => z.object({
  key: z.string(),
  readAt: z.string(),
  format: z.optional(z.string()),
  credits: z.number(),
  returns: z.number(),
  added: z.number(),
  duplicates: z.number(),
  debitsSkipped: z.number(),
  pendingSkipped: z.number(),
  refusedAccounts: z.array(z.string()),
  rejected: z.number(),
  fileRejected: z.boolean(),
  /** The rejection report beside the file (rejected/<key>.errors.json), when there was one. */
  reportKey: z.optional(z.string()),
  matched: z.optional(z.number()),
  suggested: z.optional(z.number()),
  unmatched: z.optional(z.number()),
  payments: z.optional(z.number()),
}));
export type StatementReadRecord = z.infer<typeof StatementReadRecord>;
