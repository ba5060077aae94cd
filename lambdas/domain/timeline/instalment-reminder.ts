/**
 * The reminder a few days before each instalment of a payment plan (Policy.plans.reminderDaysBefore):
 * which instalment is next, and the customer's send day its reminder falls on. The planner waits
 * for that day and CheckPromise sends it; both read it here, so they agree on the day. Pure.
 */
import type { Invoice } from '../model.js';
import { addDays, localDay } from '../shared/days.js';
import { isOpenDay, type CalendarContext } from './calendar.js';

/** The plan's next instalment not yet paid in full. */
export interface NextInstalment {
  /** 1-based, as the customer reads it: instalment 2 of 4. */
  number: number;
  count: number;
  date: string;
  amount: number;
  /** Something was paid towards this very instalment already. */
  partlyPaid: boolean;
  /** What is still to pay under the plan, this instalment included. */
  remaining: number;
}

export interface InstalmentReminder extends NextInstalment {
  /** The customer's local day the reminder is sent on (a send day of its calendar). */
  remindOn: string;
}

/** How far a reminder moves back from its nominal day to find a send day (a weekend, a holiday bridge). */
const LOOK_BACK_DAYS = 7;

export const nextInstalment = (invoice: Pick<Invoice, 'plan' | 'amountPaid'>): NextInstalment | undefined => {
  const plan = invoice.plan;
  if (!plan) return undefined;
  const total = plan.paidBefore + plan.instalments.reduce((s, i) => s + i.amount, 0);
  let before = plan.paidBefore;
  for (const [i, inst] of plan.instalments.entries()) {
    const after = before + inst.amount;
    if (invoice.amountPaid < after) {
      return { number: i + 1, count: plan.instalments.length, date: inst.date, amount: inst.amount, partlyPaid: invoice.amountPaid > before, remaining: total - invoice.amountPaid };
    }
    before = after;
  }
  return undefined;
};

/**
 * The send day `daysBefore` days ahead of `date`, or the last one before it within a week (a
 * reminder may come early rather than late); after a week closed (a company closure), the first
 * send day after it that is still before `date`. Only days after `notBefore` count: reaching it
 * looking back, there is no reminder.
 */
const sendDayAhead = (date: string, daysBefore: number, notBefore: string, ctx: CalendarContext): string | undefined => {
  const nominal = addDays(date, -daysBefore);
  for (let d = nominal, i = 0; i <= LOOK_BACK_DAYS; i++, d = addDays(d, -1)) {
    if (d <= notBefore) return undefined;
    if (isOpenDay(d, ctx)) return d;
  }
  for (let d = addDays(nominal, 1); d < date; d = addDays(d, 1)) {
    if (isOpenDay(d, ctx)) return d;
  }
  return undefined;
};

/**
 * The reminder of the plan's next instalment, when one is due: the policy gives one
 * (`daysBefore` > 0), nothing has been paid towards the instalment yet, and its day falls after
 * the day the plan was agreed (a plan agreed a day or two before its first instalment needs no
 * reminder of what was just said). `ctx`: the customer's send calendar (calendar.ts sendContext).
 */
export const instalmentReminder = (invoice: Pick<Invoice, 'plan' | 'amountPaid'>, daysBefore: number, ctx: CalendarContext): InstalmentReminder | undefined => {
  if (daysBefore <= 0 || !invoice.plan) return undefined;
  const next = nextInstalment(invoice);
  if (!next || next.partlyPaid) return undefined;
  const agreedOn = localDay(new Date(invoice.plan.agreedAt), ctx.timeZone);
  const remindOn = sendDayAhead(next.date, daysBefore, agreedOn, ctx);
  return remindOn ? { ...next, remindOn } : undefined;
};
