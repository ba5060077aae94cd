import { describe, expect, it } from 'vitest';
import { validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

const stage = (offsetDays: number, enabled = true) => ({ enabled, offsetDays, channels: ['email'] });
const valid = () => ({
  id: 'four-step',
  name: 'Four steps',
  tone: 'firm',
  minGapDays: 5,
  stages: {
    receiptCheck: stage(2, false), preDue: stage(-5), dueDate: stage(0), firstOverdue: stage(7),
    secondOverdue: stage(14, false), phoneCall: stage(15, false), creditHold: stage(30), escalation: stage(45, false),
  },
});

describe('validateCompanyPolicy', () => {
  it('accepts a four-step policy and fills the defaults', () => {
    const r = validateCompanyPolicy(valid());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.policy).toMatchObject({ version: 1, quietDays: [], sendWindow: { from: '09:00', to: '18:00' } });
  });

  it('refuses a built-in id and a bad slug, each with its path', () => {
    const r = validateCompanyPolicy({ ...valid(), id: 'standard', sendWindow: { from: '9am', to: '18:00' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path).sort()).toEqual(['id', 'sendWindow.from']);
  });

  it('lists every timeline problem: hold first, no written reminder, same day, empty window', () => {
    const p = valid();
    for (const s of ['preDue', 'dueDate', 'firstOverdue'] as const) p.stages[s].enabled = false;
    p.stages.escalation = stage(30);
    const r = validateCompanyPolicy({ ...p, sendWindow: { from: '18:00', to: '09:00' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual(expect.arrayContaining([
        { path: 'stages.creditHold', message: 'creditHold cannot be the first stage' },
        { path: 'stages.creditHold', message: 'creditHold needs at least one written reminder before it' },
        { path: 'stages.escalation.offsetDays', message: 'escalation falls on the same day as creditHold: no two reminders a day' },
        { path: 'sendWindow', message: 'send window 18:00-09:00 is empty' },
      ]));
    }
  });

  it('refuses a hold closer than minGapDays to the last written reminder', () => {
    const p = valid();
    p.stages.creditHold = stage(9);
    const r = validateCompanyPolicy(p);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((x) => x.path)).toEqual(['stages.creditHold.offsetDays']);
  });
});
