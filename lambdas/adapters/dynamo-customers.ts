/**
 * Customers: the customer item, its own log (same partition), and the writes that go with a send
 * guard's claim (the contact record of contact limits, the credit hold).
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { LIMITS, type ContactEvent, type Customer, type SalesNote } from '../domain/model.js';
import { inWrittenOrder, withSalesNotes } from '../domain/commands/sales-notes.js';
import { clock } from './clock.js';
import type { CustomerRepository, RecentContact } from '../app/ports/customers.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import type { Table } from './dynamo/client.js';
import { itemExists } from './dynamo/conditions.js';
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
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.customer(tenantId, customerId), ConsistentRead: true }));
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
