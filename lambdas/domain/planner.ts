/**
 * The planner: from the invoice, its customer's policy and business calendar, what was already
 * done and `now`, the instant of every stage of the execution (statemachines/dunning.asl.json).
 * Pure: `now` comes in, nothing is read from the clock or the network.
 */
import { DateTime } from 'luxon';
import type { Customer, Invoice, Policy } from './model.js';
import { STAGE_IDS, WRITTEN_STAGES, stageIndex, type Stage } from './stages.js';
import type { PlanInput, TimelinePlan } from './timeline.js';
import { addDays, localDate, nextMoment, nextPaymentDay, openingOn, type CalendarContext } from './calendar.js';

const sendContext = (customer: Customer, policy: Policy): CalendarContext => ({
  timeZone: customer.timeZone,
  country: customer.country,
  window: policy.sendWindow,
});

/** Calls go when the accounts office answers: its own days and hours, never on a holiday. */
const callContext = (customer: Customer): CalendarContext => ({
  timeZone: customer.timeZone,
  country: customer.country,
  window: { from: customer.officeHours.from, to: customer.officeHours.to },
  weekdays: customer.officeHours.days.length > 0 ? customer.officeHours.days : [1, 2, 3, 4, 5],
});

const contextFor = (stage: Stage, customer: Customer, policy: Policy): CalendarContext =>
  stage === 'phoneCall' ? callContext(customer) : sendContext(customer, policy);

/** The local date a stage is meant for, before calendar adjustments. */
const nominalDate = (stage: Stage, invoice: Invoice, customer: Customer, policy: Policy): string => {
  const offset = policy.stages[stage]!.offsetDays;
  if (stage === 'receiptCheck') return addDays(invoice.issueDate, offset);
  const date = addDays(invoice.dueDate, offset);
  // A customer that pays only on given days hears about the due date on its next payment run.
  return stage === 'dueDate' ? nextPaymentDay(date, customer.paymentDays) : date;
};

const allAt = (instant: Date): TimelinePlan['at'] =>
  Object.fromEntries(STAGE_IDS.map((s) => [s, instant.toISOString()])) as TimelinePlan['at'];

const closed = (now: Date, reason: string): TimelinePlan => ({ mode: 'closed', next: 'none', at: allAt(now), skip: [...STAGE_IDS], reason });

/** Wait until `date` (the customer's local date), at the opening of the send window. */
const check = (now: Date, date: string, customer: Customer, policy: Policy, reason: string): TimelinePlan => {
  const checkAt = openingOn(date, sendContext(customer, policy));
  const when = checkAt < now ? now : checkAt;
  return { mode: 'promise', next: 'none', at: allAt(now), skip: [...STAGE_IDS], checkAt: when.toISOString(), reason };
};

export const planTimeline = (input: PlanInput): TimelinePlan => {
  const { invoice, customer, policy, now } = input;
  switch (invoice.status) {
    case 'open':
      return timeline(input);
    case 'promised': {
      const date = invoice.promise?.date;
      if (!date) return timeline(input);
      return check(now, addDays(date, 1), customer, policy, `promised for ${date}: checked the day after`);
    }
    case 'payment_claimed': {
      const until = invoice.pause?.until ?? addDays(invoice.updatedAt.slice(0, 10), 7);
      return check(now, until, customer, policy, `payment claimed by the customer: waiting for it until ${until}`);
    }
    case 'paused':
      return invoice.pause?.until
        ? check(now, invoice.pause.until, customer, policy, `paused until ${invoice.pause.until}`)
        : closed(now, 'paused without an end date: the finance team resumes it');
    case 'disputed':
      return closed(now, 'disputed: the chase waits for the dispute to be resolved');
    default:
      return closed(now, `invoice is ${invoice.status}`);
  }
};

const DAY_MS = 86_400_000;

const timeline = ({ invoice, customer, policy, stagesDone, lastContactAt, now }: PlanInput): TimelinePlan => {
  const done = new Set(stagesDone.map((d) => d.stage));
  const lastDone = Math.max(-1, ...STAGE_IDS.filter((s) => done.has(s)).map(stageIndex));
  const writtenDone = WRITTEN_STAGES.some((s) => done.has(s));

  // Enabled stages after the last one done; anything earlier that never ran is not replayed.
  const candidates = STAGE_IDS.filter((s, i) => i > lastDone && policy.stages[s]?.enabled && !done.has(s)).map((stage) => {
    const ctx = contextFor(stage, customer, policy);
    return { stage, ctx, nominal: openingOn(nominalDate(stage, invoice, customer, policy), ctx) };
  });

  // Backlog: of the stages already due, only the latest written reminder is sent, and now.
  const past = candidates.filter((c) => c.nominal < now);
  const catchUp = [...past].reverse().find((c) => (WRITTEN_STAGES as readonly Stage[]).includes(c.stage));
  const acting = candidates.filter((c) => c.nominal >= now || (catchUp ? stageIndex(c.stage) >= stageIndex(catchUp.stage) : true));

  const minGapMs = policy.minGapDays * DAY_MS;
  const instants = new Map<Stage, Date>();
  let previous = lastContactAt ? new Date(lastContactAt) : undefined;
  let written = writtenDone;
  // Once a stage has moved off its nominal date, the ones after it keep the policy's gap.
  let pushed = past.length > 0 || previous !== undefined;
  for (const c of acting) {
    let earliest = c.nominal < now ? now : c.nominal;
    if (previous) {
      const gapEnd = pushed ? new Date(previous.getTime() + minGapMs) : new Date(previous.getTime());
      const notSameDay = openingOn(addDays(localDate(previous, c.ctx.timeZone), 1), c.ctx);
      const floor = pushed ? new Date(Math.max(gapEnd.getTime(), notSameDay.getTime())) : notSameDay;
      if (floor > earliest) earliest = floor;
    }
    // A credit hold or an escalation is never the first contact: a written reminder and the gap come first.
    if ((c.stage === 'creditHold' || c.stage === 'escalation') && !written && !previous) {
      earliest = new Date(Math.max(earliest.getTime(), now.getTime() + minGapMs));
    }
    const instant = nextMoment(earliest, c.ctx);
    if (instant.getTime() !== c.nominal.getTime()) pushed = true;
    instants.set(c.stage, instant);
    previous = instant;
    if ((WRITTEN_STAGES as readonly Stage[]).includes(c.stage)) written = true;
  }

  const at = {} as TimelinePlan['at'];
  const skip: Stage[] = [];
  let carry = now;
  for (const s of STAGE_IDS) {
    const instant = instants.get(s);
    if (instant) carry = instant;
    else skip.push(s);
    at[s] = carry.toISOString();
  }
  const next = STAGE_IDS.find((s) => instants.has(s));
  if (!next) return { ...closed(now, 'every stage is done or disabled'), at };
  return { mode: 'timeline', next, at, skip, reason: reasonFor(invoice, customer, now, catchUp?.stage, next) };
};

const reasonFor = (invoice: Invoice, customer: Customer, now: Date, catchUp: Stage | undefined, next: Stage): string => {
  if (!catchUp) return `on schedule: next is ${next}`;
  const late = Math.round(DateTime.fromISO(localDate(now, customer.timeZone)).diff(DateTime.fromISO(invoice.dueDate), 'days').days);
  const age = late > 0 ? `${late} days overdue` : late === 0 ? 'due today' : `due in ${-late} days`;
  return `backlog: ${age}, starting at ${catchUp}`;
};
