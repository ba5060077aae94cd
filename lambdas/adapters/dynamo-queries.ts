/**
 * Read paths of the admin API, all through key conditions (never a Scan):
 * - invoices of one customer: gsi2 (byCustomer), ordered by due date;
 * - invoices that can still be chased: gsi1 (openByDue), OPEN_SHARDS partitions queried side by
 *   side and merged by due date, the cursor remembering where each shard stopped;
 * Filters that no key can express (status, needs-contact) are FilterExpressions on top.
 * Cursors are opaque to clients but validated on the way back in: a cursor names only keys of the
 * partitions the same filters read.
 */
import { createHash } from 'node:crypto';
import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { dueDateRange } from '../domain/reports/ageing.js';
import { ACTIVE_STATUSES, type Invoice } from '../domain/model.js';
import { addDays } from '../domain/shared/days.js';
import { InvalidCursorError, UnsupportedFilterError, type InvoiceFilter, type InvoiceList, type Page } from '../app/ports/invoice-list.js';
import type { Table } from './dynamo/client.js';
import { itemToInvoice } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import type { Item } from './dynamo/query.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

type Key = Record<string, string>;

const KeySchema = lazySchema(() => z.record(z.string(), z.string()));
const CursorSchema = lazySchema(() => z.object({
  v: z.literal(1),
  f: z.string(),
  /** One entry per partition read: its ExclusiveStartKey, null when not started, 'done' when exhausted. */
  k: z.array(z.union([KeySchema, z.null(), z.literal('done')])),
}));
type Cursor = z.infer<typeof CursorSchema>;

/** A key as the cursor holds it (every key attribute of this table is a string). */
const stringKey = (k: Record<string, unknown>): Key => Object.fromEntries(Object.entries(k).map(([name, v]) => [name, String(v)]));

const encodeCursor = (c: Cursor): string => Buffer.from(JSON.stringify(c)).toString('base64url');
const decodeCursor = (s: string): Cursor => {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidCursorError('cursor is not one this API issued');
  }
};

/** Upper bound on items read per partition and request, so one page costs a bounded amount. */
const MAX_READ_PER_PARTITION = 1_000;

interface PartitionRead {
  items: Item[];
  exhausted: boolean;
  /** Where to resume this partition. */
  lastKey?: Key;
}

interface Plan {
  index: string;
  pkName: string;
  skName: string;
  partitions: string[];
  skPrefix: string;
  from?: string;
  to?: string;
  filter?: { expr: string; names: Record<string, string>; values: Record<string, unknown> };
}

export class DynamoQueries implements InvoiceList {
  constructor(private readonly table: Table) {}

