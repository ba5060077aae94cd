/**
 * What the customer site is built from: the use cases' operations (app/customer-answers/ports.ts),
 * plus how to read the deployment's tenant, which the site caches for them.
 */
import type { CustomerAnswersDeps } from '../app/customer-answers/ports.js';
import type { TenantRepository } from '../app/ports/tenants.js';

export interface CustomerSiteDeps extends Omit<CustomerAnswersDeps, 'deploymentTenant'> {
  tenants: Pick<TenantRepository, 'getTenant'>;
}
