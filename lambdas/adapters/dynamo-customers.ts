/**
 * Customers: the customer item, its own log (same partition), and the writes that go with a send
 * guard's claim (the contact record of contact limits, the credit hold).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactEvent, Customer } from '../domain/model.js';
import type { CustomerRepository, RecentContact } from '../app/ports/customers.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import type { Table } from './dynamo/client.js';
import { itemExists } from './dynamo/conditions.js';
import { customerToItem, itemToCustomer, itemToEvent } from './dynamo/items.js';
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

  async putCustomer(c: Customer): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: customerToItem(c) }));
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
