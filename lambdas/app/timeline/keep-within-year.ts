/**
 * A plan the execution may not wait for to the end (Step Functions' one-year limit) ends the
 * execution, after the next run's wake-up is recorded.
 * 1. The rule (domain/timeline/execution-year.ts): fits, resume later, or too long for any execution.
 * 2. Resume later: record the wake-up on the invoice (before the execution ends, so no run is lost),
 *    then hand the state machine the closed plan. The run superseded meanwhile: it just closes.
 */
import { keepWithinExecutionYear } from '../../domain/timeline/execution-year.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import { ExecutionLimitError } from '../task-errors.js';
import type { ExecutionRef } from './execution.js';
import { closedPlan } from './invoice-case.js';
import type { TimelinePorts } from './ports.js';

export type YearDeps = Pick<TimelinePorts, 'clock' | 'logger' | 'wakeUps'>;

export const keepWithinYear = async (deps: YearDeps, input: ExecutionRef & { startedAt?: string }, plan: TimelinePlan): Promise<TimelinePlan> => {
  // An input without the execution's start (a task run by hand): nothing to measure against.
  if (!input.startedAt) return plan;
  const now = deps.clock.now();
  // 1. The rule
  const decision = keepWithinExecutionYear({ plan, startedAt: input.startedAt, now });
  if (decision.kind === 'fits') return plan;
  if (decision.kind === 'tooLong') {
    throw new ExecutionLimitError(`the plan waits from ${decision.first} to ${decision.last}, longer than one execution may last: shorten the policy's offsets (${plan.reason})`);
  }
  // 2. The wake-up first, then the execution ends
  const ref = { tenantId: input.tenantId, invoiceId: input.invoiceId, revision: input.revision, run: input.run };
  if (!(await deps.wakeUps.record(ref, decision.plan.resumeAt))) return closedPlan(now, 'superseded while planning a later run');
  deps.logger.info('timeline resumes in a later run', { tenantId: input.tenantId, invoiceId: input.invoiceId, resumeAt: decision.plan.resumeAt });
  return decision.plan;
};
