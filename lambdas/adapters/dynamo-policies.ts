/**
 * Company policies in the tenant's policy partition: a head item per policy (its latest version)
 * and every version kept. A version is written once, with its head, in one transaction; versions
 * never change, so this container keeps the ones it read.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { CompanyPolicy } from '../domain/timeline/company-policy.js';
import { PolicyConflictError, type PolicyRepository, type StoredPolicy } from '../app/ports/policies.js';
import type { Table } from './dynamo/client.js';
import { isConditionFailure } from './dynamo/errors.js';
import { keys } from './dynamo/keys.js';
import { queryAll, type Item } from './dynamo/query.js';
import { LruMap } from './lru-map.js';

const fromItem = (i: Item): StoredPolicy => ({
  id: String(i.policyId),
  version: Number(i.version),
  body: CompanyPolicy.parse(i.body),
  savedAt: String(i.savedAt),
});

export class DynamoPolicies implements PolicyRepository {
  private readonly versions = new LruMap<string, StoredPolicy>(500);

  constructor(private readonly table: Table) {}

  async list(tenantId: string): Promise<StoredPolicy[]> {
    const items = await queryAll(this.table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :head)',
      ExpressionAttributeValues: { ':pk': keys.policyHead(tenantId, '').pk, ':head': 'HEAD#' },
      ConsistentRead: true,
    });
    return items.map(fromItem);
  }

  async latest(tenantId: string, policyId: string): Promise<StoredPolicy | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.policyHead(tenantId, policyId), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async version(tenantId: string, policyId: string, version: number): Promise<StoredPolicy | undefined> {
    const key = `${tenantId}\u0000${policyId}\u0000${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.policyVersion(tenantId, policyId, version) }));
    if (!Item) return undefined;
    const stored = fromItem(Item);
    this.versions.set(key, stored);
    return stored;
  }

  async save(tenantId: string, body: CompanyPolicy, after: number, savedAt: string): Promise<StoredPolicy> {
    const stored: StoredPolicy = { id: body.id, version: after + 1, body, savedAt };
    const fields = { entity: 'policy', tenantId, policyId: body.id, version: stored.version, name: body.name, body, savedAt };
    try {
      await this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table.name, Item: { ...keys.policyVersion(tenantId, body.id, stored.version), ...fields }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: this.table.name,
                Item: { ...keys.policyHead(tenantId, body.id), ...fields },
                ...(after === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: 'version = :after', ExpressionAttributeValues: { ':after': after } }),
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      throw new PolicyConflictError(after === 0 ? `policy ${body.id} exists already` : `policy ${body.id} is no longer at version ${after}`);
    }
    return stored;
  }
}
