import { describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { TABLE_SCHEMA } from '../../lambdas/adapters/dynamo/schema.js';

const { endpoint, tableName } = await useLocalTable();

describe('application table on DynamoDB Local', () => {
  it('has the key schema, both GSIs and a stream, as the CDK construct declares', async () => {
    const client = new DynamoDBClient({ endpoint });
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey]);
    expect(Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
    expect(Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
  });
});
