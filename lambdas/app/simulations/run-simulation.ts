/**
 * What-if before switching: the company's portfolio replayed under two playbooks.
 * 1. Resolve the two policies: a preset, a stored company policy (latest version), or one sent
 *    inline (checked like a saved one). Every problem is gathered before anything is read.
 * 2. Read the portfolio: the open invoices now, or the invoices issued in [from, to] (the
 *    activity feed's issue items), each replayed as open from its issue date.
 * 3. Read their customers, and the year of history the response model is fitted from (the same
 *    activity feed and open index the outcome analytics read).
 * 4. Fit the model, replay, compare (domain/simulation).
 */
import { DateTime } from 'luxon';
import { Invoice, type Policy, type Tenant } from '../../domain/model.js';
import type { IssuedActivity } from '../../domain/reports/activity.js';
import { analyticsWindow } from '../../domain/reports/outcomes.js';
import { localDay } from '../../domain/shared/days.js';
import { whatIf, type NamedPolicy, type WhatIfResult, type WhatIfScope } from '../../domain/simulation/compare.js';
import { DEFAULT_CONTACT_LIMIT, DEFAULT_SMS_PRICE, type MetricOptions } from '../../domain/simulation/metrics.js';
import { fitResponseModel } from '../../domain/simulation/response-model.js';
import type { SimCase } from '../../domain/simulation/simulate.js';
import { compilePolicy, validateCompanyPolicy, type PolicyProblem } from '../../domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES, isBuiltInPolicy, policyFor } from '../../domain/timeline/policies.js';
import type { PolicyRepository } from '../ports/policies.js';
import type { PortfolioReader } from '../ports/portfolio.js';
import type { ReportRepository } from '../ports/reports.js';
import type { SendSpread } from '../../domain/timeline/send-spread.js';

export type SimulationDeps = {
  portfolio: PortfolioReader;
  reports: Pick<ReportRepository, 'activity'>;
  policies: Pick<PolicyRepository, 'latest' | 'list'>;
  /** The deployment's send spread (deploy settings): the replay places sends where PlanTimeline does. */
  sendSpread?: SendSpread;
};

/** A playbook to replay: a preset or stored policy by id, or a company policy written out. */
export type PolicyPick = { id: string } | { policy: unknown };

export interface SimulationRequest {
  policies: readonly [PolicyPick, PolicyPick];
  /** Absent: the open portfolio now. */
  period?: { from: string; to: string };
  contactLimit?: number;
  smsPrice?: { minor: number; currency: string };
}

export type SimulationOutcome =
  | { kind: 'done'; result: WhatIfResult; warnings: string[] }
  | { kind: 'refused'; problems: PolicyProblem[] };

/** The longest past period replayed: the activity feed of one year. */
export const MAX_PERIOD_DAYS = 366;

const resolvePick = async (deps: SimulationDeps, tenantId: string, pick: PolicyPick, path: string): Promise<NamedPolicy | PolicyProblem[]> => {
  if ('id' in pick) {
    if (isBuiltInPolicy(pick.id)) return { policy: BUILT_IN_POLICIES[pick.id], source: 'built-in' };
    const stored = await deps.policies.latest(tenantId, pick.id);
    return stored ? { policy: compilePolicy(stored.body, stored.version), source: 'company' } : [{ path: `${path}.id`, message: `no preset nor company policy is called ${pick.id}` }];
  }
  const checked = validateCompanyPolicy(pick.policy);
  if (!checked.ok) return checked.problems.map((p) => ({ path: `${path}.policy.${p.path}`, message: p.message }));
  return { policy: compilePolicy(checked.policy, 1), source: 'inline' };
};

