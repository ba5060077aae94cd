/**
 * A company's own chase policy as the company writes it (config/policies.json, /v1/policies): the
 * schema, the one validation that lists every problem with its path (zod's and the timeline rules
 * alike), and its compilation into the runtime Policy the planner and the messages read.
 * A stage the company does not list is off. Pure.
 */
import * as z from 'zod/mini';
import { Currency, ExtraId, HabitThresholds, HourMinute, MAX_INSTALMENT_REMINDER_DAYS, POLICY_IDS, Policy, StageId, Tone, type ExtraRule } from '../model.js';
import { MAX_OFFSET_DAYS } from './policies.js';
import { MAX_WALK_DAYS } from './execution-year.js';
import { EXTRA_AFTER, MAX_EXTRA_REMINDERS, STAGE_ACTION, STAGE_IDS, WRITTEN_STAGES, stageIndex, type Stage } from './stages.js';
import { lazySchema } from '../shared/lazy-schema.js';

const Slug = lazySchema(() => z.string().check(
  z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a slug: lower-case letters, digits and single hyphens'),
  z.maxLength(64),
  z.refine((s) => !(POLICY_IDS as readonly string[]).includes(s), { message: 'is a built-in policy id (read-only); pick another' }),
));

export const Channel = lazySchema(() => z.enum(['email', 'sms', 'call']));
export type Channel = z.infer<typeof Channel>;

const CompanyStage = lazySchema(() => z.object({
  enabled: z._default(z.boolean(), true),
  /** Days from the due date (from the issue date for receiptCheck), or, with `from: "previous"`, days after the stage before it. */
  offsetDays: z.int(),
  /** `previous`: counted from the stage before it, and never sooner than that many days after the previous contact. */
  from: z._default(z.enum(['due', 'previous']), 'due'),
  /** Absent: e-mail for a written stage, a credit hold or a hand-off; the call task for phoneCall. */
  channels: z.optional(z.array(Channel).check(z.minLength(1, 'at least one channel'))),
  tone: z.optional(Tone),
}));

/**
 * An extra written reminder (the `furtherReminder` message): after the stage `after`, in the order
 * listed, before the next known stage; about an overdue invoice.
 */
const CompanyExtra = lazySchema(() => z.object({
  id: ExtraId,
  after: z.enum(EXTRA_AFTER),
  /** Days from the due date, or, with `from: "previous"`, days after the step before it (the stage `after` or the extra listed before it). */
  offsetDays: z.int(),
  from: z._default(z.enum(['due', 'previous']), 'due'),
  channels: z._default(z.array(z.enum(['email', 'sms'])).check(z.minLength(1, 'at least one channel')), ['email']),
  tone: z.optional(Tone),
}));
export type CompanyExtra = z.infer<typeof CompanyExtra>;

const Threshold = lazySchema(() => ({
  /** The stage waits until the invoice is at least this many days late. */
  minDaysLate: z._default(z.int().check(z.minimum(0), z.maximum(MAX_OFFSET_DAYS)), 0),
  /** Currency -> minimum open amount in minor units; below it the stage does not come. */
  minAmountMinor: z._default(z.record(Currency, z.int().check(z.minimum(0))), {}),
}));

