/**
 * A company's own chase policy (issue 17 item 1): the schema and the one validation that lists
 * every problem with its path, zod's and the timeline rules of checkPolicy alike.
 */
import * as z from 'zod/mini';
import { Currency, HourMinute, POLICY_IDS, StageId, Tone } from '../model.js';
import { MAX_OFFSET_DAYS } from './policies.js';
import { STAGE_IDS, WRITTEN_STAGES, type Stage } from './stages.js';

const Slug = z.string().check(
  z.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'a slug: lower-case letters, digits and single hyphens'),
  z.maxLength(64),
  z.refine((s) => !(POLICY_IDS as readonly string[]).includes(s), { message: 'is a built-in policy id (read-only); pick another' }),
);

export const Channel = z.enum(['email', 'sms', 'call']);

const CompanyStage = z.object({
  enabled: z.boolean(),
  offsetDays: z.int(),
  channels: z.array(Channel).check(z.minLength(1, 'at least one channel')),
  tone: z.optional(Tone),
});

const Threshold = z.object({
  minDaysLate: z.int().check(z.minimum(0)),
  /** Currency → minimum open amount in minor units. */
  minAmountMinor: z._default(z.record(Currency, z.int().check(z.minimum(0))), {}),
});

export const CompanyPolicy = z.object({
  id: Slug,
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  version: z._default(z.int().check(z.minimum(1)), 1),
  tone: Tone,
  stages: z.record(StageId, CompanyStage),
  minGapDays: z._default(z.int().check(z.minimum(1)), 5),
  emailsPerWeek: z._default(z.int().check(z.minimum(1)), 3),
  smsPerWeek: z._default(z.int().check(z.minimum(0)), 1),
  sendWindow: z._default(z.object({ from: HourMinute, to: HourMinute }), { from: '09:00', to: '18:00' }),
  /** ISO weekdays (1 = Monday … 7 = Sunday) with no sends. */
  quietDays: z._default(z.array(z.int().check(z.minimum(1), z.maximum(7))), []),
  creditHold: z.optional(Threshold),
  escalation: z.optional(z.object({ ...Threshold.shape, mode: z._default(z.enum(['send', 'prepare']), 'send') })),
  interest: z._default(z.object({ claimed: z.boolean(), fromStage: z.optional(StageId) }), { claimed: true }),
  compensation: z._default(z.object({ claimed: z.boolean(), fromStage: z.optional(StageId) }), { claimed: true }),
  promises: z._default(z.object({ graceDays: z.int().check(z.minimum(0), z.maximum(30)) }), { graceDays: 2 }),
  plans: z._default(z.object({ graceDays: z.int().check(z.minimum(0), z.maximum(30)) }), { graceDays: 5 }),
});
export type CompanyPolicy = z.infer<typeof CompanyPolicy>;

export interface PolicyProblem { path: string; message: string }

const pathOf = (p: readonly PropertyKey[]): string => p.map(String).join('.');

/** The timeline rules on a policy that parsed: the state machine walks the stages in a fixed order. */
const timelineProblems = (p: CompanyPolicy): PolicyProblem[] => {
  const out: PolicyProblem[] = [];
  const missing = STAGE_IDS.filter((s) => !p.stages[s]);
  if (missing.length > 0) out.push({ path: 'stages', message: `stages missing: ${missing.join(', ')}` });
  const enabled = STAGE_IDS.filter((s) => s !== 'receiptCheck' && p.stages[s]?.enabled);
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
  if (p.stages.receiptCheck?.enabled && p.stages.receiptCheck.offsetDays < 0) {
    out.push({ path: 'stages.receiptCheck.offsetDays', message: 'comes before the invoice is issued' });
  }
  for (const s of ['creditHold', 'escalation'] as const) {
    if (!p.stages[s]?.enabled) continue;
    if (enabled[0] === s) out.push({ path: `stages.${s}`, message: `${s} cannot be the first stage` });
    const before = WRITTEN_STAGES.filter((w) => p.stages[w]?.enabled && p.stages[w]!.offsetDays <= p.stages[s]!.offsetDays);
    if (before.length === 0) out.push({ path: `stages.${s}`, message: `${s} needs at least one written reminder before it` });
    else {
      const last = Math.max(...before.map((w) => p.stages[w]!.offsetDays));
      if (p.stages[s]!.offsetDays - last < p.minGapDays) {
        out.push({ path: `stages.${s}.offsetDays`, message: `${s} comes less than minGapDays (${p.minGapDays}) after the last written reminder` });
      }
    }
  }
  if (p.sendWindow.from >= p.sendWindow.to) out.push({ path: 'sendWindow', message: `send window ${p.sendWindow.from}-${p.sendWindow.to} is empty` });
  return out;
};

/** Every problem of a candidate policy, each with its path; the parsed policy when there is none. */
export const validateCompanyPolicy = (input: unknown): { ok: true; policy: CompanyPolicy } | { ok: false; problems: PolicyProblem[] } => {
  const parsed = CompanyPolicy.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: pathOf(i.path), message: i.message })) };
  const problems = timelineProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, policy: parsed.data };
};
