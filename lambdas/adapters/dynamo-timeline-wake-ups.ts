/**
 * Wake-ups of timelines whose execution ended before a wait longer than it may last
 * (domain/timeline/execution-year.ts). A wake-up is an item in the tenant's WAKEUPS partition,
 * sorted by instant, and `resumeAt` on the invoice; waking raises the invoice's `run`, which the
 * table stream starts as the next execution (domain/timeline/invoice-reactions.ts), as
 * dynamo-timeline-restarts.ts does: the one path that starts runs, named per revision and run.
 */
import { DeleteCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ACTIVE_STATUSES } from '../domain/model.js';
import type { RunRef } from '../app/ports/invoices.js';
import type { TimelineWakeUps, WakeUp } from '../app/ports/wake-ups.js';
import { clock } from './clock.js';
import type { Table } from './dynamo/client.js';
import { all, itemExists, runIsCurrent, statusIn } from './dynamo/conditions.js';
import { isCancelled, unlessConditionFails } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { queryAll } from './dynamo/query.js';

/** The invoice still waits for this very wake-up: `#resumeAt` = `:at`. */
const waitsForThisWakeUp = '#resumeAt = :at';
const activeValues = Object.fromEntries(ACTIVE_STATUSES.map((s, i) => [`:active${i}`, s]));

const wakeUpOf = (tenantId: string, item: Record<string, unknown>): WakeUp => ({
  tenantId,
  invoiceId: String(item.invoiceId),
  revision: Number(item.revision),
  run: Number(item.run),
  at: String(item.at),
});

export class DynamoTimelineWakeUps implements TimelineWakeUps {
  constructor(private readonly table: Table) {}

  async record(ref: RunRef, at: string): Promise<boolean> {
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.name,
                Key: keys.invoice(ref.tenantId, ref.invoiceId),
                UpdateExpression: 'SET #resumeAt = :at',
                ConditionExpression: all(itemExists, runIsCurrent),
                ExpressionAttributeNames: { '#resumeAt': 'resumeAt', '#revision': 'revision', '#run': 'run' },
                ExpressionAttributeValues: { ':at': at, ':rev': ref.revision, ':run': ref.run },
              },
            },
            {
              Put: {
                TableName: this.table.name,
                Item: { ...keys.wakeUp(ref.tenantId, at, ref.invoiceId, ref.revision, ref.run), entity: 'wakeUp', invoiceId: ref.invoiceId, revision: ref.revision, run: ref.run, at },
              },
            },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isCancelled(err)) return false; // superseded meanwhile: the newer run plans for itself
      throw err;
    }
  }

  async due(tenantId: string, now: Date): Promise<WakeUp[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND sk <= :now',
      // '~' sorts after every character of the sort key's invoice part: an instant equal to now is due.
      ExpressionAttributeValues: { ':pk': keys.wakeUps(tenantId), ':now': `${now.toISOString()}~` },
      ConsistentRead: true,
    });
    return items.map((i) => wakeUpOf(tenantId, i));
  }

  async first(tenantId: string): Promise<string | undefined> {
    const { Items } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.wakeUps(tenantId) },
        ProjectionExpression: '#at',
        ExpressionAttributeNames: { '#at': 'at' },
        ConsistentRead: true,
        Limit: 1,
      }),
    );
    const at = Items?.[0]?.at;
    return typeof at === 'string' ? at : undefined;
  }

  async wake(w: WakeUp): Promise<boolean> {
    const invoice = keys.invoice(w.tenantId, w.invoiceId);
    const started = await unlessConditionFails(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: invoice,
          UpdateExpression: 'SET #run = #run + :one, updatedAt = :now REMOVE #resumeAt',
          // Not conditioned on resumeAt: a write that rebuilt the invoice item must not cost the run its wake-up.
          ConditionExpression: all(itemExists, runIsCurrent, statusIn(ACTIVE_STATUSES.length)),
          ExpressionAttributeNames: { '#run': 'run', '#revision': 'revision', '#status': 'status', '#resumeAt': 'resumeAt' },
          ExpressionAttributeValues: { ':one': 1, ':now': clock.now().toISOString(), ':rev': w.revision, ':run': w.run, ...activeValues },
        }),
      ),
      true,
      false,
    );
    if (!started) {
      // Paid, revised or resumed by hand since: the invoice no longer waits for it.
      await unlessConditionFails(
        this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: invoice,
            UpdateExpression: 'REMOVE #resumeAt',
            ConditionExpression: all(itemExists, waitsForThisWakeUp),
            ExpressionAttributeNames: { '#resumeAt': 'resumeAt' },
            ExpressionAttributeValues: { ':at': w.at },
          }),
        ),
        undefined,
        undefined,
      );
    }
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: keys.wakeUp(w.tenantId, w.at, w.invoiceId, w.revision, w.run) }));
    return started;
  }
}