export const CompanyPolicy = lazySchema(() => z.object({
  id: Slug,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  tone: Tone,
  stages: z.partialRecord(StageId, CompanyStage),
  extraReminders: z._default(z.array(CompanyExtra).check(z.maxLength(MAX_EXTRA_REMINDERS, `at most ${MAX_EXTRA_REMINDERS} extra reminders`)), []),
  minGapDays: z._default(z.int().check(z.minimum(1), z.maximum(60)), 5),
  emailsPerWeek: z._default(z.int().check(z.minimum(1), z.maximum(7)), 3),
  smsPerWeek: z._default(z.int().check(z.minimum(0), z.maximum(7)), 1),
  sendWindow: z._default(z.object({ from: HourMinute, to: HourMinute }), { from: '09:00', to: '18:00' }),
  /** ISO weekdays (1 = Monday) no e-mail or SMS leaves on. */
  quietDays: z._default(z.array(z.int().check(z.minimum(1), z.maximum(7))).check(z.maxLength(7)), []),
  creditHold: z._default(z.object(Threshold), { minDaysLate: 0, minAmountMinor: {} }),
  escalation: z._default(z.object({ ...Threshold, mode: z._default(z.enum(['send', 'prepare']), 'send') }), { minDaysLate: 0, minAmountMinor: {}, mode: 'send' }),
  /** Late-payment interest (and the fixed compensation) claimed in the firm messages, from `fromStage` on where given. */
  interest: z._default(z.object({ claimed: z._default(z.boolean(), true), fromStage: z.optional(StageId) }), { claimed: true }),
  compensation: z._default(z.object({ claimed: z._default(z.boolean(), true) }), { claimed: true }),
  /** A promise is checked the morning after its date plus `graceDays`. */
  promises: z._default(z.object({ graceDays: z._default(z.int().check(z.minimum(0), z.maximum(30)), 0) }), { graceDays: 0 }),
  /**
   * A missed instalment is followed up and given `graceDays` before the plan is cancelled (0: cancelled
   * at the first miss); each instalment is announced `reminderDaysBefore` days ahead (0: never).
   */
  plans: z._default(
    z.object({
      graceDays: z._default(z.int().check(z.minimum(0), z.maximum(30)), 0),
      reminderDaysBefore: z._default(z.int().check(z.minimum(0), z.maximum(MAX_INSTALMENT_REMINDER_DAYS)), 0),
    }),
    { graceDays: 0, reminderDaysBefore: 0 },
  ),
  /**
   * A habitual late payer: `lateOf` of its last `outOf` settled invoices at least `minDaysLate` days
   * late. `extraBeforeDue` gives such a customer a message before the due date: the pre-due e-mail at
   * `offsetDays` where the policy sends none, with a short SMS where `channels` names sms.
   */
  habitualLatePayers: z._default(
    z.object({
      ...HabitThresholds,
      extraBeforeDue: z.optional(
        z.object({
          offsetDays: z.int().check(z.minimum(-60), z.maximum(-1)),
          channels: z._default(z.array(z.enum(['email', 'sms'])).check(z.minLength(1, 'at least one channel')), ['email']),
        }),
      ),
    }),
    { lateOf: 3, outOf: 5, minDaysLate: 1 },
  ),
}));
export type CompanyPolicy = z.infer<typeof CompanyPolicy>;

export interface PolicyProblem { path: string; message: string }

const pathOf = (p: readonly PropertyKey[]): string => p.map(String).join('.') || '(root)';

const defaultChannels = (s: Stage): Channel[] => (STAGE_ACTION[s] === 'call' ? ['call'] : ['email']);
const channelsOf = (p: CompanyPolicy, s: Stage): Channel[] => p.stages[s]?.channels ?? defaultChannels(s);
const isOn = (p: CompanyPolicy, s: Stage): boolean => p.stages[s]?.enabled === true;

const channelProblems = (p: CompanyPolicy): PolicyProblem[] => {
  const out: PolicyProblem[] = [];
  for (const s of STAGE_IDS) {
    if (!p.stages[s]) continue;
    const channels = channelsOf(p, s);
    const path = `stages.${s}.channels`;
    if (new Set(channels).size !== channels.length) out.push({ path, message: 'a channel is named twice' });
    if (STAGE_ACTION[s] === 'call') {
      if (channels.some((c) => c !== 'call')) out.push({ path, message: 'phoneCall is a call task for the finance team: its only channel is call' });
      continue;
    }
    if (channels.includes('call')) out.push({ path, message: `${s} is a written message: call is the phoneCall stage's channel` });
    if (!channels.includes('email')) out.push({ path, message: `${s} must include email: the written record of the debt (SMS rides along with it)` });
    if (s === 'receiptCheck' && channels.includes('sms')) out.push({ path, message: 'receiptCheck asks whether the invoice arrived: e-mail only' });
  }
  if (p.smsPerWeek === 0) {
    const texting = STAGE_IDS.filter((s) => isOn(p, s) && channelsOf(p, s).includes('sms'));
    if (texting.length > 0) out.push({ path: 'smsPerWeek', message: `is 0 but ${texting.join(', ')} send SMS` });
  }
  return out;
};

