/**
 * The finance team's task list (domain/tasks.ts) and the answers given through customer links
 * (consumed once, keys.linkAnswer). Tasks of a tenant share one partition, newest work being a
 * handful of items a day; answers live in the invoice's partition next to its contact log.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkClaims } from '../domain/messages/links.js';
import { answerKey } from '../domain/messages/links.js';
import type { FinanceTask, TaskKind } from '../domain/commands/tasks.js';
import { DynamoStore } from './dynamo-store.js';
import { keys } from './table.js';

type Item = Record<string, unknown>;

/** An answer record keeps for a day after its link expired; the link is refused from then on anyway. */
const ANSWER_KEEP_SECONDS = 86_400;

export const taskToItem = (t: FinanceTask): Item => ({ ...keys.task(t.tenantId, t.taskId), entity: 'task', ...t });

const itemToTask = (item: Item): FinanceTask => {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  return rest as unknown as FinanceTask;
};

export class DynamoTasks {
  constructor(readonly store: DynamoStore = new DynamoStore()) {}

  /** The record an answer writes, once, in the same transaction as its command. */
  answerItem(claims: LinkClaims, at: string): Item & { pk: string; sk: string } {
    return {
      ...keys.linkAnswer(claims.tenantId, claims.invoiceId, answerKey(claims)),
      entity: 'linkAnswer',
      tenantId: claims.tenantId,
      invoiceId: claims.invoiceId,
      action: claims.action,
      nonce: claims.nonce,
      ref: claims.ref,
      at,
      ttl: claims.expiresAt + ANSWER_KEEP_SECONDS,
    };
  }

  /** Whether this link's answer was already given. */
  async answered(claims: LinkClaims): Promise<boolean> {
    const out = await this.store.doc.send(
      new GetCommand({ TableName: this.store.table, Key: keys.linkAnswer(claims.tenantId, claims.invoiceId, answerKey(claims)), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  /**
   * Opens a task unless the same one is already open (a second bounce for the same customer):
   * true when a task was opened.
   */
  async open(task: FinanceTask): Promise<boolean> {
    try {
      await this.store.doc.send(
        new PutCommand({
          TableName: this.store.table,
          Item: taskToItem(task),
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :done',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': 'done' },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async get(tenantId: string, taskId: string): Promise<FinanceTask | undefined> {
    const out = await this.store.doc.send(new GetCommand({ TableName: this.store.table, Key: keys.task(tenantId, taskId), ConsistentRead: true }));
    return out.Item ? itemToTask(out.Item) : undefined;
  }

  /** Tasks of the tenant, oldest first; only open ones unless `includeDone`. */
  async list(tenantId: string, opts: { kind?: TaskKind; includeDone?: boolean } = {}): Promise<FinanceTask[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.store.doc.send(
        new QueryCommand({
          TableName: this.store.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(opts.includeDone ? {} : { FilterExpression: '#s = :open', ExpressionAttributeNames: { '#s': 'status' } }),
          ExpressionAttributeValues: {
            ':pk': keys.task(tenantId, '').pk,
            ':prefix': `TASK#${opts.kind ? `${opts.kind}#` : ''}`,
            ...(opts.includeDone ? {} : { ':open': 'open' }),
          },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items.map(itemToTask).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  /**
   * The open tasks whose ids start with one of `prefixes` (domain/tasks.ts): one Query per prefix on
   * those keys only, never the tenant's whole task history.
   */
  async openWithPrefixes(tenantId: string, prefixes: readonly string[]): Promise<FinanceTask[]> {
    const pages = await Promise.all(
      prefixes.map((prefix) =>
        this.store.doc.send(
          new QueryCommand({
            TableName: this.store.table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: '#s = :open',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pk': keys.task(tenantId, '').pk, ':prefix': keys.task(tenantId, prefix).sk, ':open': 'open' },
          }),
        ),
      ),
    );
    return pages.flatMap((p) => (p.Items ?? []).map(itemToTask));
  }

  /** Marks an open task done; false when it does not exist or is done already. */
  async complete(tenantId: string, taskId: string, by: string, at: string, resolution?: string): Promise<boolean> {
    try {
      await this.store.doc.send(
        new UpdateCommand({
          TableName: this.store.table,
          Key: keys.task(tenantId, taskId),
          UpdateExpression: `SET #s = :done, completedAt = :at, completedBy = :by${resolution ? ', resolution = :r' : ''}`,
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': 'done', ':open': 'open', ':at': at, ':by': by, ...(resolution ? { ':r': resolution } : {}) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}
