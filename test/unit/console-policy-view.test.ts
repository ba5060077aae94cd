/** How the console lays out a company policy (console/src/pages/policy-view.ts). */
import { describe, expect, it } from 'vitest';
import { STAGE_ORDER, policyJson, stageRows } from '../../console/src/pages/policy-view.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';
import { presetOf } from '../../lambdas/app/policies/manage-policies.js';
import type { components } from '../../console/src/api/schema.js';

type CompanyPolicy = components['schemas']['CompanyPolicy'];

describe('a policy in the console', () => {
  it('keeps the state machine\'s order of the stages', () => {
    expect([...STAGE_ORDER]).toEqual([...STAGE_IDS]);
  });

  it('lists the stages that are on, in order, with the extra reminders after the stage they follow', () => {
    const p = {
      id: 'rossi',
      name: 'Rossi',
      tone: 'standard',
      stages: {
        secondOverdue: { offsetDays: 7, from: 'previous', channels: ['email', 'sms'] },
        preDue: { offsetDays: -5 },
        dueDate: { offsetDays: 0, enabled: false },
        phoneCall: { offsetDays: 20 },
        firstOverdue: { offsetDays: 3, tone: 'gentle' },
      },
      extraReminders: [{ id: 'nudge', after: 'firstOverdue', offsetDays: 5, channels: ['sms'] }],
    } as unknown as CompanyPolicy;
    expect(stageRows(p).map((r) => [r.key, r.offsetDays, r.fromPrevious, r.channels.join('+'), r.tone ?? ''])).toEqual([
      ['preDue', -5, false, 'email', ''],
      ['firstOverdue', 3, false, 'email', 'gentle'],
      ['extra-nudge', 5, false, 'sms', ''],
      ['secondOverdue', 7, true, 'email+sms', ''],
      ['phoneCall', 20, false, 'call', ''],
    ]);
  });

  it('offers a preset as a copy with an id and a name of its own, a company policy as it is', () => {
    const standard = presetOf('standard') as unknown as CompanyPolicy;
    const copy = JSON.parse(policyJson(standard, true)) as CompanyPolicy;
    expect(copy).toEqual({ ...standard, id: 'standard-own', name: `${standard.name} (own)` });
    expect(JSON.parse(policyJson(standard, false))).toEqual(standard);
  });
});
