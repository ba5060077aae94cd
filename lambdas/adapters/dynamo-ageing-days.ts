/**
 * The ageing histogram in the table (docs/reports.md, "The ageing histogram"):
 * - day items `T#<tenant>#AGEDAYS` / `DAY#<currency>#<due date>`: amount still due, invoices, and
 *   `writes`, a counter every change bumps (the repair's optimistic check);
 * - share items `T#<tenant>#INV#<invoice>` / `AGESHARE`: what the invoice adds now (currency, due
 *   date, amount; none when it counts for nothing), the stream sequence number last applied, and
 *   `version` for conditional writes.
 * The stream changes a share and ADDs the difference to its days in one transaction, so outside a
 * repair every day item is the sum of the shares on it.
 */
import { GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { AgeDay, DayMove, DayShare } from '../domain/reports/ageing-days.js';
import { shareOf, type ShareSource } from '../domain/reports/ageing-days.js';
import type { AgeingDayStore, StoredDay, StoredShare } from '../app/ports/ageing-days.js';
import type { Table } from './dynamo/client.js';
import { isConditionFailure } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { settleDayItem } from './dynamo/day-items.js';
import { queryAll, type Item } from './dynamo/query.js';
import { batchGet } from './dynamo/batch.js';
import { transactWithRetry } from './dynamo/transact.js';
import type { TransactItem } from './dynamo/transaction-part.js';

const SHARE = 'ageShare';
const DAY = 'ageDay';
/** Parallel Scan segments of the repair's read. */
const SEGMENTS = 4;

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0));

const shareFromItem = (i: Item): StoredShare => ({
  invoiceId: String(i.invoiceId),
  ...(typeof i.currency === 'string' && typeof i.dueDate === 'string' ? { share: { currency: i.currency, dueDate: i.dueDate, amount: num(i.amount) } } : {}),
  ...(typeof i.sequence === 'string' ? { sequence: i.sequence } : {}),
  version: num(i.version),
});

/** The invoice fields the share depends on, as stored (no full parse: the repair reads every invoice of the tenant). */
export const sourceOf = (i: Item): ShareSource => {
  const settled = i.settledDifference as { amount?: unknown } | undefined;
  return {
    status: i.status as ShareSource['status'],
    currency: String(i.currency),
    dueDate: String(i.dueDate),
    amount: num(i.amount),
    amountPaid: num(i.amountPaid),
    ...(settled?.amount !== undefined ? { settledDifference: { ...(settled as NonNullable<ShareSource['settledDifference']>), amount: num(settled.amount) } } : {}),
  };
};

const versionCondition = (expected: number | undefined) =>
  expected === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: '#version = :expected', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':expected': expected } };

export class DynamoAgeingDays implements AgeingDayStore {
  constructor(private readonly table: Table) {}

  private shareItem(tenantId: string, invoiceId: string, expectedVersion: number | undefined, sequence: string | undefined, to: DayShare | undefined): Item {
    return {
      ...keys.ageingShare(tenantId, invoiceId),
      entity: SHARE,
      tenantId,
      invoiceId,
      version: (expectedVersion ?? 0) + 1,
      ...(sequence !== undefined ? { sequence } : {}),
      ...(to ? { currency: to.currency, dueDate: to.dueDate, amount: to.amount } : {}),
    };
  }

