/**
 * SdiFiles on the single table: one item per FatturaPA file (keys.sdiFile) holding the set of its
 * invoice ids and the keys of notifications waiting for it, one per SdI id (keys.sdiId) naming its
 * file. Sets grow by ADD, so two files or two notifications never overwrite each other.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SdiFiles } from '../app/ports/sdi-files.js';
import type { Table } from './dynamo/client.js';
import { keys } from './dynamo/keys.js';

/** Only a file item already there loses a waiting key: a DELETE alone would create an empty one. */
const fileKnown = 'attribute_exists(pk)';

const strings = (v: unknown): string[] => (v instanceof Set ? [...v].filter((x): x is string => typeof x === 'string') : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export class DynamoSdiFiles implements SdiFiles {
  constructor(private readonly table: Table) {}

  async rememberFile(tenantId: string, stem: string, invoiceIds: readonly string[]): Promise<string[]> {
    if (invoiceIds.length === 0) return [];
    const out = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.sdiFile(tenantId, stem),
        UpdateExpression: 'SET entity = :e, tenantId = :t, stem = :s ADD invoiceIds :ids',
        ExpressionAttributeValues: { ':e': 'sdiFile', ':t': tenantId, ':s': stem, ':ids': new Set(invoiceIds) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return strings(out.Attributes?.waiting);
  }

  async invoicesOfFile(tenantId: string, stem: string): Promise<string[]> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.sdiFile(tenantId, stem), ConsistentRead: true }));
    return strings(out.Item?.invoiceIds).sort();
  }

  async fileOfSdiId(tenantId: string, sdiId: string): Promise<string | undefined> {
    const out = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.sdiId(tenantId, sdiId), ConsistentRead: true }));
    return typeof out.Item?.stem === 'string' ? out.Item.stem : undefined;
  }

  async rememberSdiId(tenantId: string, sdiId: string, stem: string): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: { ...keys.sdiId(tenantId, sdiId), entity: 'sdiId', tenantId, sdiId, stem } }));
  }

  async keepWaiting(tenantId: string, stem: string, key: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.sdiFile(tenantId, stem),
        UpdateExpression: 'SET entity = :e, tenantId = :t, stem = :s ADD waiting :k',
        ExpressionAttributeValues: { ':e': 'sdiFile', ':t': tenantId, ':s': stem, ':k': new Set([key]) },
      }),
    );
  }

  async doneWaiting(tenantId: string, stem: string, key: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: keys.sdiFile(tenantId, stem),
        UpdateExpression: 'DELETE waiting :k',
        ConditionExpression: fileKnown,
        ExpressionAttributeValues: { ':k': new Set([key]) },
      }),
    ).catch((err: unknown) => {
      // Nothing was waiting under that name: nothing to forget.
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    });
  }
}
