/**
 * The day items of the stream-kept histograms (ageing days by due day, sales days by issue day),
 * as their rebuilds write them: replaced only if their write counter is still the one read
 * (absent: only if the day still does not exist), an empty day deleted. False when the day moved.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Table } from './client.js';
import { isConditionFailure } from './errors.js';
import type { ItemKey } from './keys.js';

export const settleDayItem = async (
  table: Table,
  key: ItemKey,
  day: Record<string, unknown> & { amount: number; invoices: number },
  expectedWrites: number | undefined,
): Promise<boolean> => {
  const condition =
    expectedWrites === undefined
      ? { ConditionExpression: 'attribute_not_exists(pk)' }
      : { ConditionExpression: '#writes = :w', ExpressionAttributeNames: { '#writes': 'writes' }, ExpressionAttributeValues: { ':w': expectedWrites } };
  try {
    if (day.amount === 0 && day.invoices === 0) {
      if (expectedWrites === undefined) return true;
      await table.doc.send(new DeleteCommand({ TableName: table.name, Key: key, ...condition }));
    } else {
      await table.doc.send(new PutCommand({ TableName: table.name, Item: { ...key, ...day, writes: (expectedWrites ?? 0) + 1 }, ...condition }));
    }
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};
