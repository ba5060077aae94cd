/**
 * The whole timeline as the state machine walks it: the steps of one plan in walk order (known
 * stages up to the first extra reminder, then that extra), and, where the policy has extra
 * reminders, the re-plan after each of them, as SendExtraReminder -> PlanTimeline does. For the
 * policy preview and the what-if, which need every step at once. Pure.
 */
import type { PlanInput, TimelinePlan } from './plan.js';
import { planTimeline } from './planner.js';
import { MAX_EXTRA_REMINDERS, STAGE_IDS, type Step } from './stages.js';

export interface WalkedStep {
  step: Step;
  /** UTC ISO instant. */
  at: string;
}

/** The steps this plan acts on before its execution re-plans, in walk order. */
export const stepsOfPlan = (plan: TimelinePlan): WalkedStep[] => {
  if (plan.mode !== 'timeline' || plan.next === 'none') return [];
  const out: WalkedStep[] = [];
  // Route enters the walk at `next`.
  for (const s of STAGE_IDS.slice(STAGE_IDS.indexOf(plan.next))) {
    if (plan.extra?.before === s) return [...out, { step: plan.extra.step, at: plan.extra.at }];
    if (!plan.skip.includes(s)) out.push({ step: s, at: plan.at[s] });
  }
  return out;
};

/** Every step from `input.now` on, each extra reminder followed by the re-plan the execution makes. */
export const walkTimeline = (input: PlanInput, plan: (i: PlanInput) => TimelinePlan = planTimeline): { first: TimelinePlan; steps: WalkedStep[] } => {
  const first = plan(input);
  const steps = stepsOfPlan(first);
  let current = first;
  // Each re-plan follows an extra reminder the policy lists: at most that many.
  for (let i = 0; current.extra && i < MAX_EXTRA_REMINDERS; i++) {
    const last = steps.at(-1)!;
    current = plan({
      ...input,
      stagesDone: [...input.stagesDone, ...steps.map((s) => ({ stage: s.step, at: s.at }))],
      lastContactAt: last.at,
      now: new Date(last.at),
    });
    steps.push(...stepsOfPlan(current));
  }
  return { first, steps };
};
