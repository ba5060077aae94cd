/**
 * The company's own wording in the single table: one item per kind, tone and language under
 * keys.wording, all in the tenant's WORDING partition, so a message reads them with one Query.
 * A set (one kind and tone in several languages) is written in one transaction: all or none, with
 * the company's wording version raised in it (dynamo/marks.ts); a message reads the version with
 * its case and the wording itself only when this function instance has not read that version yet.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { WordingOverride, type WordingKey } from '../domain/messages/wording.js';
import type { StoredWording, WordingRepository } from '../app/ports/wording.js';
import type { Table } from './dynamo/client.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item } from './dynamo/query.js';
import { isConditionFailure } from './dynamo/errors.js';
import { readTenantMarks, wordingVersionRaise } from './dynamo/marks.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const StoredItem = lazySchema(() => z.object({ ...WordingOverride.shape, updatedAt: z.string(), updatedBy: z.string() }));

const fromItem = (item: Item): StoredWording => {
  const { kind, tone, language, subject, body, sms, updatedAt, updatedBy } = StoredItem.parse(item);
  return { kind, tone, language, subject, body, ...(sms !== undefined ? { sms } : {}), updatedAt, updatedBy };
};

/** TransactWriteItems takes up to 100 actions: one per language of a set, and the version's. */
const MAX_PUT = 99;

/** The wording read by this instance, per company, with the version it was read at. */
const CACHE_LIMIT = 500;

export class DynamoWording implements WordingRepository {
  constructor(private readonly table: Table) {}

  private key(tenantId: string, k: WordingKey) {
    return keys.wording(tenantId, k.kind, k.tone, k.language);
  }

  private readonly cache = new Map<string, { version: number; wording: StoredWording[] }>();

  /** The company's wording as of its current version: no read at all for a company that never wrote any. */
  async current(tenantId: string): Promise<StoredWording[]> {
    const { wordingVersion } = await readTenantMarks(this.table, tenantId);
    if (wordingVersion === 0) return [];
    const seen = this.cache.get(tenantId);
    if (seen?.version === wordingVersion) return seen.wording;
    const wording = await this.list(tenantId);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(tenantId, { version: wordingVersion, wording });
    return wording;
  }

  async list(tenantId: string): Promise<StoredWording[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.wording(tenantId, '', '', '').pk },
    });
    return items.map(fromItem);
  }

  async get(tenantId: string, k: WordingKey): Promise<StoredWording | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: this.key(tenantId, k), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async put(tenantId: string, overrides: readonly StoredWording[]): Promise<void> {
    if (overrides.length === 0) return;
    if (overrides.length > MAX_PUT) throw new RangeError(`DynamoWording.put: at most ${MAX_PUT} overrides at once (got ${overrides.length})`);
    await this.table.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          ...overrides.map((o) => ({
            Put: { TableName: this.table.name, Item: { ...this.key(tenantId, o), entity: 'wording', tenantId, ...o } },
          })),
          wordingVersionRaise(this.table, tenantId),
        ],
      }),
    );
  }

  async delete(tenantId: string, k: WordingKey): Promise<boolean> {
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName: this.table.name, Key: this.key(tenantId, k), ConditionExpression: 'attribute_exists(pk)' } }, wordingVersionRaise(this.table, tenantId)],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
