import type { SendSpread } from './send-spread.js';
import type { Closure, Customer, Invoice, Policy } from '../model.js';
import type { ExtraStep, Stage } from './stages.js';

/**
 * What the planner hands the state machine. The ASL reads `at.<stage>` in each Wait state's
 * TimestampPath and routes on `mode` and `next` (statemachines/dunning.asl.json).
 */
export interface TimelinePlan {
  /** timeline: walk the stages from `next`; promise: wait for `checkAt` then check; closed: nothing left to do. */
  mode: 'timeline' | 'promise' | 'closed';
  /** The stage the execution enters first; 'none' when every stage is done or skipped. */
  next: Stage | 'none';
  /** UTC ISO instant for every stage. Stages that will not act carry the previous instant and are listed in skip. */
  at: Record<Stage, string>;
  skip: Stage[];
  /**
   * The first of the policy's extra written reminders still to come: the walk branches to it at
   * `Before<before>` (WaitExtraReminder, SendExtraReminder), then re-plans.
   */
  extra?: { step: ExtraStep; at: string; before: Stage };
  /** mode 'promise': when the promise (or instalment, or pause) is checked. */
  checkAt?: string;
  /**
   * mode 'closed' because the plan reaches past what one execution may wait (execution-year.ts):
   * when the next run is to start. The wake-up is recorded before the execution ends.
   */
  resumeAt?: string;
  /** Why the plan is what it is, for the execution history. */
  reason: string;
  /** What the plan could not know (a year past the holiday table), for the execution history and the log. */
  warnings?: string[];
}

export interface StageDone {
  stage: string;
  at: string;
}

export interface PlanInput {
  invoice: Invoice;
  customer: Customer;
  policy: Policy;
  /** Stages (and one-off messages) already claimed for this invoice, from the guard items. */
  stagesDone: StageDone[];
  /** Last time the customer was contacted about this invoice on any channel. */
  lastContactAt?: string;
  /** Tenant.paymentClaimGraceDays: how long a payment_claimed invoice waits (7 when absent). */
  paymentClaimGraceDays?: number;
  /**
   * E-mails about this invoice the customer ignored in a row (engagement.ts). From two on, where the
   * customer cannot be texted, the phone call comes forward. Absent: 0.
   */
  ignoredEmails?: number;
  /** Tenant.closures: no stage falls in one (absent: none). */
  companyClosures?: readonly Closure[];
  /** The SES sending rate and the morning it must carry: written stages spread over the window (send-spread.ts). Absent: all at the opening. */
  sendSpread?: SendSpread;
  now: Date;
}
