/**
 * Invoices: the invoice item and what its partition holds beside it (contact log, guard items,
 * payments, `once` markers), the deferral and failure written on it, and its reads through the
 * by-customer index (gsi2). Guarded sends are in dynamo-guard.ts, commands in dynamo-commands.ts.
 */
import { consistentGet } from './dynamo/consistent-gets.js';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ACTIVE_STATUSES, type ContactEvent, type Invoice } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import type { InvoiceFailure, InvoiceRepository, InvoiceView, RunRef, StageDeferral } from '../app/ports/invoices.js';
import { clock } from './clock.js';
import type { Table } from './dynamo/client.js';
import { mapLimit } from './dynamo/batch.js';
import { all, carriesNoFailure, executionIsCurrent, itemExists, itemIsNew, runIsCurrent, statusIn } from './dynamo/conditions.js';
import { isCancelled, isConditionFailure, unlessConditionFails } from './dynamo/errors.js';
import { eventToItem, invoiceToItem, itemToEvent, itemToInvoice, itemToPayment, itemToStageDone, sendingUntilOf } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item } from './dynamo/query.js';
import { TABLE_SCHEMA } from './dynamo/schema.js';
import { InvoiceClosedError } from './workflow-errors.js';

const skStarts = (prefix: string) => (i: Item) => typeof i.sk === 'string' && i.sk.startsWith(prefix);

export class DynamoInvoices implements InvoiceRepository {
  constructor(
    private readonly table: Table,
    /** Updates in flight at once when many invoices of a customer are released. */
    private readonly concurrency = 8,
  ) {}

