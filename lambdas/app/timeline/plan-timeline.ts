/**
 * PlanTimeline: the instant of every stage of this execution.
 * 1. Load the invoice's case (invoice, log, customer, supplier, policy).
 * 2. A missing or superseded invoice: the execution closes.
 * 3. Ask the planner (domain/timeline/planner.ts), with the engagement the log shows.
 */
import { planTimeline } from '../../domain/timeline/planner.js';
import { ignoredEmailsInARow } from '../../domain/timeline/engagement.js';
import { lastTouch } from '../../domain/timeline/consolidation.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import { closedPlan, isCurrent, loadCase } from './invoice-case.js';
import type { CaseDeps, TimelinePorts } from './ports.js';
import type { ExecutionRef } from './execution.js';

export type PlanDeps = CaseDeps & Pick<TimelinePorts, 'clock' | 'logger'>;


export const planFor = async (deps: PlanDeps, input: ExecutionRef): Promise<TimelinePlan> => {
  const now = deps.clock.now();
  // 1. The case
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  // 2. Gone or superseded
  if (!c) return closedPlan(now, 'invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input)) return closedPlan(now, `superseded: the invoice is at revision ${inv.revision}, run ${inv.run}`);
  // 3. The plan
  const plan = planTimeline({
    invoice: inv,
    customer: c.customer,
    policy: c.policy,
    stagesDone: c.view.stagesDone,
    ...(lastTouch(inv, c.view.stagesDone) ? { lastContactAt: lastTouch(inv, c.view.stagesDone)! } : {}),
    paymentClaimGraceDays: c.tenant.paymentClaimGraceDays,
    // Two e-mails ignored and no SMS possible: the call comes forward (domain/timeline/engagement.ts).
    ignoredEmails: ignoredEmailsInARow(c.view.events),
    now,
  });
  deps.logger.info('planned', { tenantId: input.tenantId, invoiceId: input.invoiceId, mode: plan.mode, next: plan.next, skip: plan.skip });
  return plan;
};
