/** A company policy's extra written reminders: the checks, the compiled rules, the plan and its walk, the message. */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, Tenant, type CustomerInput, type Policy } from '../../lambdas/domain/model.js';
import { compilePolicy, validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { walkTimeline } from '../../lambdas/domain/timeline/walk.js';
import { previewPolicy } from '../../lambdas/domain/timeline/policy-preview.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';
import { localDay } from '../../lambdas/domain/shared/days.js';

const tenant = Tenant.parse({
  tenantId: 't1', name: 'Officine Rossi S.r.l.', email: 'amministrazione@officinerossi.example', iban: 'IT60X0542811101000000123456',
  country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['finance@officinerossi.example'],
});
const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({ tenantId: 't1', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', phone: '+393470000001', ...over });
// Due Monday 16 February 2026.
const invoice = Invoice.parse({
  tenantId: 't1', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
  status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z',
});

const STAGES = { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 30 }, creditHold: { offsetDays: 45 } };
const written = (extraReminders: unknown[], over: Record<string, unknown> = {}) => ({ id: 'with-extras', name: 'With extras', tone: 'standard', stages: STAGES, extraReminders, ...over });
const company = (extraReminders: unknown[], over: Record<string, unknown> = {}): Policy => {
  const r = validateCompanyPolicy(written(extraReminders, over));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return compilePolicy(r.policy, 1);
};
const problems = (extraReminders: unknown[], over: Record<string, unknown> = {}) => {
  const r = validateCompanyPolicy(written(extraReminders, over));
  return r.ok ? [] : r.problems;
};
const day = (iso: string) => localDay(new Date(iso), 'Europe/Rome');

describe('extra reminders in a company policy', () => {
  it('refuses every misplaced or unwritten extra, each with its path', () => {
    const found = problems([
      { id: 'early', after: 'secondOverdue', offsetDays: 25 }, // before secondOverdue at 30
      { id: 'late', after: 'secondOverdue', offsetDays: 45 }, // the day of the credit hold
      { id: 'texts', after: 'secondOverdue', offsetDays: 35, channels: ['sms'] },
      { id: 'texts', after: 'secondOverdue', offsetDays: 36 },
    ]);
    expect(found).toEqual([
      // The extra at 45 is a written reminder on the hold's own day.
      { path: 'stages.creditHold.offsetDays', message: 'creditHold comes less than minGapDays (5) after the last written reminder' },
      { path: 'extraReminders.0.offsetDays', message: '25 days comes before secondOverdue at 30 days' },
      { path: 'extraReminders.1.offsetDays', message: '45 days is not before creditHold at 45 days: list it after creditHold' },
      { path: 'extraReminders.2.channels', message: 'must include email: the written record of the debt (SMS rides along with it)' },
      { path: 'extraReminders.2.offsetDays', message: '35 days comes before extra reminder late at 45 days' },
      { path: 'extraReminders.3.id', message: 'texts is named twice' },
      { path: 'extraReminders.3.offsetDays', message: '36 days is less than minGapDays (5) after extra reminder texts at 35 days' },
    ]);
  });

  it('refuses an extra on the day of the one before it, after a stage that is off, an SMS the policy cannot send, one after the hand-off', () => {
    expect(problems([{ id: 'a', after: 'secondOverdue', offsetDays: 35 }, { id: 'b', after: 'secondOverdue', offsetDays: 35 }])).toEqual([
      { path: 'extraReminders.1.offsetDays', message: 'falls on the same day as extra reminder a: no two reminders a day' },
    ]);
    const { creditHold: _hold, ...noHold } = STAGES;
    expect(problems([{ id: 'a', after: 'creditHold', offsetDays: 50 }], { stages: noHold })).toEqual([
      { path: 'extraReminders.0.after', message: 'follows creditHold, which is off in this policy' },
    ]);
    expect(problems([{ id: 'a', after: 'secondOverdue', offsetDays: 35, channels: ['email', 'sms'] }], { smsPerWeek: 0 })).toEqual([
      { path: 'extraReminders.0.channels', message: 'smsPerWeek is 0 but the extra reminder sends an SMS' },
    ]);
    // Extras stand after the second overdue reminder or the credit hold only: nothing follows the hand-off.
    expect(problems([{ id: 'a', after: 'escalation', offsetDays: 90 }]).map((p) => p.path)).toEqual(['extraReminders.0.after']);
    expect(problems([{ id: 'a', after: 'firstOverdue', offsetDays: 10 }]).map((p) => p.path)).toEqual(['extraReminders.0.after']);
    expect(problems([{ id: 'a', after: 'secondOverdue', offsetDays: 0, from: 'previous' }])).toEqual([
      { path: 'extraReminders.0.offsetDays', message: 'counted from the previous step: at least 1 day' },
    ]);
  });

  it('refuses a policy whose stages span more than one execution can wait through', () => {
    const wide = { ...STAGES, creditHold: { offsetDays: 300 } };
    expect(problems([{ id: 'very-late', after: 'creditHold', offsetDays: 360 }], { stages: wide })).toEqual([
      { path: 'stages', message: "the stages span 360 days from the first to the last: one execution can wait through at most 353 (Step Functions' one-year limit, less the margins)" },
    ]);
    expect(problems([{ id: 'late', after: 'creditHold', offsetDays: 353 }], { stages: wide })).toEqual([]);
  });

  it('counts an extra written reminder before the credit hold for the gap the hold needs', () => {
    const hold = { ...STAGES, secondOverdue: { offsetDays: 20 } };
    // The extra at 43 leaves the hold at 45 less than minGapDays (5) after the last written reminder.
    expect(problems([{ id: 'last-call', after: 'secondOverdue', offsetDays: 43 }], { stages: hold })).toEqual([
      { path: 'stages.creditHold.offsetDays', message: 'creditHold comes less than minGapDays (5) after the last written reminder' },
    ]);
  });

  it('compiles the offsets counted from the previous step into days from the due date', () => {
    const p = company([{ id: 'a', after: 'secondOverdue', offsetDays: 5, from: 'previous' }, { id: 'b', after: 'secondOverdue', offsetDays: 5, from: 'previous', channels: ['email', 'sms'], tone: 'firm' }]);
    expect(p.extraReminders).toEqual([
      { id: 'a', after: 'secondOverdue', offsetDays: 35, sms: false, afterPreviousDays: 5 },
      { id: 'b', after: 'secondOverdue', offsetDays: 40, sms: true, tone: 'firm', afterPreviousDays: 5 },
    ]);
  });
});

describe('extra reminders in the plan', () => {
  const policy = company([{ id: 'day-35', after: 'secondOverdue', offsetDays: 35 }, { id: 'day-40', after: 'secondOverdue', offsetDays: 40 }]);

  it('names the first extra still to come and the stage the walk branches before', () => {
    const p = planTimeline({ invoice, customer: customer(), policy, stagesDone: [], now: new Date('2026-02-01T08:00:00Z') });
    expect(p.next).toBe('dueDate');
    // 16 Feb + 35 days is Monday 23 March, 09:00 in Rome.
    expect(p.extra).toEqual({ step: 'extra:day-35', at: '2026-03-23T08:00:00.000Z', before: 'phoneCall' });
    // After the first extra, the second one comes next; the walk enters at the (skipped) phone call to branch to it.
    const done = [['dueDate', '2026-02-16'], ['firstOverdue', '2026-02-23'], ['secondOverdue', '2026-03-18'], ['extra:day-35', '2026-03-23']].map(([stage, d]) => ({ stage: stage!, at: `${d}T08:00:00Z` }));
    const after = planTimeline({ invoice, customer: customer(), policy, stagesDone: done, lastContactAt: '2026-03-23T08:00:00Z', now: new Date('2026-03-23T08:00:05Z') });
    // 16 Feb + 40 days is Saturday 28 March: Monday 30 March, 09:00 in Rome (summer time by then).
    expect(after.extra).toEqual({ step: 'extra:day-40', at: '2026-03-30T07:00:00.000Z', before: 'phoneCall' });
    expect(after.next).toBe('phoneCall');
    expect(after.skip).toEqual(expect.arrayContaining(['dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']));
  });

  it('walks every step in order, each on its business day', () => {
    const { steps } = walkTimeline({ invoice, customer: customer(), policy, stagesDone: [], now: new Date('2026-02-01T08:00:00Z') });
    expect(steps.map((s) => `${s.step} ${day(s.at)}`)).toEqual([
      // The hold keeps minGapDays after the extra the weekend pushed to 30 March: 4 April is a Saturday, 6 April Easter Monday.
      'dueDate 2026-02-16', 'firstOverdue 2026-02-23', 'secondOverdue 2026-03-18', 'extra:day-35 2026-03-23', 'extra:day-40 2026-03-30', 'creditHold 2026-04-07',
    ]);
  });

  it('catches up on a late invoice with the latest written step due, an extra as any other', () => {
    const p = planTimeline({ invoice, customer: customer(), policy, stagesDone: [], now: new Date('2026-03-31T10:00:00Z') });
    expect(p.extra?.step).toBe('extra:day-40');
    expect(p.reason).toContain('starting at extra:day-40');
    expect(p.skip).toEqual(expect.arrayContaining(['dueDate', 'firstOverdue', 'secondOverdue']));
  });

  it('shows the extras in the preview, with their channels', () => {
    const p = company([{ id: 'nudge', after: 'secondOverdue', offsetDays: 37, channels: ['email', 'sms'] }]);
    const preview = previewPolicy(p, tenant, { issueDate: '2026-01-15', dueDate: '2026-02-16', amountMinor: 100_000, currency: 'EUR' });
    expect(preview.stages.map((s) => [s.stage, s.daysFromDue, s.channels.join('+')])).toEqual([
      ['dueDate', 0, 'email'], ['firstOverdue', 7, 'email'], ['secondOverdue', 30, 'email'], ['extra:nudge', 37, 'email+sms'], ['creditHold', 45, 'email'],
    ]);
  });
});

describe("the policy preview and the company's calendar", () => {
  it("moves a stage that would fall in the company's closure to the day after it", () => {
    const p = company([]);
    const sample = { issueDate: '2026-01-15', dueDate: '2026-02-16', amountMinor: 100_000, currency: 'EUR' as const };
    const open = previewPolicy(p, tenant, sample);
    const closed = previewPolicy(p, { ...tenant, closures: [{ from: '2026-02-20', to: '2026-02-27', label: 'inventario' }] }, sample);
    expect(open.stages.find((s) => s.stage === 'firstOverdue')?.day).toBe('2026-02-23');
    // Closed until Friday 27 February: the first overdue reminder comes on Monday 2 March.
    expect(closed.stages.find((s) => s.stage === 'firstOverdue')?.day).toBe('2026-03-02');
  });
});

describe('the further-reminder message', () => {
  const policy = company(
    [{ id: 'a', after: 'secondOverdue', offsetDays: 37 }, { id: 'b', after: 'creditHold', offsetDays: 50, channels: ['email', 'sms'], tone: 'firm' }],
    { interest: { claimed: true, fromStage: 'creditHold' } },
  );
  const decide = (extra: Policy['extraReminders'][number]) =>
    decideReminder({ invoice, customer: customer(), tenant, policy, kind: 'furtherReminder', extra, now: new Date('2026-04-10T09:00:00Z') });

  it('takes its channels and tone from its own rule, and claims interest where the stage it follows would', () => {
    const a = decide(policy.extraReminders[0]!);
    expect([a.tone, Boolean(a.sms), a.line.interest !== undefined]).toEqual(['standard', false, false]);
    const b = decide(policy.extraReminders[1]!);
    expect([b.tone, b.sms?.to, b.line.interest !== undefined && b.line.interest > 0]).toEqual(['firm', '+393470000001', true]);
  });
});