/** The timeline rules: the state machine walks the stages in a fixed order. */
const timelineProblems = (p: CompanyPolicy): PolicyProblem[] => {
  const out: PolicyProblem[] = [];
  // In time order (a stage written out of order is refused below, and may still come first).
  const enabled = STAGE_IDS.filter((s) => s !== 'receiptCheck' && isOn(p, s)).sort((a, b) => p.stages[a]!.offsetDays - p.stages[b]!.offsetDays);
  if (!WRITTEN_STAGES.some((s) => isOn(p, s))) out.push({ path: 'stages', message: 'at least one written reminder (preDue, dueDate, firstOverdue or secondOverdue) must be on' });
  let previous: Stage | undefined;
  for (const s of STAGE_IDS) {
    const rule = p.stages[s];
    if (!rule) continue;
    const path = `stages.${s}.offsetDays`;
    if (Math.abs(rule.offsetDays) > MAX_OFFSET_DAYS) out.push({ path, message: `${rule.offsetDays} days is more than ${MAX_OFFSET_DAYS} days from its anchor` });
    if (!rule.enabled || s === 'receiptCheck') continue;
    if (previous) {
      const gap = rule.offsetDays - p.stages[previous]!.offsetDays;
      if (gap < 0) out.push({ path, message: `${s} at ${rule.offsetDays} days comes before ${previous} at ${p.stages[previous]!.offsetDays} days` });
      else if (gap === 0) out.push({ path, message: `${s} falls on the same day as ${previous}: no two reminders a day` });
    }
    previous = s;
  }
  if (isOn(p, 'receiptCheck') && p.stages.receiptCheck!.offsetDays < 0) {
    out.push({ path: 'stages.receiptCheck.offsetDays', message: 'comes before the invoice is issued' });
  }
  for (const s of ['creditHold', 'escalation'] as const) {
    if (!isOn(p, s)) continue;
    if (enabled[0] === s) out.push({ path: `stages.${s}`, message: `${s} cannot be the first stage` });
    const holdAt = p.stages[s]!.offsetDays;
    const before = [
      ...WRITTEN_STAGES.filter((w) => isOn(p, w) && p.stages[w]!.offsetDays <= holdAt).map((w) => p.stages[w]!.offsetDays),
      ...p.extraReminders.filter((e) => stageIndex(e.after) < stageIndex(s) && e.offsetDays <= holdAt).map((e) => e.offsetDays),
    ];
    if (before.length === 0) out.push({ path: `stages.${s}`, message: `${s} needs at least one written reminder before it` });
    else {
      const last = Math.max(...before);
      if (p.stages[s]!.offsetDays - last < p.minGapDays) {
        out.push({ path: `stages.${s}.offsetDays`, message: `${s} comes less than minGapDays (${p.minGapDays}) after the last written reminder` });
      }
    }
  }
  const from = p.interest.fromStage;
  if (from && (from === 'receiptCheck' || from === 'preDue' || from === 'dueDate' || from === 'phoneCall')) {
    out.push({ path: 'interest.fromStage', message: `${from} is not a message about an overdue invoice: interest runs from the day after the due date` });
  }
  if (p.sendWindow.from >= p.sendWindow.to) out.push({ path: 'sendWindow', message: `send window ${p.sendWindow.from}-${p.sendWindow.to} is empty` });
  out.push(...habitProblems(p));
  out.push(...quietDayProblems(p.quietDays));
  out.push(...extraProblems(p));
  // One execution walks from the first stage after the issue to the last without a re-plan (execution-year.ts).
  const offsets = [...STAGE_IDS.filter((s) => s !== 'receiptCheck' && isOn(p, s)).map((s) => p.stages[s]!.offsetDays), ...p.extraReminders.map((e) => e.offsetDays)];
  const span = offsets.length > 0 ? Math.max(...offsets) - Math.min(...offsets) : 0;
  if (span > MAX_WALK_DAYS) out.push({ path: 'stages', message: `the stages span ${span} days from the first to the last: one execution can wait through at most ${MAX_WALK_DAYS} (Step Functions' one-year limit, less the margins)` });
  return out;
};

/** Messages leave Monday to Friday: quiet days that cover all five leave no day to send on. */
const quietDayProblems = (quietDays: readonly number[]): PolicyProblem[] =>
  [1, 2, 3, 4, 5].every((d) => quietDays.includes(d)) ? [{ path: 'quietDays', message: 'cover every weekday (Monday to Friday): no message could ever leave' }] : [];

