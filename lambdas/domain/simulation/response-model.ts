/**
 * How the company's customers answer each stage: per stage, the chance that an invoice still open
 * when the stage's message leaves is paid after it (before the next stage), and how many days
 * that payment takes. Fitted from the company's own activity feed (reports/activity.ts, the feed
 * the outcome analytics of reports/outcomes.ts read); where fewer than MIN_FIT_INVOICES invoices
 * reached a stage, the stage keeps DEFAULT_RESPONSE and says so. Pure.
 *
 * Fitting, per stage s (all policies pooled: the tone of the words is not modelled):
 * - reached(s): invoices closed in the window whose last stage was s or a later one, on a policy
 *   that has s on (a policy no longer known counts as having it), plus the invoices still chased
 *   that went on past s unpaid: the nominal day of their next stage (due date + offset under their
 *   policy) is today or earlier. One whose next stage is still ahead may yet pay after s: it is
 *   left out (right-censored), or the open tail would read as customers that never pay;
 * - paid(s): of those, closed as paid with s the last stage before the payment;
 * - payProbability = paid / reached; delayDays = median days from the stage to the value date.
 * 'none' (paid before any reminder): every invoice reached it; its delay counts from the due date.
 */
import { amountDue, type Invoice, type Policy } from '../model.js';
import { withoutReversed, type ActivityItem, type ClosedActivity, type StageBefore } from '../reports/activity.js';
import { analyticsWindow, median, stageOrder } from '../reports/outcomes.js';
import { STAGE_IDS, type Stage } from '../timeline/stages.js';
import { dayNumber } from './sim-days.js';

/** Below this many invoices reaching a stage, its history is too thin to fit: the default stands. */
export const MIN_FIT_INVOICES = 20;

export const RESPONSE_STAGES: readonly StageBefore[] = ['none', ...STAGE_IDS];

export interface StageResponse {
  stage: StageBefore;
  /** 0..1: the chance an invoice still open when the stage acts is paid after it. */
  payProbability: number;
  /** Days from the stage (from the due date for 'none') to the payment. */
  delayDays: number;
  source: 'fitted' | 'default';
  /** Invoices that reached the stage in the company's history, and how many of them were paid after it. */
  reached: number;
  paid: number;
  /** "fitted from 57 invoices" or "default (only 3 invoices reached it)". */
  note: string;
}

export type ResponseModel = Record<StageBefore, StageResponse>;

/**
 * The defaults where history is thin. Not measured: chosen so that from the first overdue
 * reminder on, a standard chase recovers about 40% of what it chases (1 − 0.9·0.9·0.85·0.85 ≈
 * 0.41), the collection industry's rule of thumb the outcome analytics show
 * (reports/outcomes.ts INDUSTRY_RECOVERY_90); before it, about a third of B2B invoices are paid
 * around their due date unprompted and the courtesy reminders move a share of the rest. A hand-off
 * recovers nothing within the horizon: the agency's recoveries are not the company's chase.
 */
export const DEFAULT_RESPONSE: Readonly<Record<StageBefore, { payProbability: number; delayDays: number }>> = {
  none: { payProbability: 0.3, delayDays: 0 },
  receiptCheck: { payProbability: 0.05, delayDays: 10 },
  preDue: { payProbability: 0.25, delayDays: 6 },
  dueDate: { payProbability: 0.2, delayDays: 4 },
  firstOverdue: { payProbability: 0.1, delayDays: 5 },
  secondOverdue: { payProbability: 0.1, delayDays: 4 },
  phoneCall: { payProbability: 0.15, delayDays: 3 },
  creditHold: { payProbability: 0.15, delayDays: 5 },
  escalation: { payProbability: 0, delayDays: 0 },
};

export const defaultResponseModel = (): ResponseModel =>
  Object.fromEntries(
    RESPONSE_STAGES.map((s) => [s, { stage: s, ...DEFAULT_RESPONSE[s], source: 'default', reached: 0, paid: 0, note: 'default (no history read)' }]),
  ) as ResponseModel;

export interface FitInput {
  /** The tenant's local today: the history read is the year up to it (analyticsWindow). */
  today: string;
  activity: readonly ActivityItem[];
  /** Invoices still chased: they reached their past stages and are not paid yet. */
  open: readonly Invoice[];
  /** The policy an open invoice is chased under. */
  policyOf: (inv: Invoice) => Policy;
  /** A policy by the id the feed recorded; undefined when no longer known. */
  policyById: (id: string) => Policy | undefined;
}

const reachedStages = (lastStage: StageBefore, policy: Policy | undefined): Stage[] =>
  STAGE_IDS.filter((s) => stageOrder(s) <= stageOrder(lastStage) && (policy === undefined || policy.stages[s]?.enabled === true));

export const fitResponseModel = (input: FitInput): ResponseModel => {
  const window = analyticsWindow(input.today);
  const closed = withoutReversed(input.activity).filter((a): a is ClosedActivity => a.kind === 'closed' && a.date >= window.from && a.date <= window.to);
  const reached = new Map<StageBefore, number>(RESPONSE_STAGES.map((s) => [s, 0]));
  const paid = new Map<StageBefore, number>(RESPONSE_STAGES.map((s) => [s, 0]));
  const delays = new Map<StageBefore, number[]>(RESPONSE_STAGES.map((s) => [s, []]));
  const bump = (m: Map<StageBefore, number>, s: StageBefore) => m.set(s, m.get(s)! + 1);

  for (const a of closed) {
    bump(reached, 'none');
    for (const s of reachedStages(a.lastStage, input.policyById(a.policy))) bump(reached, s);
    if (a.outcome !== 'paid') continue;
    bump(paid, a.lastStage);
    if (a.lastStage === 'none' && a.paidOn) delays.get('none')!.push(dayNumber(a.paidOn) - dayNumber(a.dueDate));
    else if (a.lastStageDate && a.paidOn) delays.get(a.lastStage)!.push(Math.max(0, dayNumber(a.paidOn) - dayNumber(a.lastStageDate)));
  }
  const today = dayNumber(input.today);
  for (const inv of input.open) {
    if (amountDue(inv) <= 0) continue;
    const policy = input.policyOf(inv);
    const days = STAGE_IDS.filter((s) => policy.stages[s]?.enabled).map((s) => ({
      stage: s as StageBefore,
      day: dayNumber(s === 'receiptCheck' ? inv.issueDate : inv.dueDate) + policy.stages[s]!.offsetDays,
    }));
    // Still unpaid once the next stage came: not paid after this one. Before that, it may still be.
    const steps = [{ stage: 'none' as StageBefore, day: -Infinity }, ...days];
    for (const [i, s] of steps.entries()) {
      const next = steps[i + 1];
      if (next && next.day <= today) bump(reached, s.stage);
    }
  }

  return Object.fromEntries(
    RESPONSE_STAGES.map((s): [StageBefore, StageResponse] => {
      const n = reached.get(s)!;
      const k = paid.get(s)!;
      const fallback = DEFAULT_RESPONSE[s];
      if (n < MIN_FIT_INVOICES) {
        const why = n === 0 ? 'no invoice reached it' : `only ${n} invoice${n === 1 ? '' : 's'} reached it`;
        return [s, { stage: s, ...fallback, source: 'default', reached: n, paid: k, note: `default (${why}; ${MIN_FIT_INVOICES} needed)` }];
      }
      const delay = median(delays.get(s)!);
      return [s, { stage: s, payProbability: k / n, delayDays: delay === null ? fallback.delayDays : Math.round(delay), source: 'fitted', reached: n, paid: k, note: `fitted from ${n} invoices` }];
    }),
  ) as ResponseModel;
};
