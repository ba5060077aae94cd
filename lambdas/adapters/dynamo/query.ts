import { paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Table } from './client.js';

export type Item = Record<string, unknown>;
export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** Every item a Query of the table answers, page after page. */
export const queryAll = async (table: Table, input: QueryInput): Promise<Item[]> => {
  const items: Item[] = [];
  for await (const page of paginateQuery({ client: table.doc }, { ...input, TableName: table.name })) items.push(...(page.Items ?? []));
  return items;
};
