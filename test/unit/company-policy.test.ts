import { describe, expect, it } from 'vitest';
import { asCompanyPolicy, compilePolicy, validateCompanyPolicy, type CompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { STAGE_IDS } from '../../lambdas/domain/timeline/stages.js';

/** A company's own four-step policy: two e-mails, an e-mail with SMS, a credit hold. */
const fourStep = () => ({
  id: 'four-step',
  name: 'Four steps',
  tone: 'firm',
  minGapDays: 5,
  stages: {
    dueDate: { offsetDays: 0 },
    firstOverdue: { offsetDays: 7 },
    secondOverdue: { offsetDays: 14, channels: ['email', 'sms'] },
    creditHold: { offsetDays: 30 },
  } as Record<string, Record<string, unknown>>,
});

const problemsOf = (input: unknown) => {
  const r = validateCompanyPolicy(input);
  return r.ok ? [] : r.problems;
};

describe('validateCompanyPolicy', () => {
  it('accepts a four-step policy; the stages it does not list are off', () => {
    const r = validateCompanyPolicy(fourStep());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = compilePolicy(r.policy, 3);
    expect(STAGE_IDS.filter((s) => p.stages[s]!.enabled)).toEqual(['dueDate', 'firstOverdue', 'secondOverdue', 'creditHold']);
    expect(p).toMatchObject({ id: 'four-step', version: 3, tone: 'firm', sendWindow: { from: '09:00', to: '18:00' } });
    expect(p.stages.secondOverdue!.sms).toBe(true);
    expect(p.stages.firstOverdue!.sms).toBe(false);
  });

  it('refuses a built-in id and a bad slug, each with its path', () => {
    const problems = problemsOf({ ...fourStep(), id: 'standard', sendWindow: { from: '9am', to: '18:00' } });
    expect(problems.map((p) => p.path).sort()).toEqual(['id', 'sendWindow.from']);
  });

  it('refuses a hand-off before any reminder, listing every reason', () => {
    const p = fourStep();
    p.stages = { escalation: { offsetDays: 10 }, dueDate: { offsetDays: 20 } };
    const problems = problemsOf({ ...p, sendWindow: { from: '18:00', to: '09:00' } });
    expect(problems).toEqual(expect.arrayContaining([
      { path: 'stages.escalation', message: 'escalation cannot be the first stage' },
      { path: 'stages.escalation', message: 'escalation needs at least one written reminder before it' },
      { path: 'stages.escalation.offsetDays', message: 'escalation at 10 days comes before dueDate at 20 days' },
      { path: 'sendWindow', message: 'send window 18:00-09:00 is empty' },
    ]));
  });

  it('refuses two stages on one day and a hold within minGapDays of the last reminder', () => {
    const p = fourStep();
    p.stages.firstOverdue = { offsetDays: 0 };
    p.stages.creditHold = { offsetDays: 17 };
    expect(problemsOf(p)).toEqual([
      { path: 'stages.firstOverdue.offsetDays', message: 'firstOverdue falls on the same day as dueDate: no two reminders a day' },
      { path: 'stages.creditHold.offsetDays', message: 'creditHold comes less than minGapDays (5) after the last written reminder' },
    ]);
  });

  it('refuses channels the timeline cannot send: SMS without the e-mail, a call on a written stage, SMS with no SMS allowed', () => {
    const p = fourStep();
    p.stages.firstOverdue = { offsetDays: 7, channels: ['sms'] };
    p.stages.phoneCall = { offsetDays: 20, channels: ['email'] };
    const problems = problemsOf({ ...p, smsPerWeek: 0 });
    expect(problems.map((x) => x.path)).toEqual(['stages.firstOverdue.channels', 'stages.phoneCall.channels', 'smsPerWeek']);
    expect(problems[2]!.message).toBe('is 0 but firstOverdue, secondOverdue send SMS');
  });

  it('refuses a policy with no written reminder at all, and interest from a stage before the due date', () => {
    const problems = problemsOf({ ...fourStep(), stages: { phoneCall: { offsetDays: 10 } }, interest: { claimed: true, fromStage: 'preDue' } });
    expect(problems.map((x) => x.path)).toEqual(['stages', 'interest.fromStage']);
  });
});

describe('compilePolicy', () => {
  it('carries thresholds, claims, tones and the promise grace into the runtime policy', () => {
    const r = validateCompanyPolicy({
      ...fourStep(),
      stages: { ...fourStep().stages, firstOverdue: { offsetDays: 7, tone: 'gentle' } },
      creditHold: { minDaysLate: 40, minAmountMinor: { EUR: 50_000 } },
      interest: { claimed: true, fromStage: 'firstOverdue' },
      compensation: { claimed: false },
      promises: { graceDays: 3 },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = compilePolicy(r.policy, 1);
    expect(p.creditHoldThreshold).toEqual({ minDaysLate: 40, minAmountMinor: { EUR: 50_000 } });
    expect(p.escalationThreshold).toBeUndefined();
    expect(p).toMatchObject({ showInterest: true, showCompensation: false, interestFromStage: 'firstOverdue', promises: { graceDays: 3 } });
    expect(p.stages.firstOverdue!.tone).toBe('gentle');
    // A stage left out keeps the offset before it, so the plan's instants stay in order.
    expect(p.stages.phoneCall).toEqual({ enabled: false, offsetDays: 14, sms: false });
  });

  it('a preset written as a company policy compiles back to the same timeline', () => {
    for (const id of ['relationship', 'standard', 'firm'] as const) {
      const preset = asCompanyPolicy(BUILT_IN_POLICIES[id], `my-${id}`, id);
      const r = validateCompanyPolicy(preset);
      expect(r.ok, id).toBe(true);
      const back = compilePolicy((r as { policy: CompanyPolicy }).policy, 1);
      expect(back.stages).toEqual(BUILT_IN_POLICIES[id].stages);
      expect({ ...back, id, name: undefined, stages: undefined }).toEqual({ ...BUILT_IN_POLICIES[id], name: undefined, stages: undefined });
    }
  });
});
