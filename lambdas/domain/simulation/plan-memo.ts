/**
 * planTimeline over a whole portfolio under one policy, each distinct planner input planned once.
 * The planner spends most of its time in time-zone arithmetic (luxon), and a portfolio repeats
 * itself: invoices of one due date and one customer calendar get the same plan. Two fresh open
 * invoices (nothing done yet) are planned alike when what the planner reads of them is alike:
 * - of the invoice: issue and due dates, currency, needsContact, deferral, the SdI's proof of
 *   receipt, lastContactAt, and the amount due only when the policy has a threshold on it;
 * - of the customer: time zone, country, region and city, its send window and closures, office
 *   hours, payment days, whether it can be texted (engagement.ts canText) and whether its written
 *   channel is blocked (messages/reminder.ts), read with the planner's own functions;
 * - the company's closures;
 * - with the send spread (plan.ts sendSpread), the invoice's slot in the morning (send-spread.ts):
 *   a written stage at the window's opening leaves at it.
 * Anything else (a status other than open, stages already done, ignored e-mails) goes to the
 * planner as it is. test/unit/what-if-plan-memo.test.ts holds the memo to the planner's answers.
 */
import { amountDue, type Policy } from '../model.js';
import { writtenChannelBlocked } from '../messages/reminder.js';
import { canText } from '../timeline/engagement.js';
import type { PlanInput, TimelinePlan } from '../timeline/plan.js';
import { planTimeline } from '../timeline/planner.js';
import { sendSlotOffsetMs, spreadKey, windowLengthMs } from '../timeline/send-spread.js';

export type Planner = (input: PlanInput) => TimelinePlan;

const keyOf = (input: PlanInput, withAmount: boolean): string => {
  const { invoice: i, customer: c } = input;
  return [
    i.issueDate, i.dueDate, i.currency, i.needsContact ? 1 : 0, i.deferral ? JSON.stringify(i.deferral) : '', i.sdi?.delivered ? 1 : 0, input.lastContactAt ?? '',
    withAmount ? amountDue(i) : '',
    c.timeZone, c.country, c.region ?? '', c.city ?? '', JSON.stringify(c.sendWindow ?? null), JSON.stringify(c.closures ?? []),
    JSON.stringify(c.officeHours), c.paymentDays.join(','), canText(input.policy, c) ? 1 : 0, writtenChannelBlocked(c) ? 1 : 0,
    JSON.stringify(input.companyClosures ?? []),
    input.sendSpread ? sendSlotOffsetMs(spreadKey(i), input.sendSpread, windowLengthMs({ window: c.sendWindow ?? input.policy.sendWindow })) : '',
    input.now.getTime(),
  ].join('|');
};

/** A planner for one policy that remembers its plans of fresh open invoices. */
export const memoPlanner = (policy: Policy): Planner => {
  const withAmount = policy.creditHoldThreshold !== undefined || policy.escalationThreshold !== undefined;
  const plans = new Map<string, TimelinePlan>();
  return (input) => {
    if (input.policy !== policy) throw new Error(`memoPlanner for ${policy.id} asked to plan under ${input.policy.id}`);
    if (input.invoice.status !== 'open' || input.stagesDone.length > 0 || (input.ignoredEmails ?? 0) > 0) return planTimeline(input);
    const key = keyOf(input, withAmount);
    let plan = plans.get(key);
    if (!plan) plans.set(key, (plan = planTimeline(input)));
    return plan;
  };
};
