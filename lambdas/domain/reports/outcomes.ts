/**
 * Outcome analytics: does the chase work? Read from the activity feed (activity.ts) of the last
 * year, the invoices still chased, and whether escalated customers ordered again. Pure.
 *
 * - Per policy and stage: invoices paid after that stage (the last one that reached the customer
 *   before the payment) and the median days from that stage to the payment's value date.
 * - Recovery within 90 days of the first overdue reminder, over the invoices whose first overdue
 *   reminder went out between 365 and 90 days before the report (every one of them has had its
 *   90 days): recovered = paid in full within 90 days of it. Invoices still chased count as not
 *   recovered; their reminder day is estimated from the due date and the policy's offset (the
 *   exact day is in their own partitions, which the report does not read). Shown beside the
 *   collection industry's reference of about 40% recovered within 90-100 days.
 * - Escalated customers that ordered again: of the customers escalated in the last year, those
 *   with an invoice issued after the escalation.
 */
import type { ActivityItem, ClosedActivity, StageBefore } from './activity.js';
import type { Invoice, Policy } from '../model.js';
import { STAGE_IDS } from '../timeline/stages.js';
import { addDays, daysBetween } from '../shared/days.js';

/** 'none' (paid before any reminder) first, then the timeline's order. */
export const stageOrder = (s: StageBefore): number => (s === 'none' ? -1 : STAGE_IDS.indexOf(s));

/** The collection industry's rule of thumb: about 40% of unpaid invoices recovered within 90-100 days. */
export const INDUSTRY_RECOVERY_90 = 0.4;
export const RECOVERY_DAYS = 90;
const COHORT_DAYS = 365;

export interface StageOutcome {
  policy: string;
  stage: StageBefore;
  /** Invoices paid in full after this stage. */
  paid: number;
  /** Median days from the stage to the payment (value date); null without payments. */
  medianDays: number | null;
}

export interface Recovery {
  /** First overdue reminders sent in this range are counted. */
  cohort: { from: string; to: string };
  invoices: number;
  recovered: number;
  /** recovered / invoices, 0..1; null when the cohort is empty. */
  share: number | null;
  reference: number;
}

export interface Reorder {
  customerId: string;
  /** Local date of the (first) escalation in the window. */
  escalatedOn: string;
  orderedAgain: boolean;
}

export interface OutcomeAnalytics {
  window: { from: string; to: string };
  byPolicyStage: StageOutcome[];
  recovery90: Recovery;
  reorders: { escalatedCustomers: number; orderedAgain: number; share: number | null };
}

export const median = (xs: readonly number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The analytics window of a report made on `today`: the year up to and including today. */
export const analyticsWindow = (today: string): { from: string; to: string } => ({ from: addDays(today, -COHORT_DAYS), to: today });

export interface OutcomeInput {
  today: string;
  activity: readonly ActivityItem[];
  /** Invoices still chased (the open index). */
  open: readonly Invoice[];
  /** The policy each open invoice is chased under. */
  policyOf: (inv: Invoice) => Policy;
  reorders: readonly Reorder[];
}

export const outcomeAnalytics = (input: OutcomeInput): OutcomeAnalytics => {
  const window = analyticsWindow(input.today);
  const inWindow = (d: string) => d >= window.from && d <= window.to;
  const closed = input.activity.filter((a): a is ClosedActivity => a.kind === 'closed' && inWindow(a.date));
  const paid = closed.filter((a) => a.outcome === 'paid');

  const groups = new Map<string, { policy: string; stage: StageBefore; paid: number; days: number[] }>();
  for (const a of paid) {
    const key = `${a.policy}\u0000${a.lastStage}`;
    const g = groups.get(key) ?? { policy: a.policy, stage: a.lastStage, paid: 0, days: [] };
    g.paid += 1;
    if (a.lastStageDate && a.paidOn) g.days.push(Math.max(0, daysBetween(a.lastStageDate, a.paidOn)));
    groups.set(key, g);
  }
  const byPolicyStage = [...groups.values()]
    .map((g) => ({ policy: g.policy, stage: g.stage, paid: g.paid, medianDays: median(g.days) }))
    .sort((a, b) => a.policy.localeCompare(b.policy) || stageOrder(a.stage) - stageOrder(b.stage));

  // Recovery within 90 days of the first overdue reminder.
  const cohort = { from: addDays(input.today, -COHORT_DAYS), to: addDays(input.today, -RECOVERY_DAYS) };
  const inCohort = (d: string | undefined): d is string => d !== undefined && d >= cohort.from && d <= cohort.to;
  const recovered = new Set<string>();
  const counted = new Set<string>();
  for (const a of closed) {
    if (!inCohort(a.firstOverdueDate)) continue;
    counted.add(a.invoiceId);
    if (a.outcome === 'paid' && a.paidOn && daysBetween(a.firstOverdueDate, a.paidOn) <= RECOVERY_DAYS) recovered.add(a.invoiceId);
  }
  const reminderDays = new Map<string, string>();
  for (const inv of input.open) {
    const rule = input.policyOf(inv).stages.firstOverdue;
    if (!rule?.enabled) continue;
    const key = `${inv.dueDate}${rule.offsetDays}`;
    let day = reminderDays.get(key);
    if (day === undefined) reminderDays.set(key, (day = addDays(inv.dueDate, rule.offsetDays)));
    if (inCohort(day)) counted.add(inv.invoiceId);
  }

  const orderedAgain = input.reorders.filter((r) => r.orderedAgain).length;
  return {
    window,
    byPolicyStage,
    recovery90: {
      cohort,
      invoices: counted.size,
      recovered: recovered.size,
      share: ratio(recovered.size, counted.size),
      reference: INDUSTRY_RECOVERY_90,
    },
    reorders: { escalatedCustomers: input.reorders.length, orderedAgain, share: ratio(orderedAgain, input.reorders.length) },
  };
};
