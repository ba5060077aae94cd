/**
 * The read path of the ageing report (and the activity feed's writes), all through key
 * conditions, never a Scan:
 * - invoices still chased: the sparse open-by-due index gsi1, its OPEN_SHARDS partitions read side
 *   by side to the end (a paid invoice is not in it, so 100,000 open invoices cost 100,000 items
 *   whatever the table's history);
 * - what happened (payments, promises, closures, issued invoices): the activity partitions of the
 *   months in range, sorted by day;
 * - the call queues of the week: one partition per day;
 * - the customers named by all of this: BatchGetItem, 100 keys a request;
 * - whether an escalated customer ordered again: gsi2 (byCustomer) from the escalation day on.
 */
import { BatchGetCommand, BatchWriteCommand, DeleteCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { activityId, type ActivityItem } from '../domain/reports/activity.js';
import type { Invoice, Tenant } from '../domain/model.js';
import { analyticsWindow, type Reorder } from '../domain/reports/outcomes.js';
import type { CallEntry, ReportCustomer, ReportInput } from '../domain/reports/report.js';
import { DynamoStore } from './dynamo-store.js';
import { itemToCustomer, itemToInvoice } from './items.js';
import { TABLE_SCHEMA, keys } from './table.js';
import { addDays, localDay } from '../domain/shared/days.js';

type Item = Record<string, unknown>;

const ACTIVITY_KINDS = new Set(['issued', 'collected', 'promised', 'promiseBroken', 'closed']);
const BATCH_GET = 100;
const BATCH_WRITE = 25;
const MAX_BATCH_ROUNDS = 8;
/** Smaller pages than the 1 MB default: many parallel ranges return sooner than a few large pages. */
const PAGE_ITEMS = 1_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first day of every month from `from` to `to` (YYYY-MM-DD), as YYYY-MM. */
const monthsBetween = (from: string, to: string): string[] => {
  const out: string[] = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7));
  const end = to.slice(0, 7);
  for (;;) {
    const ym = `${y}-${String(m).padStart(2, '0')}`;
    if (ym > end) return out;
    out.push(ym);
    m = m === 12 ? 1 : m + 1;
    if (m === 1) y += 1;
  }
};

const toActivity = (item: Item): ActivityItem | undefined => {
  const { pk: _pk, sk: _sk, entity: _e, ...rest } = item;
  const ok =
    typeof rest.kind === 'string' &&
    ACTIVITY_KINDS.has(rest.kind) &&
    typeof rest.invoiceId === 'string' &&
    typeof rest.date === 'string' &&
    typeof rest.currency === 'string' &&
    typeof rest.amount === 'number';
  return ok ? (rest as unknown as ActivityItem) : undefined;
};

export class ReportReader {
  constructor(readonly store: DynamoStore = new DynamoStore()) {}

  private get doc() {
    return this.store.doc;
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ TableName: this.store.table, ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /**
   * Every invoice still chased, from the sparse open-by-due index: each shard read in due-date
   * ranges side by side (the ranges follow the ageing buckets, where the invoices are), in pages of
   * PAGE_ITEMS. A bare date sorts before every `<date>#<id>` key of that date, so consecutive
   * ranges [b_i, b_i+1] never share an item.
   */
  async openInvoices(tenantId: string, today: string): Promise<Invoice[]> {
    const { openByDue } = TABLE_SCHEMA.indexes;
    const bounds = ['0', ...[-365, -180, -90, -60, -30, 0, 30].map((d) => addDays(today, d)), '\uffff'];
    const reads = keys.openShardKeys(tenantId).flatMap((pk) =>
      bounds.slice(0, -1).map((lo, i) =>
        this.queryAll({
          IndexName: openByDue.name,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
          ExpressionAttributeNames: { '#pk': openByDue.partitionKey, '#sk': openByDue.sortKey },
          ExpressionAttributeValues: { ':pk': pk, ':lo': lo, ':hi': bounds[i + 1]! },
          Limit: PAGE_ITEMS,
        }),
      ),
    );
    return (await Promise.all(reads)).flat().map(itemToInvoice);
  }

  /** The activity feed from `from` to `to` (local dates, inclusive). */
  async activity(tenantId: string, from: string, to: string): Promise<ActivityItem[]> {
    const months = await Promise.all(
      monthsBetween(from, to).map((ym) =>
        this.queryAll({
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':pk': keys.activity(tenantId, `${ym}-01`, '').pk, ':lo': from, ':hi': `${to}#\uffff` },
        }),
      ),
    );
    return months.flat().flatMap((i) => toActivity(i) ?? []);
  }

  /** The call tasks of the given local days, done once an outcome was logged. */
  async calls(tenantId: string, days: readonly string[]): Promise<CallEntry[]> {
    const perDay = await Promise.all(
      days.map(async (day) =>
        (
          await this.queryAll({
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': keys.callTask(tenantId, day, '', '').pk },
          })
        ).map((i): CallEntry => {
          const [customerId = '', invoiceId = ''] = String(i.sk).split('#');
          return { day, customerId, invoiceId, done: i.outcome !== undefined };
        }),
      ),
    );
    return perDay.flat();
  }

