import type { Tenant } from '../../domain/model.js';

export interface TenantRepository {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  putTenant(tenant: Tenant): Promise<void>;
}
