/**
 * What the timeline does next for one invoice, and when, as the planner sees it now: the same plan
 * PlanTimeline would make (domain/timeline/planner.ts), with every stage still to come and the
 * reason a held stage waits (the invoice's deferral). A read model: nothing is written.
 */
import type * as z from 'zod/mini';
import type { InvoiceView } from '../app/ports/invoices.js';
import { ACTIVE_STATUSES, type Customer, type Tenant } from '../domain/model.js';
import { ignoredEmailsInARow } from '../domain/timeline/engagement.js';
import { planTimeline } from '../domain/timeline/planner.js';
import { policyFor } from '../domain/timeline/policies.js';
import { STAGE_IDS } from '../domain/timeline/stages.js';
import type { NextStep } from './schemas.js';

export const nextStep = (view: InvoiceView, customer: Customer, tenant: Tenant, now: Date): z.input<typeof NextStep> | null => {
  const inv = view.invoice;
  if (!ACTIVE_STATUSES.includes(inv.status)) return null;
  const plan = planTimeline({
    invoice: inv,
    customer,
    policy: policyFor(customer, tenant),
    stagesDone: view.stagesDone,
    ...(inv.lastContactAt ? { lastContactAt: inv.lastContactAt } : {}),
    paymentClaimGraceDays: tenant.paymentClaimGraceDays,
    companyClosures: tenant.closures,
    ignoredEmails: ignoredEmailsInARow(view.events),
    now,
  });
  if (plan.mode === 'closed') return null;
  const warned = plan.warnings ? `; ${plan.warnings.join('; ')}` : '';
  if (plan.mode === 'promise') return { step: 'promiseCheck', at: plan.checkAt ?? now.toISOString(), reason: `${plan.reason}${warned}`, planned: [] };
  if (plan.next === 'none') return null;
  const planned = STAGE_IDS.filter((s) => !plan.skip.includes(s)).map((stage) => ({ stage, at: plan.at[stage] }));
  const held = inv.deferral?.stage === plan.next ? `; held until ${inv.deferral.until}: ${inv.deferral.reason}` : '';
  return { step: plan.next, at: plan.at[plan.next], reason: `${plan.reason}${held}${warned}`, planned };
};