  async getInvoice(tenantId: string, invoiceId: string): Promise<Invoice | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.invoice(tenantId, invoiceId), ConsistentRead: true }));
    return Item ? itemToInvoice(Item) : undefined;
  }

  async putInvoice(inv: Invoice): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: invoiceToItem(inv) }));
  }

  /** The invoice and its whole history in one strongly consistent Query of its partition. */
  async getInvoiceView(tenantId: string, invoiceId: string): Promise<InvoiceView | undefined> {
    const { pk } = keys.invoice(tenantId, invoiceId);
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true });
    const meta = items.find((i) => i.sk === 'INV');
    if (!meta) return undefined;
    const sendingUntil = sendingUntilOf(meta);
    return {
      invoice: itemToInvoice(meta),
      events: items.filter(skStarts('LOG#')).map(itemToEvent),
      stagesDone: items.filter(skStarts('STAGE#')).map(itemToStageDone),
      payments: items.filter(skStarts('PAY#')).map(itemToPayment),
      sendingUntil,
    };
  }

  async isDone(tenantId: string, invoiceId: string, guardKey: string): Promise<boolean> {
    return (await consistentGet(this.table, keys.stageDone(tenantId, invoiceId, guardKey))) !== undefined;
  }

  /** A customer's invoices still being chased ('open'), through the by-customer index (gsi2), every page. */
  async openInvoicesOfCustomer(tenantId: string, customerId: string): Promise<Invoice[]> {
    const items = await queryAll(this.table, {
      IndexName: TABLE_SCHEMA.indexes.byCustomer.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#status = :open',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':open': 'open' },
    });
    return items.map(itemToInvoice);
  }

  async customerInvoicesInPlay(tenantId: string, customerId: string, paidSince: string): Promise<Invoice[]> {
    const items = await queryAll(this.table, {
      IndexName: TABLE_SCHEMA.indexes.byCustomer.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: '#status IN (:open, :promised) OR (#status = :paid AND updatedAt >= :since)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':open': 'open', ':promised': 'promised', ':paid': 'paid', ':since': paidSince },
    });
    return items.map(itemToInvoice);
  }

  /**
   * The invoices of one customer due on or before `lastDueDate` (gsi2, by due date), re-read with
   * a strongly consistent GetItem when `recheck` says so: a global index lags its table a little,
   * and a hold must not be kept (or lifted) on a copy that a payment has just changed.
   */
  async customerInvoicesDueBy(tenantId: string, customerId: string, lastDueDate: string, recheck: (inv: Invoice) => boolean): Promise<Invoice[]> {
    const { byCustomer } = TABLE_SCHEMA.indexes;
    const items = await queryAll(this.table, {
      IndexName: byCustomer.name,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lo AND :hi',
      ExpressionAttributeNames: { '#pk': byCustomer.partitionKey, '#sk': byCustomer.sortKey },
      ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':lo': 'INV#', ':hi': `INV#${lastDueDate}#\uffff` },
    });
    const fresh = await Promise.all(items.map(itemToInvoice).map(async (inv) => (recheck(inv) ? this.getInvoice(tenantId, inv.invoiceId) : inv)));
    return fresh.filter((inv): inv is Invoice => inv !== undefined);
  }

  /** Appends to the contact log; an event id is written once and never overwritten. */
  async appendEvent(e: ContactEvent): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: eventToItem(e), ConditionExpression: itemIsNew }));
  }

  appendEventIfNew(e: ContactEvent): Promise<boolean> {
    return unlessConditionFails(this.appendEvent(e), true, false);
  }

  /**
   * Appends to the contact log once per `onceKey` for the invoice (a marker item beside it, written
   * in the same transaction): false when that key was used before and nothing was written.
   */
  async appendEventOnce(e: ContactEvent, onceKey: string): Promise<boolean> {
    const { pk } = keys.invoice(e.tenantId, e.invoiceId);
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.name, Item: { pk, sk: `ONCE#${onceKey}`, entity: 'once', at: e.at }, ConditionExpression: itemIsNew } },
            { Put: { TableName: this.table.name, Item: eventToItem(e), ConditionExpression: itemIsNew } },
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isCancelled(err)) return false;
      throw err;
    }
  }

  /**
   * Holds a stage back until `until` (contact limits): the deferral on the invoice, for the planner,
   * and its entry in the contact log, together. Only while the execution is still the invoice's own.
   * A retry writes the same entry id, so it is logged once.
   */
  async deferStage(d: StageDeferral): Promise<void> {
    const event = contactEvent({
      eventId: `deferred-${d.stage}-${d.until}`,
      tenantId: d.tenantId,
      invoiceId: d.invoiceId,
      at: d.at,
      type: 'deferred',
      channel: 'system',
      actor: 'system',
      stage: d.stage,
      outcome: 'recorded',
      details: { until: d.until, reason: d.reason, ...(d.needsContact ? { waitsForContact: true } : {}) },
    });
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table.name,
                Key: keys.invoice(d.tenantId, d.invoiceId),
                UpdateExpression: d.needsContact ? 'SET deferral = :d, needsContact = :t' : 'SET deferral = :d',
                ConditionExpression: executionIsCurrent,
                ExpressionAttributeNames: { '#status': 'status', '#revision': 'revision', '#run': 'run' },
                ExpressionAttributeValues: { ':d': { stage: d.stage, until: d.until, reason: d.reason }, ':required': 'open', ':rev': d.revision, ':run': d.run, ...(d.needsContact ? { ':t': true } : {}) },
              },
            },
            { Put: { TableName: this.table.name, Item: eventToItem(event) } },
            ...(d.forgetDone ? [{ Delete: { TableName: this.table.name, Key: keys.stageDone(d.tenantId, d.invoiceId, d.forgetDone) } }] : []),
          ],
        }),
      );
    } catch (err) {
      if (isCancelled(err)) throw new InvoiceClosedError('invoice changed while its stage was being deferred');
      throw err;
    }
  }

  /**
   * Writes why the timeline stopped on the invoice and in its contact log, in one transaction.
   * `once`: not when the invoice already carries a failure of the same state (the transaction is
   * cancelled with ConditionalCheckFailed).
   */
  async recordFailure(tenantId: string, invoiceId: string, failure: InvoiceFailure, event: ContactEvent, opts: { once?: boolean } = {}): Promise<boolean> {
    const write = this.table.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table.name,
              Key: keys.invoice(tenantId, invoiceId),
              UpdateExpression: 'SET failure = :f',
              ConditionExpression: opts.once ? all(itemExists, '(attribute_not_exists(failure) OR failure.#state <> :state)') : itemExists,
              ExpressionAttributeValues: { ':f': failure, ...(opts.once ? { ':state': failure.state } : {}) },
              ...(opts.once ? { ExpressionAttributeNames: { '#state': 'state' } } : {}),
            },
          },
          { Put: { TableName: this.table.name, Item: eventToItem(event), ConditionExpression: itemIsNew } },
        ],
      }),
    );
    return unlessConditionFails(write, true, false);
  }

  /**
   * Writes an ended execution's interruption on the invoice and in its contact log, in one
   * transaction, while that run is the invoice's, the invoice looks chased and carries no failure
   * (a newer run, a closed invoice, a step's own failure or this same interruption win). False when
   * the transaction was cancelled: nothing was written.
   */
  async recordInterruption(ref: RunRef, failure: InvoiceFailure, event: ContactEvent): Promise<boolean> {
    const active = Object.fromEntries(ACTIVE_STATUSES.map((st, i) => [`:active${i}`, st]));
    const write = this.table.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.table.name,
              Key: keys.invoice(ref.tenantId, ref.invoiceId),
              UpdateExpression: 'SET failure = :f',
              ConditionExpression: all(itemExists, runIsCurrent, statusIn(ACTIVE_STATUSES.length), carriesNoFailure),
              ExpressionAttributeNames: { '#status': 'status', '#revision': 'revision', '#run': 'run' },
              ExpressionAttributeValues: { ':f': failure, ':rev': ref.revision, ':run': ref.run, ...active },
            },
          },
          { Put: { TableName: this.table.name, Item: eventToItem(event), ConditionExpression: itemIsNew } },
        ],
      }),
    );
    return unlessConditionFails(write, true, false);
  }

  async recordPlannedPolicy(ref: RunRef, policy: Invoice['policy']): Promise<void> {
    const write = this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.invoice(ref.tenantId, ref.invoiceId),
        UpdateExpression: policy ? 'SET #policy = :p' : 'REMOVE #policy',
        ConditionExpression: all(itemExists, runIsCurrent),
        ExpressionAttributeNames: { '#policy': 'policy', '#revision': 'revision', '#run': 'run' },
        ExpressionAttributeValues: { ':rev': ref.revision, ':run': ref.run, ...(policy ? { ':p': policy } : {}) },
      }),
    );
    await unlessConditionFails(write, undefined, undefined); // superseded meanwhile: its own run records its own
  }

  /**
   * The customer can be reached now: every invoice of theirs that waited (needsContact) is
   * released, its `run` raised so the stream starts its timeline. Returns how many were started.
   */
  async activateInvoicesNeedingContact(tenantId: string, customerId: string): Promise<number> {
    const waiting = await queryAll(this.table, {
      IndexName: TABLE_SCHEMA.indexes.byCustomer.name,
      KeyConditionExpression: 'gsi2pk = :pk',
      FilterExpression: 'needsContact = :t',
      ExpressionAttributeValues: { ':pk': keys.byCustomer(tenantId, customerId, '', '').gsi2pk, ':t': true },
      ProjectionExpression: 'invoiceId',
    });
    const now = clock.now().toISOString();
    const started = await mapLimit(waiting, this.concurrency, async (i) => {
      try {
        await this.table.doc.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: keys.invoice(tenantId, String(i.invoiceId)),
            // A stage that waited for the contact goes now: its deferral ends with the wait.
            UpdateExpression: 'SET needsContact = :f, #run = #run + :one, updatedAt = :now REMOVE deferral',
            ConditionExpression: 'needsContact = :t',
            ExpressionAttributeNames: { '#run': 'run' },
            ExpressionAttributeValues: { ':f': false, ':t': true, ':one': 1, ':now': now },
          }),
        );
        return 1;
      } catch (err) {
        if (isConditionFailure(err)) return 0; // released by someone else already
        throw err;
      }
    });
    return started.reduce<number>((a, b) => a + b, 0);
  }
}
