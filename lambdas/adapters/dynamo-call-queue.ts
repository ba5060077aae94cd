/**
 * The finance team's call queue, one partition per tenant and local day (keys.customerCall,
 * keys.callTask): a customer's call of the day (sk `<customerId>#`) sorted just before the line
 * of each invoice on it (sk `<customerId>#<invoiceId>`). Every call item is read and written here.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CallTask, CustomerCall } from '../domain/timeline/call-records.js';
import type { CallEntry } from '../domain/reports/report.js';
import type { CallOutcome, CallQueueRepository, CallSheet, StoredCallItem } from '../app/ports/call-queue.js';
import type { TransactionPart } from '../app/ports/transaction.js';
import type { Table } from './dynamo/client.js';
import { itemExists } from './dynamo/conditions.js';
import { unlessConditionFails } from './dynamo/errors.js';
import { callTaskToItem, customerCallFields, itemToStoredCall } from './dynamo/items.js';
import { keys, type ItemKey } from './dynamo/keys.js';
import { queryAll } from './dynamo/query.js';
import { transactionPart } from './dynamo/transaction-part.js';

export class DynamoCallQueue implements CallQueueRepository {
  constructor(private readonly table: Table) {}

  callTaskWrite(task: CallTask): TransactionPart {
    return transactionPart({ Put: { TableName: this.table.name, Item: callTaskToItem(task) } });
  }

  customerCallWrite(call: CustomerCall): TransactionPart {
    const fields = customerCallFields(call);
    return transactionPart({
      Update: {
        TableName: this.table.name,
        Key: keys.customerCall(call.tenantId, call.day, call.customerId),
        UpdateExpression: `SET ${fields.map((_, i) => `#f${i} = if_not_exists(#f${i}, :v${i})`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(fields.map(([k], i) => [`#f${i}`, k])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, v], i) => [`:v${i}`, v])),
      },
    });
  }

  async rewriteCallSheet(call: CallSheet): Promise<void> {
    await unlessConditionFails(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.customerCall(call.tenantId, call.day, call.customerId),
          UpdateExpression: 'SET summary = :s, talkingPoints = :p, alsoOverdue = :o, totals = :t',
          ConditionExpression: 'leadInvoiceId = :lead',
          ExpressionAttributeValues: { ':s': call.summary, ':p': call.talkingPoints, ':o': call.alsoOverdue, ':t': call.totals, ':lead': call.leadInvoiceId },
        }),
      ),
      undefined,
      undefined,
    );
  }

  async callQueue(tenantId: string, day: string): Promise<StoredCallItem[]> {
    const items = await queryAll(this.table, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.callTask(tenantId, day, '', '').pk } });
    return items.map(itemToStoredCall);
  }

  /** The call queue entries of the given local days, done once an outcome was logged (the ageing report). */
  async callEntries(tenantId: string, days: readonly string[]): Promise<CallEntry[]> {
    const perDay = await Promise.all(
      days.map(async (day) =>
        (await this.callQueue(tenantId, day)).map((c): CallEntry => ({
          day,
          customerId: c.customerId,
          invoiceId: c.entity === 'callTask' ? c.invoiceId : '',
          done: c.outcome !== undefined,
        })),
      ),
    );
    return perDay.flat();
  }

  async customerCallItems(tenantId: string, day: string, customerId: string): Promise<StoredCallItem[]> {
    const key = keys.customerCall(tenantId, day, customerId);
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': key.pk, ':sk': key.sk },
      ConsistentRead: true,
    });
    return items.map(itemToStoredCall);
  }

  async completeCustomerCall(tenantId: string, day: string, customerId: string, invoiceIds: readonly string[], outcome: CallOutcome): Promise<string[]> {
    const [, ...marked] = await Promise.all([
      this.complete(keys.customerCall(tenantId, day, customerId), outcome),
      ...invoiceIds.map((id) => this.complete(keys.callTask(tenantId, day, customerId, id), outcome)),
    ]);
    return invoiceIds.filter((_, i) => marked[i]);
  }

  completeCallTask(tenantId: string, day: string, customerId: string, invoiceId: string, outcome: CallOutcome): Promise<boolean> {
    return this.complete(keys.callTask(tenantId, day, customerId, invoiceId), outcome);
  }

  /** Logs the outcome on one item of the queue; false when there is no such item. */
  private complete(key: ItemKey, outcome: CallOutcome): Promise<boolean> {
    return unlessConditionFails(
      this.table.doc.send(
        new UpdateCommand({ TableName: this.table.name, Key: key, UpdateExpression: 'SET outcome = :o', ConditionExpression: itemExists, ExpressionAttributeValues: { ':o': outcome } }),
      ),
      true,
      false,
    );
  }
}
