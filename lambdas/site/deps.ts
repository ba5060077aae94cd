/**
 * What the customer site is built from: the use cases' operations (app/customer-answers/ports.ts),
 * plus how to read the deployment's tenant, which the site caches for them, and the SMS short links.
 */
import type { CustomerAnswersDeps } from '../app/customer-answers/ports.js';
import type { ShortLinkStore } from '../app/ports/message-links.js';
import type { TenantRepository } from '../app/ports/tenants.js';

export interface CustomerSiteDeps extends Omit<CustomerAnswersDeps, 'deploymentTenant'> {
  tenants: Pick<TenantRepository, 'getTenant'>;
  /** What GET /s/{code} looks its code up in. */
  shortLinks: Pick<ShortLinkStore, 'find'>;
}
