/**
 * Credit sales by issue day in the table (docs/reports.md, "Credit sales by issue day"): day items
 * `T#<tenant>#SALESDAYS` / `DAY#<local issue date>#<currency>` holding `amount`, `invoices` (the
 * issued activity items filed under the day) and `writes`, a counter every change bumps (the
 * repair's optimistic check).
 *
 * The feed's issued items are written here, never by a plain put: each write replaces the item on
 * condition that it still holds the currency and amount read (or is absent), and ADDs the
 * difference to its days in the same transaction. A replayed stream record finds its item as it
 * would write it and adds nothing; a write that lost a race reads again. So outside a repair every
 * day item is the sum of the issued items filed under it.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { IssuedActivity } from '../domain/reports/activity.js';
import { salesMoves, type IssuedFigure, type SalesDay } from '../domain/reports/sales-days.js';
import type { SalesDayStore, StoredSalesDay } from '../app/ports/sales-days.js';
import type { Table } from './dynamo/client.js';
import { monthsBetween } from './dynamo/activity-months.js';
import { isConditionFailure } from './dynamo/errors.js';
import { activityToItem, itemToActivity } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { settleDayItem } from './dynamo/day-items.js';
import { queryAll, type Item } from './dynamo/query.js';
import { transactWithRetry } from './dynamo/transact.js';
import type { TransactItem } from './dynamo/transaction-part.js';

const DAY = 'salesDay';
/** Reads and conditional writes of one item before giving up (someone else keeps writing it). */
const ATTEMPTS = 5;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

/** The issue item kept changing under the writer: the stream record fails and is delivered again. */
export class IssuedActivityContendedError extends Error {
  override readonly name = 'IssuedActivityContended';
}

/** An issued item as stored: what it adds to its day. */
type Held = IssuedFigure | undefined;

/** The write holds only if the item still adds what was read: the same currency and amount, or is absent. */
const heldCondition = (held: Held) =>
  held === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : {
        ConditionExpression: '#amount = :heldAmount AND #currency = :heldCurrency',
        ExpressionAttributeNames: { '#amount': 'amount', '#currency': 'currency' },
        ExpressionAttributeValues: { ':heldAmount': held.amount, ':heldCurrency': held.currency },
      };

export class DynamoSalesDays implements SalesDayStore {
  constructor(private readonly table: Table) {}

  private addTo(tenantId: string, m: SalesDay): TransactItem {
    return {
      Update: {
        TableName: this.table.name,
        Key: keys.salesDay(tenantId, m.date, m.currency),
        UpdateExpression: 'ADD #amount :a, #invoices :n, #writes :one SET #entity = :e, tenantId = :t, #currency = :c, #date = :d',
        ExpressionAttributeNames: { '#amount': 'amount', '#invoices': 'invoices', '#writes': 'writes', '#entity': 'entity', '#currency': 'currency', '#date': 'date' },
        ExpressionAttributeValues: { ':a': m.amount, ':n': m.invoices, ':one': 1, ':e': DAY, ':t': tenantId, ':c': m.currency, ':d': m.date },
      },
    };
  }

  /** The item under `key` as stored (consistent), with what it adds to its day when it is an issue. */
  private async held(key: { pk: string; sk: string }): Promise<{ item?: Item; figure: Held }> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
    const item = out.Item;
    if (!item || item.kind !== 'issued') return { ...(item ? { item } : {}), figure: undefined };
    return { item, figure: { currency: String(item.currency), date: String(item.date), amount: num(item.amount) } };
  }

  /** One conditional write: `write` (a Put or a Delete of the item) under the condition that it still holds `held`, and the moves. false when the condition failed. */
  private async apply(tenantId: string, write: TransactItem, moves: readonly SalesDay[]): Promise<boolean> {
    try {
      if (moves.length === 0 && write.Put) await this.table.doc.send(new PutCommand(write.Put));
      else await transactWithRetry(this.table, [write, ...moves.map((m) => this.addTo(tenantId, m))]);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /**
   * Writes an issued item and moves its day totals. The first attempt expects no item (a new
   * invoice: no read); a condition that fails reads what is there and replaces exactly that.
   */
  async recordIssued(a: IssuedActivity): Promise<void> {
    const Item = activityToItem(a);
    const key = { pk: String(Item.pk), sk: String(Item.sk) };
    let held: Held = undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt > 0) held = (await this.held(key)).figure;
      const put: TransactItem = { Put: { TableName: this.table.name, Item, ...heldCondition(held) } };
      if (await this.apply(a.tenantId, put, salesMoves(held, a))) return;
    }
    throw new IssuedActivityContendedError(`issued item ${key.sk}: changed ${ATTEMPTS} times while being written`);
  }

  /** Removes one activity item; an issue takes what it added out of its day in the same transaction. */
  async forget(tenantId: string, date: string, id: string): Promise<void> {
    const key = keys.activity(tenantId, date, id);
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const { item, figure } = await this.held(key);
      if (!item) return;
      if (!figure) {
        await this.table.doc.send(new DeleteCommand({ TableName: this.table.name, Key: key }));
        return;
      }
      const del: TransactItem = { Delete: { TableName: this.table.name, Key: key, ...heldCondition(figure) } };
      if (await this.apply(tenantId, del, salesMoves(figure, undefined))) return;
    }
    throw new IssuedActivityContendedError(`issued item ${key.sk}: changed ${ATTEMPTS} times while being removed`);
  }

  async days(tenantId: string, from: string, to: string): Promise<StoredSalesDay[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
      ExpressionAttributeValues: { ':pk': keys.salesDay(tenantId, '', '').pk, ':lo': `DAY#${from}`, ':hi': `DAY#${to}#\uffff` },
      ConsistentRead: true,
    });
    return items.map((i) => ({ currency: String(i.currency), date: String(i.date), amount: num(i.amount), invoices: num(i.invoices), writes: num(i.writes) }));
  }

  async issued(tenantId: string, from: string, to: string): Promise<IssuedActivity[]> {
    const months = await Promise.all(
      monthsBetween(from, to).map((ym) =>
        queryAll(this.table, {
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          FilterExpression: '#kind = :issued',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':pk': keys.activity(tenantId, `${ym}-01`, '').pk, ':lo': from, ':hi': `${to}#\uffff`, ':issued': 'issued' },
          ConsistentRead: true,
        }),
      ),
    );
    return months.flat().flatMap((i) => {
      const a = itemToActivity(i);
      return a?.kind === 'issued' ? [a] : [];
    });
  }

  async setDay(tenantId: string, day: SalesDay, expectedWrites: number | undefined): Promise<boolean> {
    return settleDayItem(this.table, keys.salesDay(tenantId, day.date, day.currency), { entity: DAY, tenantId, currency: day.currency, date: day.date, amount: day.amount, invoices: day.invoices }, expectedWrites);
  }
}
