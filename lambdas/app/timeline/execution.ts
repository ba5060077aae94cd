import type { TimelinePlan } from '../../domain/timeline/plan.js';
import type { Stage, Step } from '../../domain/timeline/stages.js';

/** The execution a task runs for: the invoice, and the revision and run the execution was started for. */
export interface ExecutionRef {
  tenantId: string;
  invoiceId: string;
  revision: number;
  run: number;
}

/** A stage's task: its stage and the plan PlanTimeline made for it. */
export interface StageRequest extends ExecutionRef {
  /** A known stage, or an extra reminder (`extra:<id>`) for SendExtraReminder. */
  stage: Step;
  plan: TimelinePlan;
}

/** True when the planner marked this stage as one that does not act (disabled, done, or past). */
export const isSkipped = (input: { stage: Step; plan: Pick<TimelinePlan, 'skip'> }): boolean => input.plan.skip.includes(input.stage as Stage);