  /** Customers by id (BatchGetItem); unknown ids are left out. */
  async customers(tenantId: string, ids: Iterable<string>): Promise<ReportCustomer[]> {
    const all = [...new Set(ids)];
    const chunks: string[][] = [];
    for (let i = 0; i < all.length; i += BATCH_GET) chunks.push(all.slice(i, i + BATCH_GET));
    const found = await Promise.all(
      chunks.map(async (chunk) => {
        const items: Item[] = [];
        let pending: Item[] = chunk.map((id) => keys.customer(tenantId, id));
        for (let round = 0; pending.length > 0; round++) {
          if (round >= MAX_BATCH_ROUNDS) throw new Error(`BatchGetItem: ${pending.length} customer keys still unprocessed`);
          if (round > 0) await sleep(25 * 2 ** round);
          const out = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.store.table]: { Keys: pending } } }));
          items.push(...(out.Responses?.[this.store.table] ?? []));
          pending = (out.UnprocessedKeys?.[this.store.table]?.Keys as Item[] | undefined) ?? [];
        }
        return items;
      }),
    );
    return found.flat().map((item) => {
      const c = itemToCustomer(item);
      return { customerId: c.customerId, name: c.name, ...(c.policy ? { policy: c.policy } : {}), ...(c.creditHold ? { creditHold: c.creditHold } : {}) };
    });
  }

  /** For each customer escalated on a day: whether an invoice was issued to it after that day. */
  async reorders(tenantId: string, escalations: readonly { customerId: string; date: string }[]): Promise<Reorder[]> {
    const first = new Map<string, string>();
    for (const e of escalations) if (!first.has(e.customerId) || e.date < first.get(e.customerId)!) first.set(e.customerId, e.date);
    const { byCustomer } = TABLE_SCHEMA.indexes;
    return Promise.all(
      [...first.entries()].map(async ([customerId, date]) => {
        // An invoice issued after the escalation falls due after it too: start the index there.
        const later = await this.queryAll({
          IndexName: byCustomer.name,
          KeyConditionExpression: '#pk = :pk AND #sk > :from',
          FilterExpression: 'issueDate > :day',
          ExpressionAttributeNames: { '#pk': byCustomer.partitionKey, '#sk': byCustomer.sortKey },
          ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':from': `INV#${date}#\uffff`, ':day': date },
          ProjectionExpression: 'invoiceId',
        });
        return { customerId, escalatedOn: date, orderedAgain: later.length > 0 };
      }),
    );
  }

  /** Everything the report of `now` needs, read in parallel where the reads do not depend on each other. */
  async reportInput(tenant: Tenant, now: Date): Promise<ReportInput> {
    const today = localDay(now, tenant.timeZone);
    const window = analyticsWindow(today);
    const days = Array.from({ length: 8 }, (_, i) => addDays(today, i - 7));
    const [open, activity, calls] = await Promise.all([
      this.openInvoices(tenant.tenantId, today),
      this.activity(tenant.tenantId, window.from, today),
      this.calls(tenant.tenantId, days),
    ]);
    const escalations = activity.filter((a) => a.kind === 'closed' && a.outcome === 'escalated').map((a) => ({ customerId: a.customerId, date: a.date }));
    const [customers, reorders] = await Promise.all([
      this.customers(tenant.tenantId, [...open.map((i) => i.customerId), ...escalations.map((e) => e.customerId)]),
      this.reorders(tenant.tenantId, escalations),
    ]);
    return { tenant, now, open, customers, activity, calls, reorders };
  }
}

/** Writes activity items; a repeated item lands on the same key (activityId), so retries add nothing. */
export const recordActivity = async (store: DynamoStore, items: readonly ActivityItem[]): Promise<void> => {
  for (let i = 0; i < items.length; i += BATCH_WRITE) {
    let pending: Item[] = items.slice(i, i + BATCH_WRITE).map((a) => ({
      PutRequest: { Item: { ...keys.activity(a.tenantId, a.date, activityId(a)), entity: 'activity', ...a } },
    }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS) throw new Error(`BatchWriteItem: ${pending.length} activity items still unprocessed`);
      if (round > 0) await sleep(25 * 2 ** round);
      const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.table]: pending as never } }));
      pending = (out.UnprocessedItems?.[store.table] as Item[] | undefined) ?? [];
    }
  }
};

/** Removes one activity item (an invoice's issue filed under a date a corrected revision changed). */
export const forgetActivity = async (store: DynamoStore, tenantId: string, date: string, id: string): Promise<void> => {
  await store.doc.send(new DeleteCommand({ TableName: store.table, Key: keys.activity(tenantId, date, id) }));
};

/**
 * The invoices of one customer due on or before `lastDueDate` (gsi2, by due date), re-read with
 * a strongly consistent GetItem when `recheck` says so: a global index lags its table a little,
 * and a hold must not be kept (or lifted) on a copy that a payment has just changed.
 */
export const customerInvoicesDueBy = async (
  store: DynamoStore,
  tenantId: string,
  customerId: string,
  lastDueDate: string,
  recheck: (inv: Invoice) => boolean,
): Promise<Invoice[]> => {
  const { byCustomer } = TABLE_SCHEMA.indexes;
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await store.doc.send(
      new QueryCommand({
        TableName: store.table,
        IndexName: byCustomer.name,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
        ExpressionAttributeNames: { '#pk': byCustomer.partitionKey, '#sk': byCustomer.sortKey },
        ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':lo': 'INV#', ':hi': `INV#${lastDueDate}#\uffff` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const fresh = await Promise.all(items.map(itemToInvoice).map(async (inv) => (recheck(inv) ? store.getInvoice(tenantId, inv.invoiceId) : inv)));
  return fresh.filter((inv): inv is Invoice => inv !== undefined);
};
