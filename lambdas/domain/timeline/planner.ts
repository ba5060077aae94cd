/**
 * The planner: from the invoice, its customer's policy and business calendar, what was already
 * done and `now`, the instant of every stage of the execution (statemachines/dunning.asl.json).
 * Pure: `now` comes in, nothing is read from the clock or the network.
 */
import { DateTime } from 'luxon';
import { amountDue, type Customer, type ExtraRule, type Invoice, type Policy, type StageThreshold } from '../model.js';
import { STAGE_IDS, WRITTEN_STAGES, extraStep, isExtraStep, stageAfter, type ExtraStep, type Stage, type Step } from './stages.js';
import type { PlanInput, TimelinePlan } from './plan.js';
import { calendarWarnings, nextMoment, nextPaymentDay, officeContext, openingOn, sendContext, type CalendarContext } from './calendar.js';
import { canText, unheardEscalation } from './engagement.js';
import { writtenChannelBlocked } from '../messages/reminder.js';
import { addDays, daysBetween, localDay } from '../shared/days.js';
import { instalmentReminder } from './instalment-reminder.js';
import { spreadAtOpening, spreadKey } from './send-spread.js';

/** Tenant.paymentClaimGraceDays default, used when the input does not carry the tenant's value. */
export const DEFAULT_CLAIM_GRACE_DAYS = 7;

const DAY_MS = 86_400_000;
const HOLD_STAGES: readonly Stage[] = ['creditHold', 'escalation'];
/** One-off messages that, like a written stage, put the debt in writing before a hold. */
const WRITTEN_MESSAGES: readonly string[] = ['brokenPromise', 'instalmentMissed'];
const isWritten = (step: string): boolean => (WRITTEN_STAGES as readonly string[]).includes(step) || isExtraStep(step);

const contextFor = (stage: Stage, customer: Customer, policy: Policy): CalendarContext =>
  stage === 'phoneCall' ? officeContext(customer) : sendContext(customer, policy);

const thresholdOf = (stage: Stage, policy: Policy): StageThreshold | undefined =>
  stage === 'creditHold' ? policy.creditHoldThreshold : stage === 'escalation' ? policy.escalationThreshold : undefined;

/** A credit hold or hand-off the policy keeps for larger debts: below its minimum for the currency, it does not come. */
const belowThreshold = (stage: Stage, invoice: Invoice, policy: Policy): boolean => {
  const min = thresholdOf(stage, policy)?.minAmountMinor[invoice.currency];
  return min !== undefined && amountDue(invoice) < min;
};

/** The local date a stage is meant for, before calendar adjustments. */
const nominalDate = (stage: Stage, invoice: Invoice, customer: Customer, policy: Policy): string => {
  // A threshold in days late moves a hold no earlier than that many days after the due date.
  const offset = Math.max(policy.stages[stage]!.offsetDays, thresholdOf(stage, policy)?.minDaysLate ?? -Infinity);
  if (stage === 'receiptCheck') return addDays(invoice.issueDate, offset);
  const date = addDays(invoice.dueDate, offset);
  // A customer that pays only on given days hears about the due date on its next payment run.
  return stage === 'dueDate' ? nextPaymentDay(date, customer.paymentDays) : date;
};

const allAt = (instant: Date): TimelinePlan['at'] =>
  Object.fromEntries(STAGE_IDS.map((s) => [s, instant.toISOString()])) as TimelinePlan['at'];

const closed = (now: Date, reason: string): TimelinePlan => ({ mode: 'closed', next: 'none', at: allAt(now), skip: [...STAGE_IDS], reason });

/** Wait until the send-window opening of `date` (the customer's local date, next business day), then check. */
const check = (now: Date, date: string, customer: Customer, policy: Policy, reason: string): TimelinePlan => {
  const checkAt = openingOn(date, sendContext(customer, policy));
  const when = checkAt < now ? now : checkAt;
  return { mode: 'promise', next: 'none', at: allAt(now), skip: [...STAGE_IDS], checkAt: when.toISOString(), reason };
};

/** The date the customer promised to pay by: the promise, else the instalment plan's next unpaid instalment. */
const promised = (invoice: Invoice): { date: string; what: string } | undefined => {
  if (invoice.promise) return { date: invoice.promise.date, what: invoice.promise.note ? `promised (${invoice.promise.note})` : 'promised' };
  const plan = invoice.plan;
  if (!plan) return undefined;
  let expected = plan.paidBefore;
  for (const [i, inst] of plan.instalments.entries()) {
    expected += inst.amount;
    if (invoice.amountPaid < expected) return { date: inst.date, what: `instalment ${i + 1} of ${plan.instalments.length}` };
  }
  return undefined;
};

