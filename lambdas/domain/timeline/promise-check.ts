/**
 * What CheckPromise finds on the day after a promised date, the end of a dated pause, or the end
 * of the grace given to a payment the customer says they made. Pure: the invoice and the day in,
 * the status change to make (once, under the send guard) and the message it calls for out.
 *  - promised and kept (the payments reach what was promised): closed as paid, or back to open;
 *  - promised and broken: back to open, `promise_broken` in the log, and the broken-promise
 *    reminder (the missed-instalment one for a plan) whose argument is the date they gave;
 *  - an instalment missed under a policy that gives plans a grace (Policy.plans.graceDays): the
 *    morning after, the missed-instalment reminder and the plan stands; at the end of the grace,
 *    still missed: back to open without a second reminder (the timeline speaks next);
 *  - a plan's instalment still ahead, on or after its reminder's day (instalment-reminder.ts): the
 *    instalment reminder, once per instalment; no status change;
 *  - a claimed payment that has not arrived within the grace: back to open;
 *  - a dated pause that has ended: back to open.
 * Whatever changes, the planner decides what comes next.
 */
import { amountDue, type ContactEventType, type Invoice, type InvoiceStatus } from '../model.js';
import { expectedPaid, promiseKept } from '../commands/commands.js';
import { guardKeyFor } from '../messages/reminder.js';
import { addDays } from '../shared/days.js';
import type { InstalmentReminder } from './instalment-reminder.js';

/** One guarded status change in the execution's own run: done once, a retry finds it done. */
export interface StatusTransition {
  guardKey: string;
  from: InvoiceStatus;
  to: InvoiceStatus;
  remove: ('promise' | 'plan' | 'pause')[];
  event: ContactEventType;
  details: Record<string, unknown>;
}

export type PromiseCheck =
  | { outcome: 'kept' | 'claimExpired' | 'pauseEnded' | 'planCancelled'; transition: StatusTransition }
  | {
      outcome: 'broken';
      transition: StatusTransition;
      reminder: { kind: 'brokenPromise' | 'instalmentMissed'; guardKey: string; promiseDate: string };
    }
  | { outcome: 'instalmentLate'; graceUntil: string; reminder: { kind: 'instalmentMissed'; guardKey: string; promiseDate: string } }
  | { outcome: 'instalmentDue'; instalment: InstalmentReminder; reminder: { kind: 'instalmentDue'; guardKey: string; promiseDate: string } }
  | { outcome: 'nothingDue' };

/**
 * `checkDay`: the day the check was planned for (the plan's checkAt), for the guard keys;
 * `planGraceDays`: Policy.plans.graceDays; `upcoming`: the plan's instalment reminder
 * (instalmentReminder) and the customer's local day of the check.
 */
export const checkPromiseDue = (inv: Invoice, checkDay: string, planGraceDays = 0, upcoming?: { reminder: InstalmentReminder | undefined; localDay: string }): PromiseCheck => {
  if (inv.status === 'promised') {
    const promise = inv.promise;
    const promisedDate = promise?.date ?? checkDay;
    const due = upcoming?.reminder;
    // The instalment the promise stands for (a plan without its promise recorded: the plan's next one, as the planner reads it).
    if (inv.plan && due && due.date === (promise?.date ?? due.date) && upcoming.localDay >= due.remindOn && upcoming.localDay < due.date) {
      return { outcome: 'instalmentDue', instalment: due, reminder: { kind: 'instalmentDue', guardKey: guardKeyFor('instalmentDue', due.date), promiseDate: due.date } };
    }
    if (promise && promiseKept(inv)) {
      return {
        outcome: 'kept',
        transition: {
          guardKey: `promiseKept#${promisedDate}`,
          from: 'promised',
          to: amountDue(inv) <= 0 ? 'paid' : 'open',
          remove: ['promise'],
          event: 'promise_kept',
          details: { promisedDate, amountPaid: inv.amountPaid },
        },
      };
    }
    // Woken before the date with nothing to announce (paid in part since the reminder was planned): not broken yet.
    if (upcoming && upcoming.localDay <= promisedDate) return { outcome: 'nothingDue' };
    const kind: 'instalmentMissed' | 'brokenPromise' = inv.plan ? 'instalmentMissed' : 'brokenPromise';
    const graceUntil = addDays(promisedDate, planGraceDays);
    const reminder = { kind, guardKey: guardKeyFor(kind, promisedDate), promiseDate: promisedDate };
    if (inv.plan && planGraceDays > 0 && checkDay <= graceUntil) return { outcome: 'instalmentLate', graceUntil, reminder: { ...reminder, kind: 'instalmentMissed' } };
    const transition: StatusTransition = {
      guardKey: `promiseBroken#${promisedDate}`,
      from: 'promised',
      to: 'open',
      remove: ['promise', 'plan'],
      event: 'promise_broken',
      details: { promisedDate, expectedPaid: promise ? expectedPaid(inv, promise) : inv.amount, amountPaid: inv.amountPaid, currency: inv.currency },
    };
    // The grace is over: the customer heard of the missed instalment the morning after it.
    if (inv.plan && planGraceDays > 0) return { outcome: 'planCancelled', transition: { ...transition, details: { ...transition.details, graceUntil } } };
    return { outcome: 'broken', transition, reminder };
  }
  if (inv.status === 'payment_claimed') {
    return {
      outcome: 'claimExpired',
      transition: {
        guardKey: `claimExpired#${checkDay}`,
        from: 'payment_claimed',
        to: 'open',
        remove: [],
        event: 'resume',
        details: { reason: 'the payment the customer reported has not arrived within the grace period' },
      },
    };
  }
  if (inv.status === 'paused' && inv.pause?.until) {
    return {
      outcome: 'pauseEnded',
      transition: {
        guardKey: `pauseEnded#${inv.pause.until}`,
        from: 'paused',
        to: 'open',
        remove: ['pause'],
        event: 'resume',
        details: { reason: `pause ended on ${inv.pause.until}` },
      },
    };
  }
  return { outcome: 'nothingDue' };
};
