import { describe, expect, it } from 'vitest';
import { Policy, POLICY_IDS, type PolicyId } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES, checkPolicy, policyFor } from '../../lambdas/domain/timeline/policies.js';
import { STAGE_IDS, type Stage } from '../../lambdas/domain/timeline/stages.js';

/** The schedules the product brief asks for: [enabled, offset, sms] per stage. */
const SPEC: Record<PolicyId, { tone: string; minGapDays: number; escalation: string; stages: Record<Stage, [boolean, number, boolean]> }> = {
  standard: {
    tone: 'standard',
    minGapDays: 5,
    escalation: 'send',
    stages: {
      receiptCheck: [false, 3, false],
      preDue: [true, -7, false],
      dueDate: [true, 0, false],
      firstOverdue: [true, 7, false],
      secondOverdue: [true, 14, true],
      phoneCall: [true, 15, false],
      creditHold: [true, 30, true],
      escalation: [true, 45, false],
    },
  },
  relationship: {
    tone: 'gentle',
    minGapDays: 7,
    escalation: 'prepare',
    stages: {
      receiptCheck: [true, 2, false],
      preDue: [true, -10, false],
      dueDate: [true, 0, false],
      firstOverdue: [true, 10, false],
      secondOverdue: [true, 21, false],
      phoneCall: [true, 25, false],
      creditHold: [true, 45, false],
      escalation: [true, 60, false],
    },
  },
  firm: {
    tone: 'firm',
    minGapDays: 3,
    escalation: 'send',
    stages: {
      receiptCheck: [false, 2, false],
      preDue: [true, -5, false],
      dueDate: [true, 0, true],
      firstOverdue: [true, 5, true],
      secondOverdue: [true, 10, true],
      phoneCall: [true, 12, false],
      creditHold: [true, 15, true],
      escalation: [true, 30, false],
    },
  },
};

describe('the built-in policies', () => {
  it.each(POLICY_IDS)('%s has the agreed stages, offsets, channels, tone and gap', (id) => {
    const p = BUILT_IN_POLICIES[id];
    const spec = SPEC[id];
    expect({ tone: p.tone, minGapDays: p.minGapDays, escalation: p.escalation }).toEqual({
      tone: spec.tone,
      minGapDays: spec.minGapDays,
      escalation: spec.escalation,
    });
    for (const s of STAGE_IDS) expect([p.stages[s]!.enabled, p.stages[s]!.offsetDays, p.stages[s]!.sms], s).toEqual(spec.stages[s]);
    expect(p.sendWindow).toEqual({ from: '09:00', to: '18:00' });
  });

  it.each(POLICY_IDS)('%s passes its own validation and the schema', (id) => {
    expect(checkPolicy(BUILT_IN_POLICIES[id])).toEqual([]);
    expect(Policy.parse(JSON.parse(JSON.stringify(BUILT_IN_POLICIES[id])))).toEqual(BUILT_IN_POLICIES[id]);
  });

  it('relationship calls well before any credit hold and sends no SMS at all', () => {
    const r = BUILT_IN_POLICIES.relationship;
    expect(r.stages.creditHold!.offsetDays - r.stages.phoneCall!.offsetDays).toBeGreaterThanOrEqual(14);
    expect(r.smsPerWeek).toBe(0);
  });

  it('cannot be changed by one caller under another', () => {
    const p = BUILT_IN_POLICIES.standard;
    expect(() => {
      (p.stages.creditHold as { offsetDays: number }).offsetDays = 1;
    }).toThrow(TypeError);
    expect(BUILT_IN_POLICIES.standard.stages.creditHold!.offsetDays).toBe(30);
  });
});

describe('policyFor', () => {
  it("takes the customer's policy, else the supplier's default", () => {
    expect(policyFor({ policy: 'firm' }, { defaultPolicy: 'standard' }).id).toBe('firm');
    expect(policyFor({}, { defaultPolicy: 'relationship' }).id).toBe('relationship');
  });
});

describe('checkPolicy (accepting a custom policy)', () => {
  const base = BUILT_IN_POLICIES.standard;
  const withStages = (over: Partial<Record<Stage, { enabled: boolean; offsetDays: number }>>) =>
    Policy.parse({ ...base, id: 'custom', stages: { ...base.stages, ...over } });

  it('rejects due-anchored stages that go backwards, since the state machine walks them in one order', () => {
    expect(checkPolicy(withStages({ secondOverdue: { enabled: true, offsetDays: 3 } }))).toEqual([
      'secondOverdue at 3 days comes before firstOverdue at 7 days',
    ]);
    // A disabled stage does not count, and the issue-anchored receipt check is outside the order.
    expect(checkPolicy(withStages({ firstOverdue: { enabled: false, offsetDays: 99 }, receiptCheck: { enabled: true, offsetDays: 40 } }))).toEqual([]);
  });

  it('rejects a credit hold or an escalation without any written reminder before it', () => {
    const silent = Policy.parse({
      ...base,
      stages: Object.fromEntries(Object.entries(base.stages).map(([s, r]) => [s, { ...r, enabled: s === 'creditHold' || s === 'escalation' }])),
    });
    expect(checkPolicy(silent)).toEqual([
      'creditHold is enabled but no written reminder precedes it',
      'escalation is enabled but no written reminder precedes it',
    ]);
  });

  it('rejects missing stages, absurd offsets, a receipt check before issue and an empty send window', () => {
    const { escalation: _, ...fewer } = base.stages;
    // The schema already requires every stage; checkPolicy also guards objects built in code.
    expect(() => Policy.parse({ ...base, stages: fewer })).toThrow();
    expect(checkPolicy({ ...base, stages: fewer } as Policy)).toEqual(['stages missing: escalation']);
    expect(checkPolicy(withStages({ escalation: { enabled: true, offsetDays: 4500 } }))).toEqual(['escalation at 4500 days is more than 366 days from its anchor']);
    expect(checkPolicy(withStages({ receiptCheck: { enabled: true, offsetDays: -1 } }))).toEqual(['receiptCheck at -1 days comes before the invoice is issued']);
    expect(checkPolicy(Policy.parse({ ...base, sendWindow: { from: '18:00', to: '09:00' } }))).toEqual(['send window 18:00-09:00 is empty']);
  });
});
