/**
 * The policy an invoice is chased under: the customer's own, its segment's or the company default
 * (domain/timeline/policies.ts policyRefFor), from the built-ins or the company's stored ones.
 * `planned`: the version the current run was planned with (the sends of a run keep it);
 * `latest`: the newest version (planning). A policy that no longer exists falls back to the
 * company default, then to the standard preset, and says so. A habitual late payer gets what its
 * policy gives such customers (domain/timeline/payment-habit.ts).
 */
import type { Customer, Invoice, Policy, Tenant } from '../../domain/model.js';
import { compilePolicy } from '../../domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES, FALLBACK_POLICY, isBuiltInPolicy, policyRefFor } from '../../domain/timeline/policies.js';
import { habitOf, policyForHabit } from '../../domain/timeline/payment-habit.js';
import type { PolicyRepository } from '../ports/policies.js';

export interface ResolvedPolicy {
  policy: Policy;
  /** Set when the policy named was not found and another chases the invoice. */
  warning?: string;
}

export type PolicyReader = Pick<PolicyRepository, 'latest' | 'version'>;

export const resolvePolicy = async (
  policies: PolicyReader,
  tenant: Tenant,
  customer: Customer,
  invoice: Pick<Invoice, 'policy'>,
  which: 'planned' | 'latest',
): Promise<ResolvedPolicy> => {
  const load = async (ref: string): Promise<Policy | undefined> => {
    if (isBuiltInPolicy(ref)) return BUILT_IN_POLICIES[ref];
    const planned = which === 'planned' && invoice.policy?.id === ref ? await policies.version(tenant.tenantId, ref, invoice.policy.version) : undefined;
    const stored = planned ?? (await policies.latest(tenant.tenantId, ref));
    return stored ? compilePolicy(stored.body, stored.version) : undefined;
  };
  const choice = policyRefFor(customer, tenant);
  const forCustomer = (p: Policy): Policy => policyForHabit(p, habitOf(customer.paymentHistory, p));
  const chosen = await load(choice.ref);
  if (chosen) return { policy: forCustomer(chosen) };
  const fallback = (choice.ref !== tenant.defaultPolicy ? await load(tenant.defaultPolicy) : undefined) ?? BUILT_IN_POLICIES[FALLBACK_POLICY];
  return { policy: forCustomer(fallback), warning: `policy ${choice.ref} (the ${choice.via}'s) does not exist: chased under ${fallback.id}` };
};

/** What the invoice records of the policy it was planned with: company policies only. */
export const plannedPolicyOf = (p: Policy): Invoice['policy'] => (isBuiltInPolicy(p.id) ? undefined : { id: p.id, version: p.version });
