import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Tenant } from '../domain/model.js';
import type { TenantRepository } from '../app/ports/tenants.js';
import type { Table } from './dynamo/client.js';
import { itemToTenant, tenantToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';

export class DynamoTenants implements TenantRepository {
  constructor(private readonly table: Table) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.name, Key: keys.tenant(tenantId), ConsistentRead: true }));
    return Item ? itemToTenant(Item) : undefined;
  }

  async putTenant(t: Tenant): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: tenantToItem(t) }));
  }
}