/**
 * A plan's next instalment still ahead of its reminder (instalment-reminder.ts): the execution
 * waits for the reminder's send day, and CheckPromise announces the instalment before its check.
 * Once that moment has come (the reminder sent, or its day passed) the instalment's own check is next.
 */
const instalmentAnnounced = (input: PlanInput, date: string): TimelinePlan | undefined => {
  const { invoice, customer, policy, now } = input;
  const ctx = sendContext(customer, policy);
  const r = instalmentReminder(invoice, policy.plans.reminderDaysBefore, ctx);
  if (!r || r.date !== date || openingOn(r.remindOn, ctx) <= now) return undefined;
  const ahead = daysBetween(r.remindOn, r.date);
  const moved = ahead === policy.plans.reminderDaysBefore ? '' : ` (the send day nearest the policy's ${policy.plans.reminderDaysBefore})`;
  return check(now, r.remindOn, customer, policy, `instalment ${r.number} of ${r.count} for ${r.date}: announced on ${r.remindOn}, ${ahead} days before${moved}, then checked the morning after`);
};

/**
 * The plan, with a warning where it reaches past the holiday table. The planner sees the customer
 * with the company's closures beside its own: every context it builds keeps both.
 */
export const planTimeline = (input: PlanInput): TimelinePlan => {
  const customer = input.companyClosures?.length ? { ...input.customer, closures: [...input.companyClosures, ...input.customer.closures] } : input.customer;
  const plan = planned({ ...input, customer });
  const warnings = calendarWarnings([...(plan.mode === 'timeline' ? STAGE_IDS.filter((s) => !plan.skip.includes(s)).map((s) => plan.at[s]) : []), ...(plan.checkAt ? [plan.checkAt] : [])], customer.timeZone);
  return warnings.length > 0 ? { ...plan, warnings } : plan;
};

