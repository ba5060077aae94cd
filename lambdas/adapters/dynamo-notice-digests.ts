/**
 * Internal notices, one a day per customer and kind: a day item taken with `attribute_not_exists`
 * (keys.noticeDay), and the digest of the notices that came later (keys.noticeDigest), appended to
 * until it is taken (sentAt set, conditionally, once). Both expire (ttl) after a fortnight.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DigestEntry, DigestKey, NoticeDigests } from '../app/ports/notice-digests.js';
import { addDays } from '../domain/shared/days.js';
import type { Table } from './dynamo/client.js';
import { itemIsNew } from './dynamo/conditions.js';
import { isConditionFailure } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';

const KEEP_SECONDS = 14 * 86_400;
const ttlFrom = (day: string) => Math.floor(Date.parse(`${day}T00:00:00Z`) / 1000) + KEEP_SECONDS;

export class DynamoNoticeDigests implements NoticeDigests {
  constructor(private readonly table: Table) {}

  async claimDay(k: DigestKey, opts: { released?: boolean } = {}): Promise<boolean> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.name,
          Item: { ...keys.noticeDay(k.tenantId, k.customerId, k.audience, k.kind, k.day), entity: 'noticeDay', ttl: ttlFrom(k.day) },
          // A day given back (releaseDay) is taken again by a digest; the Put clears the mark.
          ...(opts.released ? { ConditionExpression: `${itemIsNew} OR released = :yes`, ExpressionAttributeValues: { ':yes': true } } : { ConditionExpression: itemIsNew }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  // An UpdateItem, not a DeleteItem: the customer pages, which send the finance team's notices, may not delete.
  async releaseDay(k: DigestKey): Promise<void> {
    await this.table.doc
      .send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.noticeDay(k.tenantId, k.customerId, k.audience, k.kind, k.day),
          UpdateExpression: 'SET released = :yes',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':yes': true },
        }),
      )
      .catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
  }

  async add(k: DigestKey, to: readonly string[], entry: DigestEntry): Promise<{ created: boolean; day: string }> {
    // A digest that left already takes nothing more: the next day's does.
    for (let day = k.day, n = 0; n < 7; n++, day = addDays(day, 1)) {
      try {
        const out = await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.noticeDigest(k.tenantId, k.customerId, k.audience, k.kind, day),
            UpdateExpression: 'SET entries = list_append(if_not_exists(entries, :none), :entry), recipients = :to, entity = :entity, #ttl = :ttl',
            ConditionExpression: 'attribute_not_exists(sentAt)',
            ExpressionAttributeNames: { '#ttl': 'ttl' },
            ExpressionAttributeValues: { ':entry': [entry], ':none': [], ':to': [...to], ':entity': 'noticeDigest', ':ttl': ttlFrom(day) },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        return { created: !out.Attributes?.entries, day };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    throw new Error(`no digest open for ${k.customerId} ${k.audience} ${k.kind} within a week of ${k.day}`);
  }

  async waiting(k: DigestKey): Promise<boolean> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.name, Key: keys.noticeDigest(k.tenantId, k.customerId, k.audience, k.kind, k.day), ConsistentRead: true }),
    );
    return Boolean(Item?.entries) && !Item?.sentAt;
  }

  async take(k: DigestKey, at: string): Promise<{ to: string[]; entries: DigestEntry[] } | undefined> {
    try {
      const out = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.noticeDigest(k.tenantId, k.customerId, k.audience, k.kind, k.day),
          UpdateExpression: 'SET sentAt = :at',
          ConditionExpression: 'attribute_exists(entries) AND attribute_not_exists(sentAt)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const a = out.Attributes ?? {};
      return { to: Array.isArray(a.recipients) ? a.recipients.map(String) : [], entries: Array.isArray(a.entries) ? (a.entries as DigestEntry[]) : [] };
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async giveBack(k: DigestKey, claimedDay: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.noticeDigest(k.tenantId, k.customerId, k.audience, k.kind, k.day),
        UpdateExpression: 'REMOVE sentAt',
        ConditionExpression: 'attribute_exists(entries)',
      }),
    ).catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: keys.noticeDay(k.tenantId, k.customerId, k.audience, k.kind, claimedDay) }));
  }
}
