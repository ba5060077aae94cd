/**
 * What holds a written stage back before it is sent, in this order:
 *  1. the customer answered through a link (a plan request, a new contact) and the finance team has
 *     not dealt with it yet: no next reminder before they have; checked again the next business morning;
 *  2. two e-mails ignored in a row and nobody to text, on an overdue invoice whose call is still
 *     ahead: the reminder gives way to the phone call, which the planner brings forward
 *     (planner.ts), once per stage: should the plan still name this stage, it is sent.
 * Pure: the case and `now` in, a hold (with the reason the log keeps) or nothing out.
 */
import type { ContactEvent, Customer, Invoice, Policy } from '../model.js';
import type { StageDone } from './plan.js';
import type { Stage } from './stages.js';
import { unheardEscalation } from './engagement.js';
import { nextSendMoment } from './calendar.js';
import { localDay } from '../shared/days.js';

export const CALL_FORWARD_REASON = 'two e-mails ignored and no SMS possible: the phone call comes forward';

export interface StageHoldInput {
  stage: Stage;
  invoice: Pick<Invoice, 'dueDate'>;
  customer: Pick<Customer, 'timeZone' | 'country' | 'phone' | 'smsOptOut'>;
  policy: Pick<Policy, 'stages' | 'smsPerWeek' | 'sendWindow'>;
  events: readonly ContactEvent[];
  stagesDone: readonly StageDone[];
  ignoredEmails: number;
  /** Kinds of the customer's answers still open with the finance team (commands/tasks.ts answerTaskPrefixes). */
  waitingAnswers: readonly string[];
  now: Date;
}

export type StageHold =
  | { hold: 'waitingForFinance'; until: Date; reason: string }
  | { hold: 'callComesForward'; until: Date; reason: string };

const DAY_MS = 86_400_000;

/** Whether the planner's call-forward applies to this stage now (see the header, rule 2). */
export const callComesForward = (i: Omit<StageHoldInput, 'waitingAnswers'>): boolean =>
  !i.events.some((e) => e.type === 'deferred' && e.stage === i.stage && e.details?.reason === CALL_FORWARD_REASON) &&
  i.policy.stages.phoneCall?.enabled === true &&
  !i.stagesDone.some((s) => s.stage === 'phoneCall') &&
  localDay(i.now, i.customer.timeZone) > i.invoice.dueDate &&
  unheardEscalation(i.ignoredEmails, i.policy, i.customer) === 'callForward';

export const stageHold = (i: StageHoldInput): StageHold | undefined => {
  if (i.waitingAnswers.length > 0) {
    const until = nextSendMoment(new Date(i.now.getTime() + DAY_MS), { timeZone: i.customer.timeZone, country: i.customer.country, sendWindow: i.policy.sendWindow });
    return { hold: 'waitingForFinance', until, reason: `waiting for the finance team to see the customer's answer (${i.waitingAnswers.join(', ')})` };
  }
  if (callComesForward(i)) return { hold: 'callComesForward', until: i.now, reason: CALL_FORWARD_REASON };
  return undefined;
};
