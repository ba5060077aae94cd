/**
 * The read path of the ageing report (and the activity feed's writes), all through key
 * conditions, never a Scan:
 * - invoices still chased: the sparse open-by-due index gsi1, its OPEN_SHARDS partitions read side
 *   by side to the end (a paid invoice is not in it, so 100,000 open invoices cost 100,000 items
 *   whatever the table's history);
 * - what happened (payments, promises, closures, issued invoices): the activity partitions of the
 *   months in range, sorted by day;
 * - the credit sales of a period: one range of the tenant's sales-day partition, which every write
 *   of an issued item keeps in the same transaction (dynamo-sales-days.ts);
 * - the call queues of the week: one partition per day;
 * - the customers named by all of this: BatchGetItem, 100 keys a request;
 * - whether an escalated customer ordered again: gsi2 (byCustomer) from the escalation day on.
 */
import type { ActivityItem, IssuedActivity } from '../domain/reports/activity.js';
import type { SalesDay } from '../domain/reports/sales-days.js';
import type { Invoice, Tenant } from '../domain/model.js';
import { analyticsWindow, type Reorder } from '../domain/reports/outcomes.js';
import { compilePolicy } from '../domain/timeline/company-policy.js';
import { DynamoPolicies } from './dynamo-policies.js';
import type { CallEntry, ReportCustomer, ReportInput, UnreadableRecord } from '../domain/reports/report.js';
import { addDays, localDay } from '../domain/shared/days.js';
import type { ReportRepository } from '../app/ports/reports.js';
import type { Table } from './dynamo/client.js';
import { batchGet, batchPut } from './dynamo/batch.js';
import { activityToItem, itemToActivity, itemToCustomer, itemToInvoice } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item, type QueryInput } from './dynamo/query.js';
import { monthsBetween } from './dynamo/activity-months.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';
import { DynamoCallQueue } from './dynamo-call-queue.js';
import { DynamoSalesDays } from './dynamo-sales-days.js';

/**
 * The items the model can read, parsed; each one it cannot is named in `unreadable` and left out,
 * so one damaged record (a hand edit, an older writer) costs its own row, not the tenant's report.
 */
const readable = <T>(items: readonly Item[], parse: (item: Item) => T, unreadable: UnreadableRecord[]): T[] =>
  items.flatMap((item) => {
    try {
      return [parse(item)];
    } catch (err) {
      const issue = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      unreadable.push({ key: `${String(item.pk)}|${String(item.sk)}`, problem: issue ? `${issue.path.join('.')}: ${issue.message}` : (err as Error).name });
      return [];
    }
  });

/** Smaller pages than the 1 MB default: many parallel ranges return sooner than a few large pages. */
const PAGE_ITEMS = 1_000;

export class DynamoReports implements ReportRepository {
  constructor(protected readonly table: Table) {}

  protected queryAll(input: QueryInput): Promise<Item[]> {
    return queryAll(this.table, input);
  }

  /**
   * Every invoice still chased, from the sparse open-by-due index: each shard read in due-date
   * ranges side by side (the ranges follow the ageing buckets, where the invoices are), in pages of
   * PAGE_ITEMS. A bare date sorts before every `<date>#<id>` key of that date, so consecutive
   * ranges [b_i, b_i+1] never share an item.
   */
  async openInvoices(tenantId: string, today: string, unreadable: UnreadableRecord[] = []): Promise<Invoice[]> {
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
    return readable((await Promise.all(reads)).flat(), itemToInvoice, unreadable);
  }

  async handedOver(tenantId: string, today: string): Promise<Invoice[]> {
    const closings = (await this.activity(tenantId, addDays(today, -365), today)).filter((a) => a.kind === 'closed' && a.outcome === 'escalated');
    const found = await batchGet(this.table, [...new Set(closings.map((a) => a.invoiceId))].map((id) => keys.invoice(tenantId, id)));
    return [...found.values()].map(itemToInvoice).filter((i) => i.status === 'escalated');
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
    return months.flat().flatMap((i) => itemToActivity(i) ?? []);
  }

  /** The call tasks of the given local days, done once an outcome was logged. */
  calls(tenantId: string, days: readonly string[]): Promise<CallEntry[]> {
    return new DynamoCallQueue(this.table).callEntries(tenantId, days);
  }

  /** Customers by id (BatchGetItem); unknown ids are left out. */
  async customers(tenantId: string, ids: Iterable<string>, unreadable: UnreadableRecord[] = []): Promise<ReportCustomer[]> {
    const found = await batchGet(this.table, [...new Set(ids)].map((id) => keys.customer(tenantId, id)));
    return readable([...found.values()], itemToCustomer, unreadable).map((c) => {
      return { customerId: c.customerId, name: c.name, ...(c.policy ? { policy: c.policy } : {}), ...(c.segment ? { segment: c.segment } : {}), ...(c.creditHold ? { creditHold: c.creditHold } : {}), paymentHistory: c.paymentHistory };
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
    const unreadable: UnreadableRecord[] = [];
    const [open, activity, calls, stored] = await Promise.all([
      this.openInvoices(tenant.tenantId, today, unreadable),
      this.activity(tenant.tenantId, window.from, today),
      this.calls(tenant.tenantId, days),
      new DynamoPolicies(this.table).list(tenant.tenantId),
    ]);
    const escalations = activity.filter((a) => a.kind === 'closed' && a.outcome === 'escalated').map((a) => ({ customerId: a.customerId, date: a.date }));
    const [customers, reorders] = await Promise.all([
      this.customers(tenant.tenantId, [...open.map((i) => i.customerId), ...escalations.map((e) => e.customerId)], unreadable),
      this.reorders(tenant.tenantId, escalations),
    ]);
    const companyPolicies = stored.map((p) => compilePolicy(p.body, p.version));
    return { tenant, now, open, customers, activity, calls, reorders, unreadable, companyPolicies };
  }

  /** The credit sales by issue day of the local days `from` to `to` (strongly consistent). */
  async salesDays(tenantId: string, from: string, to: string): Promise<SalesDay[]> {
    return (await new DynamoSalesDays(this.table).days(tenantId, from, to)).map(({ writes: _w, ...d }) => d);
  }

  /**
   * Writes activity items; a repeated item lands on the same key (activityId), so retries add nothing.
   * Issued items go with their sales day, in one transaction each (dynamo-sales-days.ts).
   */
  async recordActivity(items: readonly ActivityItem[]): Promise<void> {
    const sales = new DynamoSalesDays(this.table);
    const issued = items.filter((a): a is IssuedActivity => a.kind === 'issued');
    await Promise.all([batchPut(this.table, items.filter((a) => a.kind !== 'issued').map(activityToItem)), ...issued.map((a) => sales.recordIssued(a))]);
  }

  /** Removes one activity item (an invoice's issue filed under a date a corrected revision changed), and what an issue added to its sales day. */
  async forgetActivity(tenantId: string, date: string, id: string): Promise<void> {
    await new DynamoSalesDays(this.table).forget(tenantId, date, id);
  }
}