const habitProblems = (p: CompanyPolicy): PolicyProblem[] => {
  const out: PolicyProblem[] = [];
  const h = p.habitualLatePayers;
  if (h.lateOf > h.outOf) out.push({ path: 'habitualLatePayers.lateOf', message: `${h.lateOf} late of the last ${h.outOf} can never happen: lateOf is at most outOf` });
  const extra = h.extraBeforeDue;
  if (!extra) return out;
  const path = 'habitualLatePayers.extraBeforeDue';
  const channels = extra.channels;
  if (new Set(channels).size !== channels.length) out.push({ path: `${path}.channels`, message: 'a channel is named twice' });
  // The timeline has one pre-due slot: where the policy already e-mails before the due date, the extra can only be its SMS.
  if (isOn(p, 'preDue') && !channels.includes('sms')) out.push({ path: `${path}.channels`, message: 'preDue already sends an e-mail before the due date: the extra for a habitual late payer is its SMS (add sms)' });
  if (!isOn(p, 'preDue') && !channels.includes('email')) out.push({ path: `${path}.channels`, message: 'must include email: the written record of the debt (SMS rides along with it)' });
  if (channels.includes('sms') && p.smsPerWeek === 0) out.push({ path: `${path}.channels`, message: 'smsPerWeek is 0 but the extra sends an SMS' });
  if (isOn(p, 'dueDate') && extra.offsetDays >= p.stages.dueDate!.offsetDays) {
    out.push({ path: `${path}.offsetDays`, message: `${extra.offsetDays} days is not before the due-date reminder (${p.stages.dueDate!.offsetDays})` });
  }
  return out;
};

/** Stages counted from the previous stage, and the policy with every offset counted from its anchor. */
const resolveOffsets = (p: CompanyPolicy): { resolved: CompanyPolicy; problems: PolicyProblem[] } => {
  const problems: PolicyProblem[] = [];
  const stages: CompanyPolicy['stages'] = {};
  let previous: number | undefined;
  for (const s of STAGE_IDS) {
    const rule = p.stages[s];
    if (!rule) continue;
    let offsetDays = rule.offsetDays;
    if (rule.from === 'previous') {
      if (s === 'receiptCheck') problems.push({ path: `stages.${s}.from`, message: 'receiptCheck counts from the issue date' });
      else if (previous === undefined) problems.push({ path: `stages.${s}.from`, message: `${s} has no stage before it to count from` });
      else if (rule.offsetDays < 1) problems.push({ path: `stages.${s}.offsetDays`, message: 'counted from the previous stage: at least 1 day' });
      else offsetDays = previous + rule.offsetDays;
    }
    stages[s] = { ...rule, offsetDays };
    if (rule.enabled && s !== 'receiptCheck') previous = offsetDays;
  }
  // An extra counted from the previous step: the stage it follows, or the extra listed before it after the same stage.
  const extraReminders = p.extraReminders.map((e, i) => {
    if (e.from !== 'previous') return e;
    const path = `extraReminders.${i}`;
    if (e.offsetDays < 1) {
      problems.push({ path: `${path}.offsetDays`, message: 'counted from the previous step: at least 1 day' });
      return e;
    }
    const offsetDays = resolvedExtra(p, stages, e);
    if (offsetDays === undefined) {
      problems.push({ path: `${path}.from`, message: `follows ${e.after}, which the policy does not list` });
      return e;
    }
    return { ...e, offsetDays };
  });
  return { resolved: { ...p, stages, extraReminders }, problems };
};

/** An extra's offset from the due date (an earlier extra after the same stage may itself count from the previous step). */
const resolvedExtra = (p: CompanyPolicy, stages: CompanyPolicy['stages'], e: CompanyExtra): number | undefined => {
  if (e.from !== 'previous') return e.offsetDays;
  const i = p.extraReminders.indexOf(e);
  const before = p.extraReminders.slice(0, i).filter((o) => o.after === e.after).at(-1);
  const base = before ? resolvedExtra(p, stages, before) : stages[e.after]?.offsetDays;
  return base === undefined ? undefined : base + e.offsetDays;
};

/**
 * The extra reminders' rules (offsets already from the due date): each follows a stage that is on,
 * comes at least a day after the step before it and before the next stage that is on, is about an
 * overdue invoice, and is written down (e-mail, SMS beside it).
 */
