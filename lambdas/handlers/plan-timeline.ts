/**
 * PlanTimeline: the instants of every stage of this execution, from the invoice, its contact
 * history (the engagement it shows), the customer's policy and business calendar
 * (domain/planner.ts), as of clock.now().
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { planTimeline } from '../domain/timeline/planner.js';
import { ignoredEmailsInARow } from '../domain/timeline/engagement.js';
import type { TimelinePlan } from '../domain/timeline/plan.js';
import { clock } from '../adapters/clock.js';
import { ExecutionInput, parseTaskInput } from './lib/task-input.js';
import { closedPlan, isCurrent, loadCase } from './lib/load.js';
import { inTaskState } from './lib/task-state.js';
import { logger, metrics } from './lib/powertools.js';

export const planFor = async (input: ExecutionInput): Promise<TimelinePlan> => {
  const now = clock.now();
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) return closedPlan(now, 'invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input)) return closedPlan(now, `superseded: the invoice is at revision ${inv.revision}, run ${inv.run}`);
  const plan = planTimeline({
    invoice: inv,
    customer: c.customer,
    policy: c.policy,
    stagesDone: c.view.stagesDone,
    ...(inv.lastContactAt ? { lastContactAt: inv.lastContactAt } : {}),
    paymentClaimGraceDays: c.tenant.paymentClaimGraceDays,
    // Two e-mails ignored and no SMS possible: the call comes forward (domain/engagement.ts).
    ignoredEmails: ignoredEmailsInARow(c.view.events),
    now,
  });
  logger.info('planned', { tenantId: input.tenantId, invoiceId: input.invoiceId, mode: plan.mode, next: plan.next, skip: plan.skip });
  return plan;
};

export const run = (event: unknown): Promise<TimelinePlan> =>
  inTaskState('PlanTimeline', () => planFor(parseTaskInput(ExecutionInput, event)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
