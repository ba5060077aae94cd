/**
 * The three built-in chase policies and how one is chosen for a customer. Offsets are days from
 * the issue date (receiptCheck) or the due date (every other stage).
 */
import { Policy, type Customer, type PolicyId, type PolicyRef, type StageRule, type Tenant } from '../model.js';
import { lazySchema } from '../shared/lazy-schema.js';
import { STAGE_IDS, WRITTEN_STAGES, type Stage } from './stages.js';

const on = (offsetDays: number, sms = false): StageRule => ({ enabled: true, offsetDays, sms });
const off = (offsetDays: number): StageRule => ({ enabled: false, offsetDays, sms: false });

/** Shared by every caller: frozen so that no caller can change another's policy. */
const frozen = (p: Policy): Policy => {
  for (const rule of Object.values(p.stages)) Object.freeze(rule);
  Object.freeze(p.stages);
  Object.freeze(p.sendWindow);
  return Object.freeze(p);
};

/** Offsets further than this from their anchor are a typing error, not a policy. */
export const MAX_OFFSET_DAYS = 366;

/** Parsed when first read: parsing them at import would build the Policy schema in every cold start. */
export const BUILT_IN_POLICIES: Readonly<Record<PolicyId, Policy>> = lazySchema(() => ({
  /** Key accounts: gentler words, longer gaps, no SMS, a call well before any credit hold. */
  relationship: frozen(Policy.parse({
    id: 'relationship',
    tone: 'gentle',
    minGapDays: 7,
    smsPerWeek: 0,
    escalation: 'prepare',
    // A key account's payables run weekly: five days' notice of an instalment lets it into the next run.
    plans: { reminderDaysBefore: 5 },
    stages: {
      receiptCheck: on(2),
      preDue: on(-10),
      dueDate: on(0),
      firstOverdue: on(10),
      secondOverdue: on(21),
      phoneCall: on(25),
      creditHold: on(45),
      escalation: on(60),
    },
  })),
  standard: frozen(Policy.parse({
    id: 'standard',
    tone: 'standard',
    minGapDays: 5,
    // Three days: time to schedule a SEPA transfer (a day to arrive) with a working day to spare.
    plans: { reminderDaysBefore: 3 },
    stages: {
      receiptCheck: off(3),
      preDue: on(-7),
      dueDate: on(0),
      firstOverdue: on(7),
      secondOverdue: on(14, true),
      phoneCall: on(15),
      creditHold: on(30, true),
      escalation: on(45),
    },
  })),
  /** Chronic late payers: shorter gaps, SMS from the due date, credit hold at +15. */
  firm: frozen(Policy.parse({
    id: 'firm',
    tone: 'firm',
    minGapDays: 3,
    emailsPerWeek: 3,
    smsPerWeek: 2,
    // Chronic late payers forget what is far off: two days ahead, close enough to act on it, and the
    // plan's one chance to be kept without a follow-up.
    plans: { reminderDaysBefore: 2 },
    stages: {
      receiptCheck: off(2),
      preDue: on(-5),
      dueDate: on(0, true),
      firstOverdue: on(5, true),
      secondOverdue: on(10, true),
      phoneCall: on(12),
      creditHold: on(15, true),
      escalation: on(30),
    },
  })),
}));

export const isBuiltInPolicy = (ref: string): ref is PolicyId => Object.hasOwn(BUILT_IN_POLICIES, ref);

/** The policy used when the one named no longer exists (a company policy deleted, a typing error in a file). */
export const FALLBACK_POLICY: PolicyId = 'standard';

export interface PolicyChoice {
  ref: PolicyRef;
  via: 'customer' | 'segment' | 'default';
}

/** Which policy chases a customer: its own, else its segment's, else the company default. */
export const policyRefFor = (customer: Pick<Customer, 'policy' | 'segment'>, tenant: Pick<Tenant, 'defaultPolicy'> & Partial<Pick<Tenant, 'segmentPolicies'>>): PolicyChoice => {
  if (customer.policy) return { ref: customer.policy, via: 'customer' };
  const bySegment = customer.segment ? tenant.segmentPolicies?.[customer.segment] : undefined;
  if (bySegment) return { ref: bySegment, via: 'segment' };
  return { ref: tenant.defaultPolicy, via: 'default' };
};

/**
 * The customer's policy among the built-ins and the company's own (`company`, by id, latest
 * versions); one that no longer exists falls back to the company default, then to FALLBACK_POLICY.
 */
export const policyFor = (
  customer: Pick<Customer, 'policy' | 'segment'>,
  tenant: Pick<Tenant, 'defaultPolicy'> & Partial<Pick<Tenant, 'segmentPolicies'>>,
  company: ReadonlyMap<string, Policy> = new Map(),
): Policy => {
  const find = (ref: string): Policy | undefined => (isBuiltInPolicy(ref) ? BUILT_IN_POLICIES[ref] : company.get(ref));
  return find(policyRefFor(customer, tenant).ref) ?? find(tenant.defaultPolicy) ?? BUILT_IN_POLICIES[FALLBACK_POLICY];
};

/**
 * What makes a custom policy unusable, one sentence per problem (empty when it is fine). The
 * state machine walks the stages in a fixed order, so due-anchored offsets may not go backwards,
 * and a credit hold or escalation needs a written reminder before it.
 */
export const checkPolicy = (p: Policy): string[] => {
  const problems: string[] = [];
  const missing = STAGE_IDS.filter((s) => !p.stages[s]);
  if (missing.length > 0) problems.push(`stages missing: ${missing.join(', ')}`);
  for (const s of STAGE_IDS) {
    const offset = p.stages[s]?.offsetDays ?? 0;
    if (Math.abs(offset) > MAX_OFFSET_DAYS) problems.push(`${s} at ${offset} days is more than ${MAX_OFFSET_DAYS} days from its anchor`);
  }
  const receipt = p.stages.receiptCheck;
  if (receipt?.enabled && receipt.offsetDays < 0) problems.push(`receiptCheck at ${receipt.offsetDays} days comes before the invoice is issued`);
  let previous: { stage: Stage; offset: number } | undefined;
  for (const s of STAGE_IDS) {
    const rule = p.stages[s];
    if (!rule?.enabled || s === 'receiptCheck') continue;
    if (previous && rule.offsetDays < previous.offset) {
      problems.push(`${s} at ${rule.offsetDays} days comes before ${previous.stage} at ${previous.offset} days`);
    }
    previous = { stage: s, offset: rule.offsetDays };
  }
  const written = WRITTEN_STAGES.some((s) => p.stages[s]?.enabled);
  for (const s of ['creditHold', 'escalation'] as const) {
    if (p.stages[s]?.enabled && !written) problems.push(`${s} is enabled but no written reminder precedes it`);
  }
  if (p.sendWindow.from >= p.sendWindow.to) problems.push(`send window ${p.sendWindow.from}-${p.sendWindow.to} is empty`);
  return problems;
};