const extraProblems = (p: CompanyPolicy): PolicyProblem[] => {
  const out: PolicyProblem[] = [];
  const seen = new Set<string>();
  p.extraReminders.forEach((e, i) => {
    const path = `extraReminders.${i}`;
    if (seen.has(e.id)) out.push({ path: `${path}.id`, message: `${e.id} is named twice` });
    seen.add(e.id);
    if (new Set(e.channels).size !== e.channels.length) out.push({ path: `${path}.channels`, message: 'a channel is named twice' });
    if (!e.channels.includes('email')) out.push({ path: `${path}.channels`, message: 'must include email: the written record of the debt (SMS rides along with it)' });
    if (e.channels.includes('sms') && p.smsPerWeek === 0) out.push({ path: `${path}.channels`, message: 'smsPerWeek is 0 but the extra reminder sends an SMS' });
    if (!isOn(p, e.after)) {
      out.push({ path: `${path}.after`, message: `follows ${e.after}, which is off in this policy` });
      return;
    }
    if (e.offsetDays < 1) out.push({ path: `${path}.offsetDays`, message: `${e.offsetDays} days: an extra reminder is about an overdue invoice, at least 1 day after the due date` });
    if (Math.abs(e.offsetDays) > MAX_OFFSET_DAYS) out.push({ path: `${path}.offsetDays`, message: `${e.offsetDays} days is more than ${MAX_OFFSET_DAYS} days from the due date` });
    const earlier = p.extraReminders.slice(0, i).filter((o) => o.after === e.after).at(-1);
    const previous = earlier ? { name: `extra reminder ${earlier.id}`, days: earlier.offsetDays } : { name: e.after, days: p.stages[e.after]!.offsetDays };
    // The execution re-plans after each extra and then keeps minGapDays from the contact made: the
    // policy's own spacing around an extra is at least that gap, so the plan and the walk agree.
    if (e.offsetDays <= previous.days) {
      out.push({ path: `${path}.offsetDays`, message: e.offsetDays === previous.days ? `falls on the same day as ${previous.name}: no two reminders a day` : `${e.offsetDays} days comes before ${previous.name} at ${previous.days} days` });
    } else if (e.offsetDays - previous.days < p.minGapDays) {
      out.push({ path: `${path}.offsetDays`, message: `${e.offsetDays} days is less than minGapDays (${p.minGapDays}) after ${previous.name} at ${previous.days} days` });
    }
    const nextOn = STAGE_IDS.slice(stageIndex(e.after) + 1).find((s) => isOn(p, s));
    const nextAt = nextOn && p.stages[nextOn]!.offsetDays;
    const laterExtra = p.extraReminders.slice(i + 1).some((o) => o.after === e.after);
    if (nextOn && nextAt !== undefined && e.offsetDays >= nextAt) {
      out.push({ path: `${path}.offsetDays`, message: `${e.offsetDays} days is not before ${nextOn} at ${nextAt} days: list it after ${nextOn}` });
    } else if (nextOn && nextAt !== undefined && !laterExtra && nextOn !== 'creditHold' && nextOn !== 'escalation' && nextAt - e.offsetDays < p.minGapDays) {
      // (A credit hold or hand-off has its own check: minGapDays after the last written reminder.)
      out.push({ path: `${path}.offsetDays`, message: `${nextOn} at ${nextAt} days comes less than minGapDays (${p.minGapDays}) after it` });
    }
  });
  return out;
};

/** Every problem of a candidate policy, each with its path; the parsed policy when there is none. */
export const validateCompanyPolicy = (input: unknown): { ok: true; policy: CompanyPolicy } | { ok: false; problems: PolicyProblem[] } => {
  const parsed = CompanyPolicy.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
  const { resolved, problems: offsetProblems } = resolveOffsets(parsed.data);
  const problems = [...offsetProblems, ...channelProblems(resolved), ...(offsetProblems.length > 0 ? [] : timelineProblems(resolved))];
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy: parsed.data };
};

