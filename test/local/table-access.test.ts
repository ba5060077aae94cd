/**
 * The local stack refuses what a function's AWS role refuses (local/services/table-access.ts): the
 * check itself, and a refused request against DynamoDB Local as a handler would meet it.
 */
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { documentClient, tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { asFunction, enforceTableAccess, leadingKeys, refusal } from '../../local/services/table-access.js';

const T = 'demo';

describe('what a function may ask of the table', () => {
  it('a read-write function may do anything but a tenant-scoped one only its tenant’s single items, queries and batch reads', () => {
    expect(refusal('send-reminder', 'Scan', {}, T)).toBeUndefined();
    expect(refusal('customer-pages', 'Scan', {}, T)).toMatch(/customer-pages is not authorized to perform: dynamodb:Scan/);
    expect(refusal('customer-pages', 'BatchWriteItem', { RequestItems: {} }, T)).toMatch(/dynamodb:BatchWriteItem/);
    // A case's customer and supplier, read as one (consistent-gets.ts).
    expect(refusal('plan-timeline', 'BatchGetItem', { RequestItems: { t: { Keys: [{ pk: { S: `T#${T}#CUST#C1` } }, { pk: { S: `T#${T}` } }] } } }, T)).toBeUndefined();
    expect(refusal('wake-timelines', 'GetItem', { Key: { pk: { S: 'T#other#INV#1' } } }, T)).toMatch(/LeadingKeys.*T#other#INV#1/);
    // A tenant whose id starts like ours is another tenant.
    expect(refusal('wake-timelines', 'GetItem', { Key: { pk: { S: `T#${T}x#INV#1` } } }, T)).toMatch(/LeadingKeys/);
  });

  it('a transaction needs the action of each of its items: plan-timeline deletes nothing', () => {
    const put = { Put: { Item: { pk: { S: `T#${T}#INV#1` } } } };
    const del = { Delete: { Key: { pk: { S: `T#${T}#INV#1` } } } };
    expect(refusal('plan-timeline', 'TransactWriteItems', { TransactItems: [put] }, T)).toBeUndefined();
    expect(refusal('plan-timeline', 'TransactWriteItems', { TransactItems: [put, del] }, T)).toMatch(/dynamodb:DeleteItem/);
    expect(refusal('ended-executions', 'TransactWriteItems', { TransactItems: [put, del] }, T)).toBeUndefined();
  });

  it('finds the partition key of every kind of request', () => {
    expect(leadingKeys({ KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)', ExpressionAttributeValues: { ':pk': { S: 'T#a#CUST#1' }, ':p': { S: 'x' } } })).toEqual(['T#a#CUST#1']);
    expect(leadingKeys({ TransactItems: [{ Update: { Key: { pk: { S: 'T#a#INV#1' } } } }, { ConditionCheck: { Key: { pk: { S: 'T#b' } } } }] })).toEqual(['T#a#INV#1', 'T#b']);
    expect(leadingKeys({ Item: { pk: { S: 'T#a#TASKS' } } })).toEqual(['T#a#TASKS']);
  });
});

describe('on DynamoDB Local', () => {
  it('a refused request fails as AccessDeniedException before it is sent; outside a function nothing is checked', async () => {
    await useLocalTable();
    const table = tableFromEnv();
    enforceTableAccess(documentClient(), T);
    await expect(asFunction('customer-pages', () => table.doc.send(new ScanCommand({ TableName: table.name, Limit: 1 })))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(asFunction('customer-pages', () => table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: 'T#other', sk: 'TENANT' } })))).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(asFunction('customer-pages', () => table.doc.send(new GetCommand({ TableName: table.name, Key: { pk: `T#${T}`, sk: 'TENANT' } })))).resolves.toBeDefined();
    await expect(table.doc.send(new ScanCommand({ TableName: table.name, Limit: 1 }))).resolves.toBeDefined();
  });
});
