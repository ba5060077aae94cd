import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { consistentGet } from './dynamo/consistent-gets.js';
import type { Tenant } from '../domain/model.js';
import type { TenantRepository } from '../app/ports/tenants.js';
import type { Table } from './dynamo/client.js';
import { itemToTenant, tenantToItem } from './dynamo/items.js';
import { keys } from './dynamo/keys.js';

export class DynamoTenants implements TenantRepository {
  constructor(private readonly table: Table) {}

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    const Item = await consistentGet(this.table, keys.tenant(tenantId));
    return Item ? itemToTenant(Item) : undefined;
  }

  async putTenant(t: Tenant): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: tenantToItem(t) }));
  }
}
