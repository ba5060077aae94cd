import { describe, expect, it } from 'vitest';
import { Policy, POLICY_IDS } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES, checkPolicy, policyFor } from '../../lambdas/domain/policies.js';

describe('policies', () => {
  it.each(POLICY_IDS)('built-in %s is valid', (id) => {
    expect(checkPolicy(BUILT_IN_POLICIES[id])).toEqual([]);
  });

  it("takes the customer's policy, else the supplier's default", () => {
    expect(policyFor({ policy: 'firm' }, { defaultPolicy: 'standard' }).id).toBe('firm');
    expect(policyFor({}, { defaultPolicy: 'relationship' }).id).toBe('relationship');
  });

  it('rejects a custom policy whose stages go backwards or that holds credit without a written reminder', () => {
    const base = BUILT_IN_POLICIES.standard;
    const backwards = Policy.parse({ ...base, stages: { ...base.stages, secondOverdue: { enabled: true, offsetDays: 3 } } });
    expect(checkPolicy(backwards)).toEqual(['secondOverdue at 3 days comes before firstOverdue at 7 days']);
    const silent = Policy.parse({
      ...base,
      stages: Object.fromEntries(Object.entries(base.stages).map(([s, r]) => [s, { ...r, enabled: s === 'creditHold' }])),
    });
    expect(checkPolicy(silent)).toEqual(['creditHold is enabled but no written reminder precedes it']);
    const emptyWindow = Policy.parse({ ...base, sendWindow: { from: '18:00', to: '09:00' } });
    expect(checkPolicy(emptyWindow)).toEqual(['send window 18:00-09:00 is empty']);
  });
});
