/**
 * The statement feed in the single table: one item per tenant account under keys.statementFeed,
 * overwritten only by a statement covering a later day (an old statement uploaded again, or a
 * camt.054 of today after tomorrow's camt.053, leaves the newest mark).
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { FeedMark } from '../domain/bank/statement-freshness.js';
import type { StatementFeed } from '../app/ports/statement-feed.js';
import type { Table } from './dynamo/client.js';
import { unlessConditionFails } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { queryAll } from './dynamo/query.js';

const FeedItem = z.object({ account: z.string(), lastDay: z.string(), receivedAt: z.string(), fileKey: z.string() });

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
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.statementFeed(tenantId, '').pk } });
    return items.map((item) => {
      const i = FeedItem.parse(item);
      return { account: i.account, lastDay: i.lastDay, receivedAt: i.receivedAt, key: i.fileKey };
    });
  }
}
