/**
 * The finance team's task list (domain/commands/tasks.ts) and the answers given through customer
 * links (consumed once, keys.linkAnswer). Tasks of a tenant share one partition, newest work being
 * a handful of items a day; answers live in the invoice's partition next to its contact log.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LinkClaims } from '../domain/messages/links.js';
import { answerKey } from '../domain/messages/links.js';
import { answerTaskPrefixes, isAnswerTask, type FinanceTask, type TaskKind } from '../domain/commands/tasks.js';
import type { TaskRepository } from '../app/ports/tasks.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import type { Table } from './dynamo/client.js';
import { itemIsNew, taskIsNotOpen, taskIsOpen } from './dynamo/conditions.js';
import { unlessConditionFails } from './dynamo/errors.js';
import { itemToTask, taskToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { customerMarkChange, readCustomerMarks } from './dynamo/marks.js';
import { queryAll } from './dynamo/query.js';
import { transactionPart } from './dynamo/transaction-part.js';

/** An answer record keeps for a day after its link expired; the link is refused from then on anyway. */
const ANSWER_KEEP_SECONDS = 86_400;

const byCreation = (a: FinanceTask, b: FinanceTask) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0);

export class DynamoTasks implements TaskRepository {
  constructor(private readonly table: Table) {}

  answerItem(claims: LinkClaims, at: string): TransactionPart {
    return transactionPart({
      Put: {
        TableName: this.table.name,
        Item: {
          ...keys.linkAnswer(claims.tenantId, claims.invoiceId, answerKey(claims)),
          entity: 'linkAnswer',
          tenantId: claims.tenantId,
          invoiceId: claims.invoiceId,
          action: claims.action,
          nonce: claims.nonce,
          ref: claims.ref,
          at,
          ttl: claims.expiresAt + ANSWER_KEEP_SECONDS,
        },
        ConditionExpression: itemIsNew,
      },
    });
  }

  async answered(claims: LinkClaims): Promise<boolean> {
    const out = await this.table.doc.send(
      new GetCommand({ TableName: this.table.name, Key: keys.linkAnswer(claims.tenantId, claims.invoiceId, answerKey(claims)), ConsistentRead: true }),
    );
    return out.Item !== undefined;
  }

  /** A second bounce for the same customer finds its task open and opens none. An answer's task is marked on its customer (dynamo/marks.ts). */
  open(task: FinanceTask): Promise<boolean> {
    const put = {
      TableName: this.table.name,
      Item: taskToItem(task),
      ConditionExpression: taskIsNotOpen,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':done': 'done' },
    };
    const write = isAnswerTask(task.taskId)
      ? this.table.doc.send(new TransactWriteCommand({ TransactItems: [{ Put: put }, customerMarkChange(this.table, task.tenantId, task.customerId, 'answersWaiting', task.taskId, true)] }))
      : this.table.doc.send(new PutCommand(put));
    return unlessConditionFails(write, true, false);
  }

  async get(tenantId: string, taskId: string): Promise<FinanceTask | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.task(tenantId, taskId), ConsistentRead: true }));
    return out.Item ? itemToTask(out.Item) : undefined;
  }

  async list(tenantId: string, opts: { kind?: TaskKind; includeDone?: boolean } = {}): Promise<FinanceTask[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ...(opts.includeDone ? {} : { FilterExpression: taskIsOpen, ExpressionAttributeNames: { '#s': 'status' } }),
      ExpressionAttributeValues: {
        ':pk': keys.task(tenantId, '').pk,
        ':prefix': `TASK#${opts.kind ? `${opts.kind}#` : ''}`,
        ...(opts.includeDone ? {} : { ':open': 'open' }),
      },
    });
    return items.map(itemToTask).sort(byCreation);
  }

  /**
   * One Query per prefix (domain/commands/tasks.ts) on those keys only, never the tenant's whole
   * task history; the first page of each, as a prefix holds a handful of tasks.
   */
  async openWithPrefixes(tenantId: string, prefixes: readonly string[]): Promise<FinanceTask[]> {
    const pages = await Promise.all(
      prefixes.map((prefix) =>
        this.table.doc.send(
          new QueryCommand({
            TableName: this.table.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            FilterExpression: taskIsOpen,
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':pk': keys.task(tenantId, '').pk, ':prefix': keys.task(tenantId, prefix).sk, ':open': 'open' },
          }),
        ),
      ),
    );
    return pages.flatMap((p) => (p.Items ?? []).map(itemToTask));
  }

  /**
   * The kinds of the answers waiting that hold this invoice's reminders (plan requests of the
   * invoice, contact changes of its customer): none without a Query when the customer's marks name
   * none, as for nearly every reminder; the tasks themselves decide when they name some.
   */
  async answersWaiting(tenantId: string, invoiceId: string, customerId: string): Promise<TaskKind[]> {
    const prefixes = answerTaskPrefixes(invoiceId, customerId);
    const marked = (await readCustomerMarks(this.table, tenantId, customerId)).answersWaiting.filter((id) => prefixes.some((p) => id.startsWith(p)));
    if (marked.length === 0) return [];
    return (await this.openWithPrefixes(tenantId, prefixes)).map((t) => t.kind);
  }

  async complete(tenantId: string, taskId: string, by: string, at: string, resolution?: string): Promise<boolean> {
    const update = {
      TableName: this.table.name,
      Key: keys.task(tenantId, taskId),
      UpdateExpression: `SET #s = :done, completedAt = :at, completedBy = :by${resolution ? ', resolution = :r' : ''}`,
      ConditionExpression: taskIsOpen,
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':open': 'open', ':at': at, ':by': by, ...(resolution ? { ':r': resolution } : {}) },
    };
    if (!isAnswerTask(taskId)) return unlessConditionFails(this.table.doc.send(new UpdateCommand(update)), true, false);
    // An answer's task leaves its customer's marks in the same write: the customer is on the task.
    const task = await this.get(tenantId, taskId);
    if (!task || task.status !== 'open') return false;
    const unmark = customerMarkChange(this.table, tenantId, task.customerId, 'answersWaiting', taskId, false);
    return unlessConditionFails(this.table.doc.send(new TransactWriteCommand({ TransactItems: [{ Update: update }, unmark] })), true, false);
  }
}
