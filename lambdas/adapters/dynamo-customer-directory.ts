/**
 * Ingest of the customer directory: customers with their tax-id lookup items (a tax id belongs to
 * one customer), a log entry for each change, and the start of the invoices that waited for a
 * contact. Updates are conditioned on the version read and merged again after a fresh read.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { InvalidRecord, mergeDirectoryRecord, taxKeysOf, type CustomerDefaults, type IngestContext } from '../domain/ingest/rules.js';
import type { DirectoryCustomer } from '../domain/parsers/customers.js';
import type { CustomerBatchOutcome, CustomerDirectory } from '../app/ports/ingest.js';
import type { InvoiceRepository } from '../app/ports/invoices.js';
import type { Table } from './dynamo/client.js';
import { backoff, batchGet, keyId, mapLimit } from './dynamo/batch.js';
import { all, itemExists, itemIsNew, taxIdIsFreeOrMine } from './dynamo/conditions.js';
import { cancellationCodes } from './dynamo/errors.js';
import { customerEventToItem, customerToItem, itemToCustomer, salesNoteToItem, taxIdToItem } from './dynamo/items.js';
import { keys, type ItemKey } from './dynamo/keys.js';
import type { Item } from './dynamo/query.js';
import { transactWithRetry } from './dynamo/transact.js';
import type { TransactItem } from './dynamo/transaction-part.js';
import { DynamoInvoices } from './dynamo-invoices.js';
import { DynamoTimelineRestarts } from './dynamo-timeline-restarts.js';
import type { TimelineRestarts } from '../app/ports/policies.js';
import { at } from './record-location.js';

export class DynamoCustomerDirectory implements CustomerDirectory {
  private readonly invoices: InvoiceRepository;
  private readonly restarts: TimelineRestarts;

  constructor(
    private readonly table: Table,
    /** Customers written at once (per batch). */
    private readonly concurrency = 8,
  ) {
    this.invoices = new DynamoInvoices(table, concurrency);
    this.restarts = new DynamoTimelineRestarts(table, concurrency);
  }

  private read(keyList: ItemKey[]): Promise<Map<string, Item>> {
    return batchGet(this.table, keyList, { consistentRead: true, concurrency: this.concurrency });
  }

  private async getItem(key: ItemKey): Promise<Item | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ConsistentRead: true }));
    return out.Item;
  }

  /** Creates or updates directory customers with their tax-id items; starts invoices that were waiting for a contact. */
  async upsertCustomers(records: DirectoryCustomer[], ctx: IngestContext & { defaults: CustomerDefaults }): Promise<CustomerBatchOutcome> {
    const outcome: CustomerBatchOutcome = { created: 0, updated: 0, unchanged: 0, activated: 0, rejections: [] };
    // The last record of a customer in the file wins; earlier ones are merged in order.
    const stored = await this.read(records.map((r) => keys.customer(ctx.tenantId, r.customerId)));
    const current = new Map<string, Customer | undefined>();
    for (const r of records) {
      if (!current.has(r.customerId)) {
        const item = stored.get(keyId(keys.customer(ctx.tenantId, r.customerId)));
        current.set(r.customerId, item ? itemToCustomer(item) : undefined);
      }
    }
    const byCustomer = new Map<string, DirectoryCustomer[]>();
    for (const r of records) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
    await mapLimit([...byCustomer.values()], this.concurrency, async (recs) => {
      for (const rec of recs) {
        const where = at(rec);
        try {
          const before = current.get(rec.customerId);
          const result = await this.upsertCustomer(rec, before, ctx);
          current.set(rec.customerId, result.customer);
          // Another policy of its own or another segment: its open invoices are re-planned from their next stage.
          if (result.kind === 'updated' && result.customer && (before?.policy !== result.customer.policy || before?.segment !== result.customer.segment)) {
            await this.restarts.restartOpen(ctx.tenantId, { customerId: rec.customerId });
          }
          if (result.kind === 'rejected') outcome.rejections.push({ ...where, field: result.field, value: result.value, reason: result.reason });
          else outcome[result.kind]++;
          if (result.becameReachable) outcome.activated += await this.invoices.activateInvoicesNeedingContact(ctx.tenantId, rec.customerId);
        } catch (err) {
          if (!(err instanceof InvalidRecord)) throw err;
          outcome.rejections.push({ ...where, field: err.field, reason: err.reason });
        }
      }
    });
    return outcome;
  }

  private async upsertCustomer(
    rec: DirectoryCustomer,
    known: Customer | undefined,
    ctx: IngestContext & { defaults: CustomerDefaults },
  ): Promise<
    | { kind: 'created' | 'updated' | 'unchanged'; customer: Customer | undefined; becameReachable: boolean }
    | { kind: 'rejected'; customer: Customer | undefined; becameReachable: false; field: string; value?: string; reason: string }
  > {
    let existing = known;
    for (let attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        await backoff(attempt);
        const item = await this.getItem(keys.customer(ctx.tenantId, rec.customerId));
        existing = item ? itemToCustomer(item) : undefined;
      }
      const m = mergeDirectoryRecord(existing, rec, ctx.tenantId, ctx.defaults, ctx.now);
      if (m.changed.length === 0) return { kind: 'unchanged', customer: existing, becameReachable: false };
      const newKeys = taxKeysOf(m.customer);
      const oldKeys = existing ? taxKeysOf(existing) : [];
      const added = newKeys.filter((k) => !oldKeys.includes(k));
      const dropped = oldKeys.filter((k) => !newKeys.includes(k));
      const items: TransactItem[] = [
        {
          Put: {
            TableName: this.table.name,
            Item: customerToItem(m.customer),
            ...(existing
              ? { ConditionExpression: all(itemExists, '(attribute_not_exists(version) OR version = :v)'), ExpressionAttributeValues: { ':v': existing.version } }
              : { ConditionExpression: itemIsNew }),
          },
        },
        ...m.salesNotes.map((n): TransactItem => ({ Put: { TableName: this.table.name, Item: salesNoteToItem(n), ConditionExpression: itemIsNew } })),
        ...added.map(
          (k): TransactItem => ({
            Put: {
              TableName: this.table.name,
              Item: taxIdToItem(ctx.tenantId, k, rec.customerId),
              ConditionExpression: taxIdIsFreeOrMine,
              ExpressionAttributeValues: { ':cid': rec.customerId },
            },
          }),
        ),
        ...dropped.map(
          (k): TransactItem => ({
            Delete: {
              TableName: this.table.name,
              Key: keys.customerByTaxId(ctx.tenantId, k),
              ConditionExpression: taxIdIsFreeOrMine,
              ExpressionAttributeValues: { ':cid': rec.customerId },
            },
          }),
        ),
      ];
      if (existing) {
        const contact = m.changed.some((f) => ['email', 'phone', 'billingContact'].includes(f));
        const e = contactEvent({
          tenantId: ctx.tenantId,
          invoiceId: '',
          at: ctx.now.toISOString(),
          type: contact ? 'contact_added' : 'customer_updated',
          channel: 'system',
          actor: 'system',
          details: { customerId: rec.customerId, fields: m.changed, source: ctx.sourceKey },
        });
        items.push({ Put: { TableName: this.table.name, Item: customerEventToItem(rec.customerId, e), ConditionExpression: itemIsNew } });
      }
      try {
        await transactWithRetry(this.table, items);
        return { kind: m.created ? 'created' : 'updated', customer: m.customer, becameReachable: m.becameReachable };
      } catch (err) {
        const codes = cancellationCodes(err);
        if (!codes) throw err;
        const taxConflict = codes.findIndex((c, i) => c === 'ConditionalCheckFailed' && i > 0 && i <= added.length);
        if (taxConflict > 0) {
          const k = added[taxConflict - 1]!;
          const owner = await this.getItem(keys.customerByTaxId(ctx.tenantId, k));
          return {
            kind: 'rejected',
            customer: existing,
            becameReachable: false,
            field: m.customer.vatId?.toUpperCase() === k ? 'vatId' : 'fiscalCode',
            value: k,
            reason: `${k} already belongs to customer ${String(owner?.customerId ?? '?')}: use that customer code, or correct the tax id`,
          };
        }
        // The customer changed (or appeared) meanwhile: read it again and merge once more.
      }
    }
    throw new Error(`customer ${rec.customerId} kept changing while the directory was ingested`);
  }
}
