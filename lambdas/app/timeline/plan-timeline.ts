/**
 * PlanTimeline: the instant of every stage of this execution.
 * 1. Load the invoice's case (invoice, log, customer, supplier, policy).
 * 2. A missing or superseded invoice: the execution closes.
 * 3. Re-planned past the bound (domain/timeline/replan-bound.ts): Sollecito.TooManyReplans.
 * 4. Ask the planner (domain/timeline/planner.ts), with the newest version of the policy and the engagement the log shows.
 * 5. Record on the invoice the company policy version the run was planned with.
 * 6. A plan reaching past what the execution may wait ends it, a later run recorded (keep-within-year.ts).
 */
import { planTimeline } from '../../domain/timeline/planner.js';
import { ignoredEmailsInARow } from '../../domain/timeline/engagement.js';
import { lastTouch } from '../../domain/timeline/consolidation.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import { closedPlan, isCurrent, loadCase } from './invoice-case.js';
import type { CaseDeps, TimelinePorts } from './ports.js';
import type { ExecutionRef } from './execution.js';
import { MAX_REPLANS, replansSince } from '../../domain/timeline/replan-bound.js';
import { TooManyReplansError } from '../task-errors.js';
import { plannedPolicyOf } from '../policies/resolve-policy.js';
import { keepWithinYear, type YearDeps } from './keep-within-year.js';
import type { SendSpread } from '../../domain/timeline/send-spread.js';

export type PlanDeps = CaseDeps & Pick<TimelinePorts, 'clock' | 'logger'> & YearDeps & {
  /** The SES sending rate the morning's written stages are spread at (absent: all at the opening). */
  sendSpread?: SendSpread;
};


export const planFor = async (deps: PlanDeps, input: ExecutionRef & { startedAt?: string }): Promise<TimelinePlan> => {
  const now = deps.clock.now();
  // 1. The case
  const c = await loadCase(deps, input.tenantId, input.invoiceId, { latestPolicy: true });
  // 2. Gone or superseded
  if (!c) return closedPlan(now, 'invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input)) return closedPlan(now, `superseded: the invoice is at revision ${inv.revision}, run ${inv.run}`);
  // 3. A loop that does not end (a stage held back again and again) fails with a record, not at the history limit
  const replans = input.startedAt ? replansSince(c.view.events, input.startedAt) : 0;
  if (replans > MAX_REPLANS) throw new TooManyReplansError(`re-planned ${replans} times since the execution started (at most ${MAX_REPLANS}): the last hold-back was ${c.view.invoice.deferral?.reason ?? 'not recorded'}`);
  // 4. The plan
  const planned = planTimeline({
    invoice: inv,
    customer: c.customer,
    policy: c.policy,
    stagesDone: c.view.stagesDone,
    ...(lastTouch(inv, c.view.stagesDone) ? { lastContactAt: lastTouch(inv, c.view.stagesDone)! } : {}),
    paymentClaimGraceDays: c.tenant.paymentClaimGraceDays,
    companyClosures: c.tenant.closures,
    // Two e-mails ignored and no SMS possible: the call comes forward (domain/timeline/engagement.ts).
    ignoredEmails: ignoredEmailsInARow(c.view.events),
    ...(deps.sendSpread ? { sendSpread: deps.sendSpread } : {}),
    now,
  });
  // 6. Within the execution's year (before the log, which says what the state machine gets)
  const plan = await keepWithinYear(deps, input, planned);
  // 5. The run keeps the version it was planned with (written only when it changes)
  if (c.policyWarning) deps.logger.warn('policy not found', { tenantId: input.tenantId, invoiceId: input.invoiceId, warning: c.policyWarning });
  const planVersion = plannedPolicyOf(c.policy);
  if (planVersion?.id !== inv.policy?.id || planVersion?.version !== inv.policy?.version) {
    await deps.invoices.recordPlannedPolicy({ tenantId: input.tenantId, invoiceId: input.invoiceId, revision: inv.revision, run: inv.run }, planVersion);
  }
  deps.logger.info('planned', { tenantId: input.tenantId, invoiceId: input.invoiceId, mode: plan.mode, next: plan.next, skip: plan.skip, reason: plan.reason, ...(plan.resumeAt ? { resumeAt: plan.resumeAt } : {}) });
  // The plan (reason and warnings) is the task's output, in the execution history; the log says it too.
  if (plan.warnings) deps.logger.warn('planned with a warning', { tenantId: input.tenantId, invoiceId: input.invoiceId, warnings: plan.warnings });
  return plan;
};