  async days(tenantId: string): Promise<StoredDay[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
      ExpressionAttributeValues: { ':pk': keys.ageingDay(tenantId, '', '').pk, ':day': 'DAY#' },
      ConsistentRead: true,
    });
    return items.map((i) => ({ currency: String(i.currency), dueDate: String(i.dueDate), amount: num(i.amount), invoices: num(i.invoices), writes: num(i.writes) }));
  }

  async share(tenantId: string, invoiceId: string): Promise<StoredShare | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.ageingShare(tenantId, invoiceId), ConsistentRead: true }));
    return out.Item ? shareFromItem(out.Item) : undefined;
  }

  async moveShare(input: { tenantId: string; invoiceId: string; expectedVersion: number | undefined; sequence: string | undefined; to: DayShare | undefined; moves: readonly DayMove[] }): Promise<boolean> {
    const { tenantId, invoiceId, expectedVersion, sequence, to, moves } = input;
    const items: TransactItem[] = [
      { Put: { TableName: this.table.name, Item: this.shareItem(tenantId, invoiceId, expectedVersion, sequence, to), ...versionCondition(expectedVersion) } },
      ...moves.map(
        (m): TransactItem => ({
          Update: {
            TableName: this.table.name,
            Key: keys.ageingDay(tenantId, m.currency, m.dueDate),
            UpdateExpression: 'ADD #amount :a, #invoices :n, #writes :one SET #entity = :e, tenantId = :t, currency = :c, dueDate = :d',
            ExpressionAttributeNames: { '#amount': 'amount', '#invoices': 'invoices', '#writes': 'writes', '#entity': 'entity' },
            ExpressionAttributeValues: { ':a': m.amount, ':n': m.invoices, ':one': 1, ':e': DAY, ':t': tenantId, ':c': m.currency, ':d': m.dueDate },
          },
        }),
      ),
    ];
    try {
      await transactWithRetry(this.table, items);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async putShare(input: { tenantId: string; invoiceId: string; expectedVersion: number | undefined; sequence: string | undefined; to: DayShare | undefined }): Promise<boolean> {
    const { tenantId, invoiceId, expectedVersion, sequence, to } = input;
    try {
      await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: this.shareItem(tenantId, invoiceId, expectedVersion, sequence, to), ...versionCondition(expectedVersion) }));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async sharesThenInvoices(tenantId: string, invoiceIds: readonly string[]): Promise<Map<string, { stored?: StoredShare; share?: DayShare }>> {
    const stored = await batchGet(this.table, invoiceIds.map((id) => keys.ageingShare(tenantId, id)), { consistentRead: true });
    const invoices = await batchGet(this.table, invoiceIds.map((id) => keys.invoice(tenantId, id)), { consistentRead: true });
    const byId = <T>(items: Map<string, Item>, f: (i: Item) => T) => new Map([...items.values()].map((i) => [String(i.invoiceId), f(i)]));
    const shares = byId(stored, shareFromItem);
    const current = byId(invoices, (i) => shareOf(sourceOf(i)));
    return new Map(
      invoiceIds.map((id) => {
        const s = shares.get(id);
        const c = current.get(id);
        return [id, { ...(s ? { stored: s } : {}), ...(c ? { share: c } : {}) }];
      }),
    );
  }

  /** A parallel, strongly consistent Scan of the table for the tenant's invoices and shares. */
  private async scan(tenantId: string, entities: readonly string[]): Promise<Item[]> {
    const names = { '#status': 'status', '#entity': 'entity' };
    const values = { ':t': tenantId, ...Object.fromEntries(entities.map((e, i) => [`:e${i}`, e])) };
    const segments = await Promise.all(
      Array.from({ length: SEGMENTS }, async (_, segment) => {
        const out: Item[] = [];
        const pages = paginateScan(
          { client: this.table.doc },
          {
            TableName: this.table.name,
            Segment: segment,
            TotalSegments: SEGMENTS,
            ConsistentRead: true,
            FilterExpression: `tenantId = :t AND #entity IN (${entities.map((_, i) => `:e${i}`).join(', ')})`,
            ProjectionExpression: 'pk, sk, #entity, invoiceId, #status, currency, dueDate, #amount, amountPaid, settledDifference, #sequence, #version',
            ExpressionAttributeNames: { ...names, '#sequence': 'sequence', '#amount': 'amount', '#version': 'version' },
            ExpressionAttributeValues: values,
          },
        );
        for await (const page of pages) out.push(...(page.Items ?? []));
        return out;
      }),
    );
    return segments.flat();
  }

  async sharesAndInvoices(tenantId: string): Promise<{ invoices: Map<string, DayShare | undefined>; shares: Map<string, StoredShare> }> {
    const items = await this.scan(tenantId, ['invoice', SHARE]);
    const invoices = new Map<string, DayShare | undefined>();
    const shares = new Map<string, StoredShare>();
    for (const i of items) {
      if (i.entity === SHARE) shares.set(String(i.invoiceId), shareFromItem(i));
      else if (i.sk === 'INV') invoices.set(String(i.invoiceId), shareOf(sourceOf(i)));
    }
    return { invoices, shares };
  }

  async storedShares(tenantId: string): Promise<StoredShare[]> {
    return (await this.scan(tenantId, [SHARE])).map(shareFromItem);
  }

  async setDay(tenantId: string, day: AgeDay, expectedWrites: number | undefined): Promise<boolean> {
    return settleDayItem(this.table, keys.ageingDay(tenantId, day.currency, day.dueDate), { entity: DAY, tenantId, currency: day.currency, dueDate: day.dueDate, amount: day.amount, invoices: day.invoices }, expectedWrites);
  }
}
