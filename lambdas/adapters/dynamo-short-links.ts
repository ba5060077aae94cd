/**
 * SMS short links (domain/messages/short-links.ts) as two items written in one transaction:
 * - keys.shortLink(t, code): what the site reads, by the code alone;
 * - keys.messageShortLink(t, invoiceId, run, ref): the message's one code, in the invoice's
 *   partition, so a retried send finds the code (and the nonce) it drew the first time.
 * Both carry `ttl` = the link's expiry, so the table removes them; TTL deletes up to days late,
 * so the site checks the expiry itself.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ShortLink } from '../domain/messages/short-links.js';
import type { ShortLinkStore } from '../app/ports/message-links.js';
import type { Table } from './dynamo/client.js';
import { itemIsNew } from './dynamo/conditions.js';
import { cancellationCodes } from './dynamo/errors.js';
import { itemToShortLink, shortLinkItems } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { TransientError, asTransient } from './workflow-errors.js';

/** The message has no short link yet, or only one that expired (`:now`, epoch seconds): a new one may take its place. */
const messageLinkIsFree = 'attribute_not_exists(pk) OR expiresAt <= :now';

export class DynamoShortLinks implements ShortLinkStore {
  constructor(private readonly table: Table) {}

  async keep(candidate: ShortLink, now: Date): Promise<ShortLink | undefined> {
    const { byCode, byMessage } = shortLinkItems(candidate);
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table.name,
                Item: byMessage,
                ConditionExpression: messageLinkIsFree,
                ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
              },
            },
            { Put: { TableName: this.table.name, Item: byCode, ConditionExpression: itemIsNew } },
          ],
        }),
      );
      return candidate;
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes) throw asTransient('keep short link', err);
      if (codes[0] === 'ConditionalCheckFailed') {
        // Undefined only if TTL removed it in between: the caller draws again.
        const { Item } = await this.table.doc.send(
          new GetCommand({ TableName: this.table.name, Key: keys.messageShortLink(candidate.tenantId, candidate.invoiceId, candidate.run, candidate.ref), ConsistentRead: true }),
        );
        return Item ? itemToShortLink(Item) : undefined;
      }
      if (codes[1] === 'ConditionalCheckFailed') return undefined;
      // A concurrent send of the same message, or throttling: its retry finds the code kept.
      throw new TransientError(`keep short link: transaction cancelled (${codes.join(', ')})`, { cause: err });
    }
  }

  async find(tenantId: string, code: string): Promise<ShortLink | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.shortLink(tenantId, code), ConsistentRead: true }));
    return Item ? itemToShortLink(Item) : undefined;
  }
}
