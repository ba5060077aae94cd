/**
 * Customers: the customer item, its own log (same partition), and the writes that go with a send
 * guard's claim (the contact record of contact limits, the credit hold).
 */
import { consistentGet } from './dynamo/consistent-gets.js';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { LIMITS, type ContactEvent, type Customer, type PaymentOutcome, type SalesNote } from '../domain/model.js';
import { inWrittenOrder, withSalesNotes } from '../domain/commands/sales-notes.js';
import { clock } from './clock.js';
import type { CustomerRepository, RecentContact } from '../app/ports/customers.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import type { Table } from './dynamo/client.js';
import { itemExists } from './dynamo/conditions.js';
import { isConditionFailure } from './dynamo/errors.js';
import { customerToItem, itemToCustomer, itemToEvent, itemToSalesNote, salesNoteToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';
import { transactionPart, type TransactItem } from './dynamo/transaction-part.js';

/** The customer's recent contacts, if its contacts version is still `version` (a record never written counts as 0). */
export const contactRecordUpdate = (table: Table, tenantId: string, customerId: string, version: number, recent: readonly RecentContact[]): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: keys.customer(tenantId, customerId),
    UpdateExpression: 'SET recentContacts = :recent, contactsVersion = :next',
    ConditionExpression: version === 0 ? `${itemExists} AND (attribute_not_exists(contactsVersion) OR contactsVersion = :v)` : 'contactsVersion = :v',
    ExpressionAttributeValues: { ':recent': recent, ':next': version + 1, ':v': version },
  },
});

export class DynamoCustomers implements CustomerRepository {
  constructor(private readonly table: Table) {}

  async getCustomer(tenantId: string, customerId: string): Promise<Customer | undefined> {
    const Item = await consistentGet(this.table, keys.customer(tenantId, customerId));
    return Item ? itemToCustomer(Item) : undefined;
  }

  /** The customer as given (a seed, a bench); the sales notes it carries become note items beside it. */
  async putCustomer(c: Customer): Promise<void> {
    const added = withSalesNotes(c, c.salesNotes, 'system', clock.now());
    if (added.outcome === 'full') throw new Error(`customer ${c.customerId}: more than ${LIMITS.salesNotes} sales notes`);
    if (added.outcome === 'unchanged') {
      await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: customerToItem(c) }));
      return;
    }
    await this.table.doc.send(
      new TransactWriteCommand({
        TransactItems: [customerToItem(added.customer), ...added.notes.map(salesNoteToItem)].map((Item) => ({ Put: { TableName: this.table.name, Item } })),
      }),
    );
  }

  /** The customer's sales notes (at most LIMITS.salesNotes items, one Query), in the order they were written. */
  async salesNotes(tenantId: string, customerId: string): Promise<SalesNote[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :note)',
        ExpressionAttributeValues: { ':pk': keys.customer(tenantId, customerId).pk, ':note': 'NOTE#' },
      }),
    );
    return inWrittenOrder((out.Items ?? []).map(itemToSalesNote));
  }

  /** The newest `limit` entries, oldest first. */
  async customerLog(tenantId: string, customerId: string, limit = 200): Promise<ContactEvent[]> {
    const out = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)',
        ExpressionAttributeValues: { ':pk': keys.customer(tenantId, customerId).pk, ':log': 'LOG#' },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(itemToEvent).reverse();
  }

  contactRecordWrite(tenantId: string, customerId: string, version: number, recent: readonly RecentContact[]): TransactionPart {
    return transactionPart(contactRecordUpdate(this.table, tenantId, customerId, version, recent));
  }

  async recordPaymentOutcome(tenantId: string, customerId: string, invoiceId: string, outcome: PaymentOutcome, drop: readonly string[]): Promise<boolean> {
    if (drop.includes(invoiceId)) return false;
    const key = keys.customer(tenantId, customerId);
    // `version` moves with it, so a directory write made from an older read cannot put the history back.
    const bump = 'version = if_not_exists(version, :zero) + :one';
    const names: Record<string, string> = Object.fromEntries([["#inv", invoiceId], ...drop.map((id, i) => [`#d${i}`, id])]);
    const remove = drop.length > 0 ? ` REMOVE ${drop.map((_, i) => `paymentHistory.#d${i}`).join(', ')}` : '';
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.table.doc.send(new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET paymentHistory.#inv = :o, ${bump}${remove}`,
          ConditionExpression: `${itemExists} AND attribute_exists(paymentHistory)`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':o': outcome, ':zero': 0, ':one': 1 },
        }));
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
      // A record written before the history existed: give it one, unless another write just did.
      try {
        await this.table.doc.send(new UpdateCommand({
          TableName: this.table.name,
          Key: key,
          UpdateExpression: `SET paymentHistory = :h, ${bump}`,
          ConditionExpression: `${itemExists} AND attribute_not_exists(paymentHistory)`,
          ExpressionAttributeValues: { ':h': { [invoiceId]: outcome }, ':zero': 0, ':one': 1 },
        }));
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: key, ProjectionExpression: 'pk' }));
        if (!Item) return false;
      }
    }
    return false;
  }

  creditHoldWrite(tenantId: string, customerId: string, hold: NonNullable<Customer['creditHold']>): TransactionPart {
    return transactionPart({
      Update: {
        TableName: this.table.name,
        Key: keys.customer(tenantId, customerId),
        UpdateExpression: 'SET creditHold = if_not_exists(creditHold, :hold), version = if_not_exists(version, :zero) + :one',
        ConditionExpression: itemExists,
        ExpressionAttributeValues: { ':hold': hold, ':zero': 0, ':one': 1 },
      },
    });
  }

  creditHoldJoinWrite(tenantId: string, customerId: string, invoiceIds: readonly string[]): TransactionPart {
    return transactionPart({
      Update: {
        TableName: this.table.name,
        Key: keys.customer(tenantId, customerId),
        UpdateExpression: 'SET creditHold.invoiceIds = list_append(if_not_exists(creditHold.invoiceIds, :none), :ids)',
        ConditionExpression: 'attribute_exists(creditHold)',
        ExpressionAttributeValues: { ':ids': [...invoiceIds], ':none': [] },
      },
    });
  }
}
