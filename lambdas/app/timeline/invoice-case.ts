/**
 * Everything a timeline task reads about one invoice: the invoice with its whole partition (log,
 * guard items, payments) in one Query, its customer, the supplier and the customer's policy.
 */
import type { Customer, Policy, Tenant } from '../../domain/model.js';
import { resolvePolicy } from '../policies/resolve-policy.js';
import { STAGE_IDS } from '../../domain/timeline/stages.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import type { InvoiceView } from '../ports/invoices.js';
import type { CaseDeps } from './ports.js';

export interface InvoiceCase {
  view: InvoiceView;
  customer: Customer;
  tenant: Tenant;
  policy: Policy;
  /** The policy named was not found: why another chases the invoice. */
  policyWarning?: string;
}

/** Data the invoice refers to is missing: a data problem for a person, not for a retry. */
export class MissingDataError extends Error {
  override readonly name = 'Sollecito.MissingData';
}

/**
 * The invoice's case, or undefined when the invoice does not exist (any more). The policy is the
 * version the current run was planned with; `latestPolicy` (planning) reads the newest.
 */
export const loadCase = async (deps: CaseDeps, tenantId: string, invoiceId: string, opts: { latestPolicy?: boolean } = {}): Promise<InvoiceCase | undefined> =>
  (await loadCaseWith(deps, tenantId, invoiceId, () => undefined, opts))?.case;

/**
 * The case, and `beside(invoice)` started together with its customer and supplier reads, so the
 * single-item reads among them go out in the same request (adapters/dynamo/consistent-gets.ts).
 */
export const loadCaseWith = async <T>(
  deps: CaseDeps,
  tenantId: string,
  invoiceId: string,
  beside: (invoice: InvoiceView['invoice']) => T,
  opts: { latestPolicy?: boolean } = {},
): Promise<{ case: InvoiceCase; beside: Awaited<T> } | undefined> => {
  const view = await deps.invoices.getInvoiceView(tenantId, invoiceId);
  if (!view) return undefined;
  const [customer, tenant, alongside] = await Promise.all([deps.customers.getCustomer(tenantId, view.invoice.customerId), deps.tenants.getTenant(tenantId), beside(view.invoice)]);
  if (!customer) throw new MissingDataError(`customer ${view.invoice.customerId} of invoice ${invoiceId} not found`);
  if (!tenant) throw new MissingDataError(`tenant ${tenantId} not found`);
  const { policy, warning } = await resolvePolicy(deps.policies, tenant, customer, view.invoice, opts.latestPolicy ? 'latest' : 'planned');
  return { case: { view, customer, tenant, policy, ...(warning ? { policyWarning: warning } : {}) }, beside: alongside };
};

/** Whether the execution (revision, run) is still the invoice's current one. */
export const isCurrent = (c: InvoiceCase, exec: { revision: number; run: number }): boolean =>
  c.view.invoice.revision === exec.revision && c.view.invoice.run === exec.run;

/** A plan that routes the execution to Closed. */
export const closedPlan = (now: Date, reason: string): TimelinePlan => ({
  mode: 'closed',
  next: 'none',
  at: Object.fromEntries(STAGE_IDS.map((s) => [s, now.toISOString()])) as TimelinePlan['at'],
  skip: [...STAGE_IDS],
  reason,
});
