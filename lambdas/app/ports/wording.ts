import type { WordingKey, WordingOverride } from '../../domain/messages/wording.js';

/** An accepted override as kept: who changed it last, and when. */
export type StoredWording = WordingOverride & { updatedAt: string; updatedBy: string };

/** The company's own wording (domain/messages/wording.ts), one item per kind, tone and language. */
export interface WordingRepository {
  /** Every override of the tenant: one Query, what a message's rendering reads. */
  list(tenantId: string): Promise<StoredWording[]>;
  get(tenantId: string, key: WordingKey): Promise<StoredWording | undefined>;
  /** Stores overrides already checked (checkWordingOverride), replacing those of the same keys, in one request per 25. */
  put(tenantId: string, overrides: readonly StoredWording[]): Promise<void>;
  /** False when there was none. */
  delete(tenantId: string, key: WordingKey): Promise<boolean>;
}
