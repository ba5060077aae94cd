/**
 * A portfolio file for `npm run what-if -- --portfolio file.json`, and the use case's ports over
 * it, in memory: the tenant, its customers and invoices as the table holds them (the model's own
 * schemas), optionally the activity feed (the history the response model is fitted from; its
 * `issued` items are what a past period replays) and the company's own policies (as POST
 * /v1/policies takes them).
 */
import * as z from 'zod/mini';
import { Customer, Invoice, IsoDateTime, Tenant } from '../lambdas/domain/model.js';
import type { ActivityItem } from '../lambdas/domain/reports/activity.js';
import { itemToActivity } from '../lambdas/adapters/dynamo/items.js';
import { validateCompanyPolicy } from '../lambdas/domain/timeline/company-policy.js';
import type { StoredPolicy } from '../lambdas/app/ports/policies.js';
import type { SimulationDeps } from '../lambdas/app/simulations/run-simulation.js';

export const PortfolioFile = z.strictObject({
  tenant: Tenant,
  /** The moment the open portfolio is replayed from; the present when absent. */
  now: z.optional(IsoDateTime),
  customers: z.array(Customer),
  invoices: z.array(Invoice),
  activity: z._default(z.array(z.unknown()), []),
  policies: z._default(z.array(z.unknown()), []),
});
export type PortfolioFile = z.infer<typeof PortfolioFile>;

export interface Portfolio {
  tenant: Tenant;
  customers: readonly Customer[];
  invoices: readonly Invoice[];
  activity: readonly ActivityItem[];
  policies: readonly StoredPolicy[];
}

/** The file read: every problem at once, each with its path. */
export const readPortfolio = (input: unknown): { ok: true; portfolio: Portfolio; now?: Date } | { ok: false; problems: string[] } => {
  const parsed = PortfolioFile.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  const f = parsed.data;
  const problems: string[] = [];
  const activity = f.activity.flatMap((a, i) => {
    const item = itemToActivity(a as Record<string, unknown>);
    if (!item) problems.push(`activity.${i}: not an activity item (reports/activity.ts)`);
    return item ? [item] : [];
  });
  const policies = f.policies.flatMap((p, i): StoredPolicy[] => {
    const checked = validateCompanyPolicy(p);
    if (!checked.ok) {
      problems.push(...checked.problems.map((x) => `policies.${i}.${x.path}: ${x.message}`));
      return [];
    }
    return [{ id: checked.policy.id, version: 1, body: checked.policy, savedAt: new Date(0).toISOString() }];
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, portfolio: { tenant: f.tenant, customers: f.customers, invoices: f.invoices, activity, policies }, ...(f.now ? { now: new Date(f.now) } : {}) };
};

const CHASED: readonly string[] = ['open', 'promised', 'disputed', 'paused', 'payment_claimed'];

/** The use case's ports over a portfolio held in memory. */
export const portfolioDeps = (p: Portfolio): SimulationDeps => {
  const customers = new Map(p.customers.map((c) => [c.customerId, c]));
  const policies = new Map(p.policies.map((s) => [s.id, s]));
  return {
    portfolio: {
      openInvoices: async () => p.invoices.filter((i) => CHASED.includes(i.status)),
      customersById: async (_t, ids) => [...new Set(ids)].flatMap((id) => customers.get(id) ?? []),
    },
    reports: { activity: async (_t, from, to) => p.activity.filter((a) => a.date >= from && a.date <= to) },
    policies: { latest: async (_t, id) => policies.get(id), list: async () => [...policies.values()] },
  };
};
