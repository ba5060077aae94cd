/**
 * Marks: small items that say what a reminder may leave unread, so that the common case (no answer
 * waiting, no credit, no wording of the company's own) costs no request beyond the case's one
 * BatchGetItem, which reads them beside the customer and the supplier (consistent-gets.ts).
 * - customer marks (keys.customerMarks): the ids of the customer's open answer tasks (a plan request
 *   or a contact change the finance team has not handled) and of its open credits, each added and
 *   removed in the same transaction as the task or credit it mirrors: exact.
 * - company marks (keys.tenantMarks): `unconfirmedCredits`, never below the number of suggested and
 *   unmatched bank credits (raised before a credit enters those statuses, lowered after it left
 *   them: a crash between leaves it too high, which only costs the reads it would have saved); and
 *   `wordingVersion`, raised with every change of the company's wording, in the same transaction.
 * A missing mark reads as empty: `npm run marks:rebuild` writes them for data older than the marks.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './client.js';
import { consistentGet } from './consistent-gets.js';
import { keys } from './keys.js';
import type { TransactItem } from './transaction-part.js';

export interface CustomerMarks {
  answersWaiting: string[];
  openCredits: string[];
}

export interface TenantMarks {
  unconfirmedCredits: number;
  wordingVersion: number;
}

const ids = (v: unknown): string[] => (v instanceof Set ? [...(v as Set<string>)].sort() : []);
const count = (v: unknown): number => (typeof v === 'number' ? v : 0);

export const readCustomerMarks = async (table: Table, tenantId: string, customerId: string): Promise<CustomerMarks> => {
  const item = await consistentGet(table, keys.customerMarks(tenantId, customerId));
  return { answersWaiting: ids(item?.answersWaiting), openCredits: ids(item?.openCredits) };
};

export const readTenantMarks = async (table: Table, tenantId: string): Promise<TenantMarks> => {
  const item = await consistentGet(table, keys.tenantMarks(tenantId));
  return { unconfirmedCredits: count(item?.unconfirmedCredits), wordingVersion: count(item?.wordingVersion) };
};

type SetMark = 'answersWaiting' | 'openCredits';

/** Adds or removes one id of a customer's mark, as a part of the transaction that writes what it mirrors. */
export const customerMarkChange = (table: Table, tenantId: string, customerId: string, mark: SetMark, id: string, present: boolean): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: keys.customerMarks(tenantId, customerId),
    UpdateExpression: `SET entity = :entity ${present ? 'ADD' : 'DELETE'} #m :id`,
    ExpressionAttributeNames: { '#m': mark },
    ExpressionAttributeValues: { ':id': new Set([id]), ':entity': 'customerMarks' },
  },
});

/** Raises the company's wording version, as a part of the transaction that changes the wording. */
export const wordingVersionRaise = (table: Table, tenantId: string): TransactItem => ({
  Update: {
    TableName: table.name,
    Key: keys.tenantMarks(tenantId),
    UpdateExpression: 'SET entity = :entity ADD wordingVersion :one',
    ExpressionAttributeValues: { ':one': 1, ':entity': 'tenantMarks' },
  },
});

/** Moves the company's count of possibly unconfirmed credits by `delta` (see the ordering above). */
export const moveUnconfirmedCredits = async (table: Table, tenantId: string, delta: number): Promise<void> => {
  if (delta === 0) return;
  await table.doc.send(
    new UpdateCommand({
      TableName: table.name,
      Key: keys.tenantMarks(tenantId),
      UpdateExpression: 'SET entity = :entity ADD unconfirmedCredits :d',
      ExpressionAttributeValues: { ':d': delta, ':entity': 'tenantMarks' },
    }),
  );
};