/** The runtime policy of a validated company policy at a stored version. */
export const compilePolicy = (written: CompanyPolicy, version: number): Policy => {
  const p = resolveOffsets(written).resolved;
  // A stage left out is off; it carries the offset of the stage before it so the plan stays in order.
  let carry = 0;
  const stages = Object.fromEntries(
    STAGE_IDS.map((s) => {
      const rule = p.stages[s];
      const fromPrevious = written.stages[s]?.from === 'previous' ? { afterPreviousDays: written.stages[s]!.offsetDays } : {};
      if (rule && s !== 'receiptCheck') carry = rule.offsetDays;
      return [s, {
        enabled: rule?.enabled ?? false,
        offsetDays: rule?.offsetDays ?? (s === 'receiptCheck' ? 0 : carry),
        sms: channelsOf(p, s).includes('sms'),
        ...(rule?.tone ? { tone: rule.tone } : {}),
        ...fromPrevious,
      }];
    }),
  );
  const threshold = (t: { minDaysLate: number; minAmountMinor: Record<string, number> }) =>
    t.minDaysLate > 0 || Object.keys(t.minAmountMinor).length > 0 ? { minDaysLate: t.minDaysLate, minAmountMinor: t.minAmountMinor } : undefined;
  const hold = threshold(p.creditHold);
  const handOff = threshold(p.escalation);
  return Policy.parse({
    id: p.id,
    version,
    name: p.name,
    tone: p.tone,
    stages,
    extraReminders: p.extraReminders.map((e, i) => extraRuleOf(e, written.extraReminders[i]!)),
    minGapDays: p.minGapDays,
    sendWindow: p.sendWindow,
    quietDays: p.quietDays,
    showInterest: p.interest.claimed,
    showCompensation: p.compensation.claimed,
    ...(p.interest.fromStage ? { interestFromStage: p.interest.fromStage } : {}),
    emailsPerWeek: p.emailsPerWeek,
    smsPerWeek: p.smsPerWeek,
    escalation: p.escalation.mode,
    ...(hold ? { creditHoldThreshold: hold } : {}),
    ...(handOff ? { escalationThreshold: handOff } : {}),
    promises: { graceDays: p.promises.graceDays },
    plans: { graceDays: p.plans.graceDays, reminderDaysBefore: p.plans.reminderDaysBefore },
    habitual: habitualOf(p.habitualLatePayers),
  });
};

const extraRuleOf = (resolved: CompanyExtra, written: CompanyExtra): ExtraRule => ({
  id: resolved.id,
  after: resolved.after,
  offsetDays: resolved.offsetDays,
  sms: resolved.channels.includes('sms'),
  ...(resolved.tone ? { tone: resolved.tone } : {}),
  ...(written.from === 'previous' ? { afterPreviousDays: written.offsetDays } : {}),
});

const habitualOf = (h: CompanyPolicy['habitualLatePayers']): Policy['habitual'] => ({
  lateOf: h.lateOf,
  outOf: h.outOf,
  minDaysLate: h.minDaysLate,
  ...(h.extraBeforeDue ? { extraBeforeDue: { offsetDays: h.extraBeforeDue.offsetDays, sms: h.extraBeforeDue.channels.includes('sms') } } : {}),
});

/** A built-in policy written the way a company writes its own: the preset to copy from. */
export const asCompanyPolicy = (p: Policy, id: string, name: string): CompanyPolicy => ({
  id,
  name,
  tone: p.tone,
  stages: Object.fromEntries(
    STAGE_IDS.map((s) => {
      const r = p.stages[s]!;
      const channels: Channel[] = STAGE_ACTION[s] === 'call' ? ['call'] : r.sms ? ['email', 'sms'] : ['email'];
      return [s, { enabled: r.enabled, offsetDays: r.offsetDays, from: 'due' as const, channels, ...(r.tone ? { tone: r.tone } : {}) }];
    }),
  ),
  extraReminders: p.extraReminders.map((e) => ({ id: e.id, after: e.after as CompanyExtra['after'], offsetDays: e.offsetDays, from: 'due' as const, channels: e.sms ? ['email' as const, 'sms' as const] : ['email' as const], ...(e.tone ? { tone: e.tone } : {}) })),
  minGapDays: p.minGapDays,
  emailsPerWeek: p.emailsPerWeek,
  smsPerWeek: p.smsPerWeek,
  sendWindow: { ...p.sendWindow },
  quietDays: [...p.quietDays],
  creditHold: { minDaysLate: p.creditHoldThreshold?.minDaysLate ?? 0, minAmountMinor: { ...p.creditHoldThreshold?.minAmountMinor } },
  escalation: { minDaysLate: p.escalationThreshold?.minDaysLate ?? 0, minAmountMinor: { ...p.escalationThreshold?.minAmountMinor }, mode: p.escalation },
  interest: { claimed: p.showInterest, ...(p.interestFromStage ? { fromStage: p.interestFromStage } : {}) },
  compensation: { claimed: p.showCompensation },
  promises: { graceDays: p.promises.graceDays },
  plans: { graceDays: p.plans.graceDays, reminderDaysBefore: p.plans.reminderDaysBefore },
  habitualLatePayers: {
    lateOf: p.habitual.lateOf,
    outOf: p.habitual.outOf,
    minDaysLate: p.habitual.minDaysLate,
    ...(p.habitual.extraBeforeDue ? { extraBeforeDue: { offsetDays: p.habitual.extraBeforeDue.offsetDays, channels: p.habitual.extraBeforeDue.sms ? ['email', 'sms'] : ['email'] } } : {}),
  },
});