const planned = (input: PlanInput): TimelinePlan => {
  const { invoice, customer, policy, now } = input;
  switch (invoice.status) {
    case 'open':
      // A hold withheld because nobody was ever reached waits for a working contact, not on a timer:
      // the execution ends, and fixing the contact starts a new run at the hold (needsContact).
      if (invoice.needsContact && invoice.deferral && HOLD_STAGES.includes(invoice.deferral.stage as Stage)) {
        return closed(now, `${invoice.deferral.stage} waits for a working contact: the chase resumes when the customer's contact is fixed`);
      }
      return timeline(input);
    case 'promised': {
      const p = promised(invoice);
      // A promise with no date left to wait for (plan fully paid, record missing): the chase goes on.
      if (!p) return timeline(input);
      const announce = invoice.plan ? instalmentAnnounced(input, p.date) : undefined;
      if (announce) return announce;
      if (invoice.plan && policy.plans.graceDays > 0) {
        // A plan's instalment is followed up the morning after; once that morning has come, the grace runs.
        const followUp = addDays(p.date, 1);
        if (localDay(now, customer.timeZone) < followUp) return check(now, followUp, customer, policy, `${p.what} for ${p.date}: checked the morning after`);
        const end = addDays(p.date, 1 + policy.plans.graceDays);
        return check(now, end, customer, policy, `${p.what} for ${p.date} missed: the plan stands until ${addDays(end, -1)} (the policy's grace of ${policy.plans.graceDays} days)`);
      }
      const grace = invoice.promise ? policy.promises.graceDays : 0;
      return check(now, addDays(p.date, 1 + grace), customer, policy, grace > 0 ? `${p.what} for ${p.date}: checked ${grace} days after the morning after (the policy's grace)` : `${p.what} for ${p.date}: checked the morning after`);
    }
    case 'payment_claimed': {
      const grace = input.paymentClaimGraceDays ?? DEFAULT_CLAIM_GRACE_DAYS;
      if (!Number.isInteger(grace) || grace < 0) throw new RangeError(`paymentClaimGraceDays must be a whole number of days >= 0 (got ${grace})`);
      // The status change touches updatedAt: the best stand-in for a claim recorded without its date.
      const claimedOn = localDay(new Date(invoice.paymentClaim?.at ?? invoice.updatedAt), customer.timeZone);
      const until = addDays(claimedOn, grace);
      return check(now, until, customer, policy, `payment claimed on ${claimedOn}: waiting ${grace} days for it, until ${until}`);
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

interface Slot {
  step: Step;
  /** Its place in the walk (stepsOf). */
  seq: number;
  ctx: CalendarContext;
  /** The step's own moment: its anchor + offset at the opening of its window, on a business day. */
  nominal: Date;
}

interface StepDef {
  step: Step;
  seq: number;
  extra?: ExtraRule;
}

/** The walk of the state machine: every known stage, each followed by the policy's extra reminders after it, in their order. */
const stepsOf = (policy: Policy): StepDef[] => {
  const extras = policy.extraReminders.filter((e) => stageAfter(e.after) !== undefined);
  return STAGE_IDS.flatMap((s): Omit<StepDef, 'seq'>[] => [{ step: s }, ...extras.filter((e) => e.after === s).map((e) => ({ step: extraStep(e.id), extra: e }))]).map((d, seq) => ({ ...d, seq }));
};

/**
 * Two e-mails in a row ignored, no SMS possible (engagement.ts), the invoice overdue, the debt put
 * in writing and its call still ahead: the call comes forward to the accounts office's next
 * business day (never later than its own date), and the written reminders still pending before it
 * are left out: a third ignored e-mail would only delay the conversation.
 * The same when the customer's address bounced and no SMS is possible (the call fallback): the
 * written stages would only wait for a working address, so the call comes the business day after
 * the due date at the earliest, whether the bounce came on this invoice or on another of theirs.
 */
const forwardedCall = (input: PlanInput, phoneCallAhead: boolean, writtenBefore: boolean): { at: Date; why: 'unheard' | 'bounced' } | undefined => {
  const { invoice, customer, policy, now } = input;
  if (!phoneCallAhead) return undefined;
  const bounced = writtenChannelBlocked(customer) && !canText(policy, customer);
  // An address that bounced on another invoice puts nothing in writing on this one: the call is the only way.
  if (!writtenBefore && !bounced) return undefined;
  if (!bounced && unheardEscalation(input.ignoredEmails ?? 0, policy, customer) !== 'callForward') return undefined;
  const ctx = officeContext(customer);
  const today = localDay(now, ctx.timeZone);
  if (!bounced && today <= invoice.dueDate) return undefined;
  return { at: openingOn(addDays(today > invoice.dueDate ? today : invoice.dueDate, 1), ctx), why: bounced ? 'bounced' : 'unheard' };
};

const isHold = (step: Step): boolean => (HOLD_STAGES as readonly string[]).includes(step);

const timeline = (input: PlanInput): TimelinePlan => {
  const { invoice, customer, policy, stagesDone, lastContactAt, now } = input;
  const done = new Set(stagesDone.map((d) => d.stage));
  const steps = stepsOf(policy);
  const extraOf = new Map(steps.flatMap((d) => (d.extra ? [[d.step, d.extra] as const] : [])));
  const lastDone = Math.max(-1, ...steps.filter((d) => done.has(d.step)).map((d) => d.seq));
  const writtenBefore = stagesDone.some((d) => isWritten(d.stage) || WRITTEN_MESSAGES.includes(d.stage));
  const slot = (d: StepDef): Slot => {
    const ctx = d.extra ? sendContext(customer, policy) : contextFor(d.step as Stage, customer, policy);
    const date = d.extra ? addDays(invoice.dueDate, d.extra.offsetDays) : nominalDate(d.step as Stage, invoice, customer, policy);
    return { step: d.step, seq: d.seq, ctx, nominal: openingOn(date, ctx) };
  };
  // The SdI's receipt (RC, AT) already proves the invoice reached the customer: no "did it reach you?" (domain/sdi/receipts.ts).
  const enabled = (d: StepDef) =>
    !done.has(d.step) &&
    (d.extra !== undefined ||
      (policy.stages[d.step as Stage]?.enabled === true && !(d.step === 'receiptCheck' && invoice.sdi?.delivered) && !belowThreshold(d.step as Stage, invoice, policy)));

  // Enabled steps after the last one done; anything earlier that never ran is not replayed.
  let candidates = steps.filter((d) => d.seq > lastDone && enabled(d)).map(slot);

  const forwarded = forwardedCall(input, candidates.some((c) => c.step === 'phoneCall'), writtenBefore);
  const forward = forwarded?.at;
  if (forward) {
    candidates = candidates
      .filter((c) => !isWritten(c.step))
      .map((c) => (c.step === 'phoneCall' && forward < c.nominal ? { ...c, nominal: forward } : c));
  }

  // Backlog: of the steps already due, only the latest written reminder is sent, and now.
  const catchUp = candidates.filter((c) => c.nominal < now && isWritten(c.step)).at(-1);
  let acting = candidates.filter((c) => c.nominal >= now || !catchUp || c.seq >= catchUp.seq);
  let opener = catchUp?.step;

  // A credit hold or an escalation never opens the conversation: the written reminder that fits
  // the age goes first (even one before the last step done, which the state machine still reaches).
  const firstHold = acting.findIndex((c) => isHold(c.step));
  // (A call brought forward because the address bounced speaks first instead: a written reminder would only wait.)
  if (!writtenBefore && !(forwarded?.why === 'bounced') && firstHold >= 0 && !acting.slice(0, firstHold).some((c) => isWritten(c.step))) {
    const written = steps.filter((d) => isWritten(d.step) && enabled(d)).map(slot);
    const fit = written.filter((c) => c.nominal < now).at(-1) ?? written[0];
    if (fit) {
      acting = [fit, ...acting].sort((a, b) => a.seq - b.seq);
      opener = fit.step;
    }
  }

  const minGapMs = policy.minGapDays * DAY_MS;
  const instants = new Map<Step, Date>();
  let previous = lastContactAt ? new Date(lastContactAt) : undefined;
  let fromLastContact = previous !== undefined;
  let written = writtenBefore;
  // Off schedule (arrived late, or pushed by the gap after the last contact) every step keeps the
  // policy's gap after the one before it; on schedule the policy's own spacing stands.
  let keepGap = acting.some((c) => c.nominal < now);
  for (const c of acting) {
    let earliest = c.nominal < now ? now : c.nominal;
    if (previous) {
      const gapEnd = new Date(previous.getTime() + minGapMs);
      // A call brought forward is another channel: the next business day, not the e-mail spacing.
      const gapApplies = !(forward && c.step === 'phoneCall') && (keepGap || fromLastContact);
      if (gapApplies && gapEnd > c.nominal) keepGap = true;
      // Never two contacts on one local day, whatever the gap.
      const nextDay = openingOn(addDays(localDay(previous, c.ctx.timeZone), 1), c.ctx);
      const floor = gapApplies && gapEnd > nextDay ? gapEnd : nextDay;
      if (floor > earliest) earliest = floor;
    }
    // A step the policy counts from the previous contact: never sooner than that many days after it.
    const after = extraOf.get(c.step)?.afterPreviousDays ?? policy.stages[c.step as Stage]?.afterPreviousDays;
    if (after !== undefined && previous) {
      const floor = openingOn(addDays(localDay(previous, c.ctx.timeZone), after), c.ctx);
      if (floor > earliest) earliest = floor;
    }
    // Held back by the customer's contact limits: not before the moment they allow.
    if (invoice.deferral?.stage === c.step && Date.parse(invoice.deferral.until) > earliest.getTime()) {
      earliest = new Date(invoice.deferral.until);
      keepGap = true;
    }
    if (isHold(c.step) && !written && !previous) {
      // No written reminder could be planned (a policy without one): at least leave the gap after now.
      earliest = new Date(Math.max(earliest.getTime(), now.getTime() + minGapMs));
      keepGap = true;
    }
    // A written step planned at the window's opening leaves at its slot in the window (send-spread.ts).
    const instant = isWritten(c.step) ? spreadAtOpening(nextMoment(earliest, c.ctx), spreadKey(invoice), c.ctx, input.sendSpread) : nextMoment(earliest, c.ctx);
    instants.set(c.step, instant);
    previous = instant;
    fromLastContact = false;
    if (isWritten(c.step)) written = true;
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
  // The first extra reminder still to come: the walk branches to it just before the known stage after it, then re-plans.
  const firstExtra = acting.find((c) => isExtraStep(c.step));
  const extra = firstExtra && { step: firstExtra.step as ExtraStep, at: instants.get(firstExtra.step)!.toISOString(), before: stageAfter(extraOf.get(firstExtra.step)!.after)! };
  const next = STAGE_IDS.find((s) => instants.has(s) || s === extra?.before);
  if (!next) return { ...closed(now, 'every stage is done or disabled'), at };
  const late = acting.some((c) => c.nominal < now);
  const small = HOLD_STAGES.filter((h) => policy.stages[h]?.enabled && !done.has(h) && belowThreshold(h, invoice, policy));
  const first = acting[0]!.step;
  const reason = reasonFor(invoice, customer, now, late ? (opener ?? first) : undefined, first) +
    (small.length > 0 ? `; ${small.join(' and ')} not planned: the amount due is below the policy's minimum` : '');
  return {
    mode: 'timeline',
    next,
    at,
    skip,
    ...(extra ? { extra } : {}),
    reason: forwarded
      ? `${reason}; ${forwarded.why === 'bounced' ? 'the e-mail address bounced and no SMS is possible' : 'two e-mails ignored and no SMS possible'}: the call comes forward`
      : reason,
  };
};

const reasonFor = (invoice: Invoice, customer: Customer, now: Date, start: Step | undefined, next: Step): string => {
  if (!start) return `on schedule: next is ${next}`;
  const late = Math.round(DateTime.fromISO(localDay(now, customer.timeZone)).diff(DateTime.fromISO(invoice.dueDate), 'days').days);
  const age = late > 0 ? `${late} days overdue` : late === 0 ? 'due today' : `due in ${-late} days`;
  return `backlog: ${age}, starting at ${start}`;
};
