/**
 * The company's own wording in the single table: one item per kind, tone and language under
 * keys.wording, all in the tenant's WORDING partition, so a message reads them with one Query.
 * A set (one kind and tone in several languages) is written in one transaction: all or none.
 */
import { DeleteCommand, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { WordingOverride, type WordingKey } from '../domain/messages/wording.js';
import type { StoredWording, WordingRepository } from '../app/ports/wording.js';
import type { Table } from './dynamo/client.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item } from './dynamo/query.js';

const StoredItem = z.object({ ...WordingOverride.shape, updatedAt: z.string(), updatedBy: z.string() });

const fromItem = (item: Item): StoredWording => {
  const { kind, tone, language, subject, body, sms, updatedAt, updatedBy } = StoredItem.parse(item);
  return { kind, tone, language, subject, body, ...(sms !== undefined ? { sms } : {}), updatedAt, updatedBy };
};

/** TransactWriteItems takes up to 100 actions; a set holds one per language. */
const MAX_PUT = 100;

export class DynamoWording implements WordingRepository {
  constructor(private readonly table: Table) {}

  private key(tenantId: string, k: WordingKey) {
    return keys.wording(tenantId, k.kind, k.tone, k.language);
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
        TransactItems: overrides.map((o) => ({
          Put: { TableName: this.table.name, Item: { ...this.key(tenantId, o), entity: 'wording', tenantId, ...o } },
        })),
      }),
    );
  }

  async delete(tenantId: string, k: WordingKey): Promise<boolean> {
    const { Attributes } = await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: this.key(tenantId, k), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }
}
