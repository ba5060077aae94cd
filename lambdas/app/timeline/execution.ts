import type { TimelinePlan } from '../../domain/timeline/plan.js';
import type { Stage, Step } from '../../domain/timeline/stages.js';

/** The execution a task runs for: the invoice, and the revision and run the execution was started for. */
export interface ExecutionRef {
  tenantId: string;
  invoiceId: string;
  revision: number;
  run: number;
}

/**
 * Where a Task stands in its Retry: `$$.State.RetryCount` (0 on the first attempt) and `lastRetry`,
 * the MaxAttempts of the Retry that takes Sollecito.Transient, both written in the Task's
 * Parameters (statemachines/dunning.asl.json; test/unit/asl.test.ts holds them to the Retry).
 */
export interface TaskAttempt {
  retryCount?: number;
  lastRetry?: number;
}

/**
 * No retry follows this attempt's Sollecito.Transient. RetryCount is the state's count (AWS
 * documents it for the state, not per retrier): after an account-level refusal's retries this is
 * true early, never late.
 */
export const isLastAttempt = (a: TaskAttempt): boolean => a.retryCount !== undefined && a.lastRetry !== undefined && a.retryCount >= a.lastRetry;

/** A stage's task: its stage and the plan PlanTimeline made for it. */
export interface StageRequest extends ExecutionRef, TaskAttempt {
  /** A known stage, or an extra reminder (`extra:<id>`) for SendExtraReminder. */
  stage: Step;
  plan: TimelinePlan;
}

/** True when the planner marked this stage as one that does not act (disabled, done, or past). */
export const isSkipped = (input: { stage: Step; plan: Pick<TimelinePlan, 'skip'> }): boolean => input.plan.skip.includes(input.stage as Stage);
