/**
 * One invoice under one policy: the planner (timeline/planner.ts, planned once; plan-memo.ts over
 * a portfolio) gives the dated stages; the response model turns them into expected values. A stage acts only while the invoice
 * is still unpaid, so each contact carries `reach`, the chance the invoice is still open when it
 * leaves; each stage then moves its share of what is left into a payment on the stage's day plus
 * its delay, never later than the day before the next stage (the history measured "paid after s"
 * as paid before the next one). What is unpaid after the last stage stays unpaid. Pure.
 */
import { amountDue, type Customer, type Invoice, type Policy } from '../model.js';
import type { StageBefore } from '../reports/activity.js';
import { canText } from '../timeline/engagement.js';
import { planTimeline } from '../timeline/planner.js';
import type { Planner } from './plan-memo.js';
import { STAGE_ACTION, extraIdOf, isExtraStep, type ExtraStep, type Stage } from '../timeline/stages.js';
import { walkTimeline } from '../timeline/walk.js';
import type { SendSpread } from '../timeline/send-spread.js';
import { dayNumber, isoOfDay, localDayIn } from './sim-days.js';
import type { ResponseModel } from './response-model.js';

export type ContactChannel = 'email' | 'sms' | 'call';

export interface SimContact {
  /** The known stage, or for an extra reminder the stage it follows (whose response it is given). */
  stage: Stage;
  /** An extra reminder of the policy: its step (`extra:<id>`). */
  extra?: ExtraStep;
  /** The customer's local day. */
  day: string;
  /** UTC ISO instant, as the planner places it (a written stage at the opening at its slot of the send spread). */
  at: string;
  /** Empty for a hand-off the policy only prepares (no message to the customer). */
  channels: ContactChannel[];
  /** 0..1: the chance the invoice is still unpaid when the stage acts. */
  reach: number;
}

export interface SimPayment {
  day: string;
  probability: number;
  afterStage: StageBefore;
}

export interface Milestone {
  day: string;
  /** Days from the due date. */
  daysLate: number;
  reach: number;
}

export interface InvoiceRun {
  invoiceId: string;
  customerId: string;
  currency: string;
  /** What the simulation chases: the amount still due at the start, minor units. */
  amount: number;
  issueDate: string;
  dueDate: string;
  startDay: string;
  contacts: SimContact[];
  payments: SimPayment[];
  /** The chance it is still unpaid after the last stage. */
  unpaid: number;
  creditHold?: Milestone;
  handOff?: Milestone;
}

export interface SimCase {
  invoice: Invoice;
  customer: Customer;
  /** The moment the replay starts: now for the open portfolio, the issue date for a past period. */
  start: Date;
}

const channelsOf = (stage: Stage, policy: Policy, customer: Customer): ContactChannel[] => {
  const action = STAGE_ACTION[stage];
  if (action === 'call') return ['call'];
  // A hand-off the policy only prepares sends the customer nothing.
  if (action === 'escalation' && policy.escalation !== 'send') return [];
  return policy.stages[stage]!.sms && canText(policy, customer) ? ['email', 'sms'] : ['email'];
};

/** What the deployment plans with beside the policy: the send spread (deploy settings), as PlanTimeline has it. */
export interface SimSettings {
  sendSpread?: SendSpread | undefined;
}

/** The run of an open invoice, or undefined when the planner has nothing to send (a promise, a dispute, a pause). */
export const simulateInvoice = (c: SimCase, policy: Policy, model: ResponseModel, plan: Planner = planTimeline, settings: SimSettings = {}): InvoiceRun | undefined => {
  const { invoice, customer, start } = c;
  if (invoice.status !== 'open') return undefined;
  const { first: planned, steps } = walkTimeline({
    invoice,
    customer,
    policy,
    stagesDone: [],
    ...(invoice.lastContactAt ? { lastContactAt: invoice.lastContactAt } : {}),
    ...(settings.sendSpread ? { sendSpread: settings.sendSpread } : {}),
    now: start,
  }, plan);
  if (planned.mode !== 'timeline') return undefined;
  const zone = customer.timeZone;
  // An extra reminder is answered like the stage it follows: the outcomes are measured per known stage.
  const acting = steps.map(({ step, at }) => {
    const day = localDayIn(new Date(at), zone);
    if (!isExtraStep(step)) return { stage: step, day, at, channels: channelsOf(step, policy, customer) };
    const rule = policy.extraReminders.find((e) => e.id === extraIdOf(step));
    const channels: ContactChannel[] = rule?.sms && canText(policy, customer) ? ['email', 'sms'] : ['email'];
    return { stage: rule?.after ?? 'secondOverdue', extra: step, day, at, channels };
  });
  const startDay = localDayIn(start, zone);
  const due = dayNumber(invoice.dueDate);

  const contacts: SimContact[] = [];
  const payments: SimPayment[] = [];
  let open = 1;
  const pay = (afterStage: StageBefore, share: number, on: number) => {
    if (share <= 0) return;
    payments.push({ day: isoOfDay(on), probability: share, afterStage });
    open -= share;
  };

  // Paid unprompted, around the due date: only before any reminder of this run has gone.
  const first = acting[0] ? dayNumber(acting[0].day) : Infinity;
  const unprompted = model.none;
  const unpromptedDay = Math.min(due + unprompted.delayDays, first - 1);
  if (!invoice.lastContactAt && unpromptedDay >= dayNumber(startDay)) pay('none', open * unprompted.payProbability, unpromptedDay);

  let creditHold: Milestone | undefined;
  let handOff: Milestone | undefined;
  for (const [i, a] of acting.entries()) {
    const day = dayNumber(a.day);
    const reach = open;
    contacts.push({ stage: a.stage, ...(a.extra ? { extra: a.extra } : {}), day: a.day, at: a.at, channels: a.channels, reach });
    const milestone = { day: a.day, daysLate: day - due, reach };
    if (a.stage === 'creditHold' && !a.extra) creditHold = milestone;
    if (a.stage === 'escalation' && !a.extra) handOff = milestone;
    const next = acting[i + 1] ? dayNumber(acting[i + 1]!.day) : Infinity;
    const response = model[a.stage];
    pay(a.stage, reach * response.payProbability, Math.max(day, Math.min(day + response.delayDays, next - 1)));
  }

  return {
    invoiceId: invoice.invoiceId,
    customerId: invoice.customerId,
    currency: invoice.currency,
    amount: amountDue(invoice),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    startDay,
    contacts,
    payments,
    unpaid: Math.max(0, open),
    ...(creditHold ? { creditHold } : {}),
    ...(handOff ? { handOff } : {}),
  };
};
