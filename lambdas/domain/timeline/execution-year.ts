/**
 * Step Functions ends a Standard execution one year after its start (TIMED_OUT: no Catch, no
 * RecordFailure). A plan whose walk would wait past a safe horizon from the execution's start ends
 * the execution instead ('closed' with `resumeAt`), and a new run of the same invoice starts a few
 * days before the first instant the plan waits for. Pure.
 *
 * One plan is walked without re-planning from `next` through every later stage (the Waits of
 * statemachines/dunning.asl.json), up to the extra reminder's branch when there is one; so the
 * whole walk, not only its first Wait, has to fit.
 */
import type { TimelinePlan } from './plan.js';
import { STAGE_IDS } from './stages.js';
import { stepsOfPlan } from './walk.js';

const DAY_MS = 86_400_000;
/** Step Functions' maximum execution time (Standard workflows). */
export const EXECUTION_MAX_DAYS = 365;
/** How far from its start an execution may plan to wait: five days kept for Retry back-offs, WaitSenderUnblocked (6 h each) and late wake-ups. */
export const EXECUTION_HORIZON_DAYS = 360;
/** The next run starts this long before the first instant it waits for: a wake-up firing late (hours) still finds the stage ahead. */
export const RESUME_LEAD_DAYS = 7;
/** The longest walk one execution can hold, from its first Wait to its last (a company policy wider than this is refused). */
export const MAX_WALK_DAYS = EXECUTION_HORIZON_DAYS - RESUME_LEAD_DAYS;

/** The instants the state machine waits for walking this plan, in walk order (a skipped stage's Wait carries the instant before it: no later, no earlier). */
export const waitsOf = (plan: TimelinePlan): string[] => {
  if (plan.mode === 'promise') return plan.checkAt ? [plan.checkAt] : [];
  return stepsOfPlan(plan).map((s) => s.at);
};

export type YearDecision =
  | { kind: 'fits'; plan: TimelinePlan }
  /** The execution ends; the next run starts at `plan.resumeAt`. */
  | { kind: 'resume'; plan: TimelinePlan & { resumeAt: string } }
  /** The walk alone spans more than one execution may wait: no run can hold it (a policy with offsets near their 366-day limit). */
  | { kind: 'tooLong'; first: string; last: string };

export interface YearInput {
  plan: TimelinePlan;
  /** `$$.Execution.StartTime` of the execution that would walk the plan. */
  startedAt: string;
  now: Date;
}

export const keepWithinExecutionYear = ({ plan, startedAt, now }: YearInput): YearDecision => {
  const waits = waitsOf(plan).map((w) => Date.parse(w));
  if (waits.length === 0) return { kind: 'fits', plan };
  const first = Math.min(...waits);
  const last = Math.max(...waits);
  if (last <= Date.parse(startedAt) + EXECUTION_HORIZON_DAYS * DAY_MS) return { kind: 'fits', plan };
  const iso = (ms: number) => new Date(ms).toISOString();
  if (last - first > MAX_WALK_DAYS * DAY_MS) return { kind: 'tooLong', first: iso(first), last: iso(last) };
  const resumeAt = iso(Math.max(first - RESUME_LEAD_DAYS * DAY_MS, now.getTime()));
  const { extra: _extra, checkAt: _checkAt, ...rest } = plan;
  return {
    kind: 'resume',
    plan: {
      ...rest,
      mode: 'closed',
      next: 'none',
      skip: [...STAGE_IDS],
      resumeAt,
      reason: `waits until ${iso(last)}, past ${EXECUTION_HORIZON_DAYS} days from the execution's start (${startedAt}): a new run starts at ${resumeAt} (${plan.reason})`,
    },
  };
};