  /**
   * Invoices matching `filter`, by due date (then id), `limit` per page. `today` is the tenant's
   * local date (ageing buckets are counted from it).
   */
  async listInvoices(tenantId: string, filter: InvoiceFilter, page: { limit: number; cursor?: string }, today: string): Promise<Page<Invoice>> {
    const plan = this.plan(tenantId, filter, today);
    // Bucket bounds move at midnight: a bucket cursor is valid for the day it was issued.
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ tenantId, filter, day: filter.bucket ? today : undefined }))
      .digest('base64url')
      .slice(0, 16);
    const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
    if (cursor && (cursor.f !== fingerprint || cursor.k.length !== plan.partitions.length)) {
      throw new InvalidCursorError('cursor belongs to other filters (or another day): start again without it');
    }
    const starts = cursor?.k ?? plan.partitions.map(() => null);
    starts.forEach((k, i) => {
      if (k && k !== 'done' && !this.keyBelongs(k, plan, plan.partitions[i]!, tenantId)) throw new InvalidCursorError('cursor is not one this API issued');
    });
    if (plan.from !== undefined && plan.to !== undefined && plan.from > plan.to) return { items: [] };

    // Read enough from every partition to fill a page, then merge by due date.
    const reads = await Promise.all(
      plan.partitions.map((pk, i) => {
        const start = starts[i];
        return start === 'done' ? Promise.resolve<PartitionRead>({ items: [], exhausted: true }) : this.readPartition(plan, pk, start ?? undefined, page.limit);
      }),
    );
    // A partition that stopped short (read budget spent on filtered-out items) may still hold
    // smaller keys: return nothing past where it stopped, so pages stay in due-date order.
    const horizon = reads
      .filter((r) => !r.exhausted && r.items.length < page.limit && r.lastKey)
      .map((r) => r.lastKey![plan.skName]!)
      .sort()
      .at(0);
    const merged = reads
      .flatMap((r, part) => r.items.map((item) => ({ item, part })))
      .filter((m) => horizon === undefined || String(m.item[plan.skName]) <= horizon)
      .sort((a, b) => (String(a.item[plan.skName]) < String(b.item[plan.skName]) ? -1 : 1));
    const taken = merged.slice(0, page.limit);

    const next = plan.partitions.map((_, part): Cursor['k'][number] => {
      const read = reads[part]!;
      if (starts[part] === 'done') return 'done';
      const mine = taken.filter((t) => t.part === part);
      const allTaken = mine.length === read.items.length;
      if (allTaken) return read.exhausted || !read.lastKey ? 'done' : read.lastKey;
      // Resume right after the last item this page returned from the partition.
      return mine.length ? this.keyOf(mine[mine.length - 1]!.item, plan) : (starts[part] ?? null);
    });
    const more = next.some((k) => k !== 'done');
    return {
      items: taken.map((t) => itemToInvoice(t.item)),
      ...(more ? { nextCursor: encodeCursor({ v: 1, f: fingerprint, k: next }) } : {}),
    };
  }

  private plan(tenantId: string, f: InvoiceFilter, today: string): Plan {
    // Due-date bounds: dueAfter/dueBefore are exclusive, bucket ranges inclusive; intersect them.
    const bounds = f.bucket ? dueDateRange(f.bucket, today) : {};
    const lows = [bounds.from, f.dueAfter ? addDays(f.dueAfter, 1) : undefined].filter((d): d is string => !!d);
    const highs = [bounds.to, f.dueBefore ? addDays(f.dueBefore, -1) : undefined].filter((d): d is string => !!d);
    const from = lows.sort().at(-1);
    const to = highs.sort().at(0);

    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const conds: string[] = [];
    if (f.status) {
      names['#status'] = 'status';
      values[':status'] = f.status;
      conds.push('#status = :status');
    }
    if (f.needsContact !== undefined) {
      names['#nc'] = 'needsContact';
      values[':nc'] = true;
      conds.push(f.needsContact ? '#nc = :nc' : '(attribute_not_exists(#nc) OR #nc <> :nc)');
    }
    const filter = conds.length ? { expr: conds.join(' AND '), names, values } : undefined;

    const { openByDue, byCustomer } = TABLE_SCHEMA.indexes;
    if (f.customerId) {
      return {
        index: byCustomer.name,
        pkName: byCustomer.partitionKey,
        skName: byCustomer.sortKey,
        partitions: [keys.byCustomer(tenantId, f.customerId, '', '').gsi2pk],
        skPrefix: 'INV#',
        from,
        to,
        filter,
      };
    }
    if (f.status && !ACTIVE_STATUSES.includes(f.status)) {
      throw new UnsupportedFilterError(
        'status',
        `Invoices that are ${f.status} can only be listed per customer: add customerId (only invoices still chased are indexed across customers).`,
      );
    }
    return {
      index: openByDue.name,
      pkName: openByDue.partitionKey,
      skName: openByDue.sortKey,
      partitions: keys.openShardKeys(tenantId),
      skPrefix: '',
      from,
      to,
      filter,
    };
  }

  private async readPartition(plan: Plan, pk: string, start: Key | undefined, limit: number): Promise<PartitionRead> {
    const names: Record<string, string> = { '#pk': plan.pkName, ...plan.filter?.names };
    const values: Record<string, unknown> = { ':pk': pk, ...plan.filter?.values };
    let keyCond = '#pk = :pk';
    // Sort keys are `<prefix><dueDate>#<invoiceId>`: "<prefix><date>" sorts before every key of that date,
    // and "<prefix><date>#\uffff" after every key of it.
    const lo = plan.from !== undefined ? `${plan.skPrefix}${plan.from}` : undefined;
    const hi = plan.to !== undefined ? `${plan.skPrefix}${plan.to}#\uffff` : undefined;
    if (lo && hi) {
      keyCond += ' AND #sk BETWEEN :lo AND :hi';
      Object.assign(values, { ':lo': lo, ':hi': hi });
    } else if (lo) {
      keyCond += ' AND #sk >= :lo';
      values[':lo'] = lo;
    } else if (hi) {
      keyCond += ' AND #sk <= :hi';
      values[':hi'] = hi;
    } else if (plan.skPrefix) {
      keyCond += ' AND begins_with(#sk, :prefix)';
      values[':prefix'] = plan.skPrefix;
    }
    if (keyCond.includes('#sk')) names['#sk'] = plan.skName;
    const input: QueryCommandInput = {
      TableName: this.table.name,
      IndexName: plan.index,
      KeyConditionExpression: keyCond,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(plan.filter ? { FilterExpression: plan.filter.expr } : {}),
      Limit: Math.max(limit + 1, 25),
    };
    const items: Item[] = [];
    let lastKey: Key | undefined = start;
    let read = 0;
    // The cursor's key is where this partition resumes; from there the paginator follows the pages.
    for await (const out of paginateQuery({ client: this.table.doc, ...(start ? { startingToken: start } : {}) }, input)) {
      items.push(...(out.Items ?? []));
      read += out.ScannedCount ?? 0;
      lastKey = out.LastEvaluatedKey ? stringKey(out.LastEvaluatedKey) : undefined;
      if (!lastKey || items.length >= limit || read >= MAX_READ_PER_PARTITION) break;
    }
    return { items: items.slice(0, limit), exhausted: !lastKey && items.length <= limit, lastKey: items.length > limit ? this.keyOf(items[limit - 1]!, plan) : lastKey };
  }

  private keyOf(item: Item, plan: Plan): Key {
    return {
      pk: String(item.pk),
      sk: String(item.sk),
      [plan.pkName]: String(item[plan.pkName]),
      [plan.skName]: String(item[plan.skName]),
    };
  }

  private keyBelongs(k: Key, plan: Plan, partition: string, tenantId: string): boolean {
    const fields = Object.keys(k).sort().join(',');
    const expected = ['pk', 'sk', plan.pkName, plan.skName].sort().join(',');
    return fields === expected && k[plan.pkName] === partition && k.pk!.startsWith(`T#${tenantId}#INV#`) && k.sk === 'INV';
  }
}
