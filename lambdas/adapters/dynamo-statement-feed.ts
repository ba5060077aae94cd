/**
 * The statement feed in the single table: one item per tenant account under keys.statementFeed,
 * overwritten only by a statement covering a later day (an old statement uploaded again, or a
 * camt.054 of today after tomorrow's camt.053, leaves the newest mark); and one item per file read
 * (keys.statementRead), in the same partition.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FeedMark } from '../domain/bank/statement-freshness.js';
import { StatementReadRecord } from '../domain/bank/statement-read.js';
import type { StatementFeed, StatementRecord } from '../app/ports/statement-feed.js';
import type { Table } from './dynamo/client.js';
import { unlessConditionFails } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { queryAll } from './dynamo/query.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const FeedItem = lazySchema(() => z.object({ account: z.string(), lastDay: z.string(), receivedAt: z.string(), fileKey: z.string() }));

export class DynamoStatementFeed implements StatementFeed {
  constructor(private readonly table: Table) {}

  async record(tenantId: string, mark: FeedMark): Promise<void> {
    const put = this.table.doc.send(
      new PutCommand({
        TableName: this.table.name,
        Item: { ...keys.statementFeed(tenantId, mark.account), entity: 'statementFeed', account: mark.account, lastDay: mark.lastDay, receivedAt: mark.receivedAt, fileKey: mark.key },
        ConditionExpression: 'attribute_not_exists(pk) OR lastDay <= :day',
        ExpressionAttributeValues: { ':day': mark.lastDay },
      }),
    );
    await unlessConditionFails(put, undefined, undefined);
  }

  async marks(tenantId: string): Promise<FeedMark[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :accounts)',
      ExpressionAttributeValues: { ':pk': keys.statementFeed(tenantId, '').pk, ':accounts': keys.statementFeed(tenantId, '').sk },
    });
    return items.map((item) => {
      const i = FeedItem.parse(item);
      return { account: i.account, lastDay: i.lastDay, receivedAt: i.receivedAt, key: i.fileKey };
    });
  }

  async recordRead(tenantId: string, read: StatementRecord): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: { ...keys.statementRead(tenantId, read.key), entity: 'statementRead', ...read } }));
  }

  async reads(tenantId: string, opts: { key?: string; limit?: number } = {}): Promise<StatementRecord[]> {
    const files = keys.statementRead(tenantId, opts.key ?? '');
    const items = await queryAll(this.table, {
      KeyConditionExpression: opts.key ? 'pk = :pk AND sk = :sk' : 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': files.pk, ':sk': files.sk },
    });
    const reads: StatementRecord[] = items.map((item) => StatementReadRecord.parse(item));
    return reads.sort((a, b) => (a.readAt < b.readAt ? 1 : a.readAt > b.readAt ? -1 : 0)).slice(0, opts.limit ?? reads.length);
  }
}
