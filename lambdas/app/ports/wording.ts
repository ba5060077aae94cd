import type { WordingKey, WordingOverride } from '../../domain/messages/wording.js';

/** An accepted override as kept: who changed it last, and when. */
export type StoredWording = WordingOverride & { updatedAt: string; updatedBy: string };

/** The company's own wording (domain/messages/wording.ts), one item per kind, tone and language. */
export interface WordingRepository {
  /** Every override of the tenant: one Query. */
  list(tenantId: string): Promise<StoredWording[]>;
  /** The same as a message's rendering reads it: as of the latest change, without a Query when nothing changed since this instance last read it. */
  current(tenantId: string): Promise<StoredWording[]>;
  get(tenantId: string, key: WordingKey): Promise<StoredWording | undefined>;
  /** Stores overrides already checked (checkWordingOverride), replacing those of the same keys, in one request. */
  put(tenantId: string, overrides: readonly StoredWording[]): Promise<void>;
  /** False when there was none. */
  delete(tenantId: string, key: WordingKey): Promise<boolean>;
}
