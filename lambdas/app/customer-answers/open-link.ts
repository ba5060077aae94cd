/**
 * Opening a customer link: the first steps of every request to /c/<token>.
 * 1. Verify the link: signed with our key (or the previous one), not expired, for this deployment's tenant.
 * 2. Load what it points at: the invoice, its customer and the tenant.
 * A refused link is logged by its problem only (never the token) and counted.
 */
import { LinkError, verifyLink, type LinkClaims, type LinkKeyring } from '../../domain/messages/links.js';
import type { Customer, Invoice, Tenant } from '../../domain/model.js';
import type { CustomerAnswersDeps } from './ports.js';

export interface OpenedLink {
  /** The link's token as presented: the CSRF token of its form is derived from it. */
  token: string;
  claims: LinkClaims;
  ring: LinkKeyring;
  tenant: Tenant;
  customer: Customer;
  invoice: Invoice;
}

/** A link that cannot be honoured: expired, or invalid (tampered, foreign, pointing at nothing). */
export interface LinkRefused {
  kind: 'refused';
  problem: 'expired' | 'invalid';
}

export type OpenLinkDeps = Pick<CustomerAnswersDeps, 'tenantId' | 'deploymentTenant' | 'invoices' | 'customers' | 'keyring' | 'now' | 'logger' | 'count'>;

export const openLink = async (deps: OpenLinkDeps, token: string): Promise<OpenedLink | LinkRefused> => {
  // 1. Verify the link
  const ring = await deps.keyring();
  let claims: LinkClaims;
  try {
    claims = verifyLink(token, ring, deps.now());
    if (claims.tenantId !== deps.tenantId) throw new LinkError('tampered', 'link of another tenant');
  } catch (err) {
    if (!(err instanceof LinkError)) throw err;
    deps.logger.warn('customer link refused', { problem: err.problem });
    deps.count(err.problem === 'expired' ? 'LinksExpired' : 'LinksRefused');
    return { kind: 'refused', problem: err.problem === 'expired' ? 'expired' : 'invalid' };
  }

  // 2. Load what it points at
  const ids = { tenantId: claims.tenantId, invoiceId: claims.invoiceId, action: claims.action };
  const [invoice, tenant] = await Promise.all([deps.invoices.getInvoice(claims.tenantId, claims.invoiceId), deps.deploymentTenant()]);
  const customer = invoice ? await deps.customers.getCustomer(claims.tenantId, invoice.customerId) : undefined;
  if (!invoice || !tenant || !customer) {
    deps.logger.warn('customer link points at nothing', { ...ids, invoice: !!invoice, tenant: !!tenant, customer: !!customer });
    return { kind: 'refused', problem: 'invalid' };
  }
  return { token, claims, ring, tenant, customer, invoice };
};

export const isRefused = (l: OpenedLink | LinkRefused): l is LinkRefused => 'kind' in l;

/** The ids a log line about the link may carry. */
export const linkIds = (l: OpenedLink) => ({ tenantId: l.claims.tenantId, invoiceId: l.claims.invoiceId, action: l.claims.action });