const periodProblems = (period: SimulationRequest['period'], today: string): PolicyProblem[] => {
  if (!period) return [];
  const out: PolicyProblem[] = [];
  if (period.from > period.to) out.push({ path: 'period.to', message: `ends before it starts (${period.from})` });
  if (period.to > today) out.push({ path: 'period.to', message: `is after today (${today}): a past period is replayed` });
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000);
  if (days > MAX_PERIOD_DAYS) out.push({ path: 'period', message: `spans ${days} days; at most ${MAX_PERIOD_DAYS}` });
  return out;
};

/** An invoice issued in the period as it was the day it was issued: open, nothing paid, nothing sent. */
const asIssued = (a: IssuedActivity, now: Date): Invoice =>
  Invoice.parse({
    tenantId: a.tenantId, invoiceId: a.invoiceId, number: a.number, customerId: a.customerId, issueDate: a.date, dueDate: a.dueDate,
    currency: a.currency, amount: a.amount, status: 'open', createdAt: now.toISOString(), updatedAt: now.toISOString(),
  });

export const runSimulation = async (deps: SimulationDeps, tenant: Tenant, request: SimulationRequest, now: Date): Promise<SimulationOutcome> => {
  const tenantId = tenant.tenantId;
  const today = localDay(now, tenant.timeZone);

  // 1. The two playbooks, every problem at once
  const picks = await Promise.all(request.policies.map((p, i) => resolvePick(deps, tenantId, p, `policies.${i}`)));
  const problems = [...picks.flatMap((p) => (Array.isArray(p) ? p : [])), ...periodProblems(request.period, today)];
  if (problems.length > 0) return { kind: 'refused', problems };
  const policies = picks as [NamedPolicy, NamedPolicy];

  // 2, 3. The portfolio, its customers, the history
  const window = analyticsWindow(today);
  const [open, history, stored] = await Promise.all([
    deps.portfolio.openInvoices(tenantId, today),
    deps.reports.activity(tenantId, request.period && request.period.from < window.from ? request.period.from : window.from, today),
    deps.policies.list(tenantId),
  ]);
  const period = request.period;
  const issued = period
    ? [...new Map(history.filter((a): a is IssuedActivity => a.kind === 'issued' && a.date >= period.from && a.date <= period.to).map((a) => [a.invoiceId, a])).values()]
    : [];
  const invoices = period ? issued.map((a) => asIssued(a, now)) : open;
  const customers = new Map((await deps.portfolio.customersById(tenantId, [...invoices, ...open].map((i) => i.customerId))).map((c) => [c.customerId, c]));

  // 4. Fit, replay, compare
  const company = new Map<string, Policy>(stored.map((p) => [p.id, compilePolicy(p.body, p.version)]));
  const model = fitResponseModel({
    today,
    activity: history,
    open,
    policyOf: (inv) => policyFor(customers.get(inv.customerId) ?? {}, tenant, company),
    policyById: (id) => (isBuiltInPolicy(id) ? BUILT_IN_POLICIES[id] : company.get(id)),
  });
  const warnings: string[] = [];
  const cases: SimCase[] = [];
  let orphans = 0;
  for (const invoice of invoices) {
    const customer = customers.get(invoice.customerId);
    if (!customer) {
      orphans++;
      continue;
    }
    const start = period ? DateTime.fromISO(invoice.issueDate, { zone: customer.timeZone }).toJSDate() : now;
    cases.push({ invoice, customer, start });
  }
  if (orphans > 0) warnings.push(`${orphans} invoice${orphans === 1 ? '' : 's'} left out: ${orphans === 1 ? 'its customer is' : 'their customers are'} not in the directory`);
  const options: MetricOptions = { contactLimit: request.contactLimit ?? DEFAULT_CONTACT_LIMIT, smsPrice: request.smsPrice ?? DEFAULT_SMS_PRICE };
  const scope: WhatIfScope = period ? { kind: 'period', from: period.from, to: period.to } : { kind: 'open', asOf: today };
  return { kind: 'done', result: whatIf({ scope, cases, policies, model, options, now, settings: { sendSpread: deps.sendSpread } }), warnings };
};
