/** What a company's own policy changes in the plan and the messages: thresholds, promise grace, tones, claims, choice, preview. */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, Tenant, type CustomerInput, type InvoiceInput, type Policy } from '../../lambdas/domain/model.js';
import { compilePolicy, validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES, policyFor, policyRefFor } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { previewPolicy } from '../../lambdas/domain/timeline/policy-preview.js';
import { decideReminder } from '../../lambdas/domain/messages/reminder.js';

const tenant = Tenant.parse({
  tenantId: 't1', name: 'Officine Rossi S.r.l.', email: 'amministrazione@officinerossi.example', iban: 'IT60X0542811101000000123456',
  country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['finance@officinerossi.example'],
});
const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({ tenantId: 't1', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', phone: '+393470000001', ...over });
const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't1', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
    status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z', ...over,
  });

const company = (over: Record<string, unknown> = {}): Policy => {
  const r = validateCompanyPolicy({
    id: 'four-step', name: 'Four steps', tone: 'standard',
    stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7, tone: 'gentle' }, secondOverdue: { offsetDays: 14, channels: ['email', 'sms'] }, creditHold: { offsetDays: 21 } },
    ...over,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return compilePolicy(r.policy, 2);
};

const plan = (policy: Policy, inv: Partial<InvoiceInput> = {}, now = '2026-02-01T08:00:00Z') =>
  planTimeline({ invoice: invoice(inv), customer: customer(), policy, stagesDone: [], now: new Date(now) });

describe('a company policy in the planner', () => {
  it('plans only its own four stages, on their offsets', () => {
    const p = plan(company());
    expect(p.next).toBe('dueDate');
    expect(p.skip).toEqual(['receiptCheck', 'preDue', 'phoneCall', 'escalation']);
    expect(p.at.creditHold.slice(0, 10)).toBe('2026-03-09'); // 16 Feb + 21 days
  });

  it('keeps a credit hold for debts above its minimum, and no earlier than its days late', () => {
    const small = plan(company({ creditHold: { minAmountMinor: { EUR: 500_000 } } }));
    expect(small.skip).toContain('creditHold');
    expect(small.reason).toContain("creditHold not planned: the amount due is below the policy's minimum");
    const usd = plan(company({ creditHold: { minAmountMinor: { EUR: 500_000 } } }), { currency: 'USD' });
    expect(usd.skip).not.toContain('creditHold'); // no minimum for the currency
    const later = plan(company({ creditHold: { minDaysLate: 40 } }));
    expect(later.at.creditHold.slice(0, 10)).toBe('2026-03-30'); // 16 Feb + 40 days, a Monday
  });

  it("checks a plan's instalment the morning after, then waits the plan grace before the next check", () => {
    const instalments = { agreedAt: '2026-02-20T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-02', amount: 50_000 }, { date: '2026-04-01', amount: 50_000 }] };
    const onPlan = { status: 'promised' as const, promise: { date: '2026-03-02', recordedAt: '2026-02-20T10:00:00Z', expectedPaid: 50_000 }, plan: instalments };
    const before = plan(company({ plans: { graceDays: 5 } }), onPlan, '2026-02-20T10:00:00Z');
    expect(before.checkAt?.slice(0, 10)).toBe('2026-03-03');
    const after = plan(company({ plans: { graceDays: 5 } }), onPlan, '2026-03-03T09:00:00Z');
    // 2 March + 1 + 5 days is Sunday 8 March: the check comes at the opening of Monday 9 March.
    expect(after.checkAt).toBe('2026-03-09T08:00:00.000Z');
    expect(after.reason).toContain('the plan stands until 2026-03-07');
    // Without a plan grace the promise grace rules, as before.
    expect(plan(company(), onPlan, '2026-03-03T09:00:00Z').checkAt?.slice(0, 10)).toBe('2026-03-03');
  });

  it('counts a stage from the previous contact where the policy says so, not only from the due date', () => {
    const fromPrevious = company({ stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7, from: 'previous' }, secondOverdue: { offsetDays: 7, from: 'previous' } } });
    expect([fromPrevious.stages.firstOverdue!.offsetDays, fromPrevious.stages.secondOverdue!.offsetDays]).toEqual([7, 14]);
    // On schedule: the due date (Mon 16 Feb), +7 (Mon 23 Feb), +14 (Mon 2 Mar).
    const onTime = plan(fromPrevious);
    expect([onTime.at.dueDate, onTime.at.firstOverdue, onTime.at.secondOverdue].map((a) => a.slice(0, 10))).toEqual(['2026-02-16', '2026-02-23', '2026-03-02']);
    // The due-date reminder left late, on Thu 19 Feb: the next comes 7 days after it (Thu 26 Feb), not on the 23rd.
    const late = planTimeline({
      invoice: invoice(), customer: customer(), policy: fromPrevious, stagesDone: [{ stage: 'dueDate', at: '2026-02-19T08:00:00Z' }],
      lastContactAt: '2026-02-19T08:00:00Z', now: new Date('2026-02-19T12:00:00Z'),
    });
    expect([late.at.firstOverdue, late.at.secondOverdue].map((a) => a.slice(0, 10))).toEqual(['2026-02-26', '2026-03-05']);
    // The same policy counted from the due date keeps the 23rd (the gap after the contact is 5 days: 24 Feb).
    const dueAnchored = planTimeline({
      invoice: invoice(), customer: customer(), policy: company({ stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14 } } }),
      stagesDone: [{ stage: 'dueDate', at: '2026-02-19T08:00:00Z' }], lastContactAt: '2026-02-19T08:00:00Z', now: new Date('2026-02-19T12:00:00Z'),
    });
    expect(dueAnchored.at.firstOverdue.slice(0, 10)).toBe('2026-02-24');
  });

  it('refuses a stage counted from a previous stage it does not have', () => {
    const r = validateCompanyPolicy({ id: 'x', name: 'X', tone: 'standard', stages: { dueDate: { offsetDays: 0, from: 'previous' }, firstOverdue: { offsetDays: 0, from: 'previous' } } });
    expect(r.ok ? [] : r.problems).toEqual([
      { path: 'stages.dueDate.from', message: 'dueDate has no stage before it to count from' },
      { path: 'stages.firstOverdue.offsetDays', message: 'counted from the previous stage: at least 1 day' },
    ]);
  });

  it('checks a promise after the policy grace days', () => {
    const promised = { status: 'promised' as const, promise: { date: '2026-03-02', recordedAt: '2026-02-20T10:00:00Z' } };
    const none = plan(company(), promised, '2026-02-20T10:00:00Z');
    const grace = plan(company({ promises: { graceDays: 3 } }), promised, '2026-02-20T10:00:00Z');
    expect(none.checkAt?.slice(0, 10)).toBe('2026-03-03');
    expect(grace.checkAt?.slice(0, 10)).toBe('2026-03-06');
  });
});

describe('a company policy in the messages', () => {
  const decide = (policy: Policy, kind: 'firstOverdue' | 'secondOverdue' | 'dueDate') =>
    decideReminder({ invoice: invoice(), customer: customer(), tenant, policy, kind, now: new Date('2026-03-20T09:00:00Z') });

  it('speaks in the tone of the stage where it has one', () => {
    expect(decide(company(), 'firstOverdue').tone).toBe('gentle');
    expect(decide(company(), 'secondOverdue').tone).toBe('standard');
  });

  it('claims interest from the stage it names, and the compensation only when claimed', () => {
    const fromFirst = company({ interest: { claimed: true, fromStage: 'firstOverdue' }, compensation: { claimed: false } });
    expect(decide(fromFirst, 'firstOverdue').line.interest).toBeGreaterThan(0);
    expect(decide(fromFirst, 'firstOverdue').line.compensation).toBeUndefined();
    // The presets claim from secondOverdue on.
    expect(decide(BUILT_IN_POLICIES.standard, 'firstOverdue').line.interest).toBeUndefined();
    expect(decide(BUILT_IN_POLICIES.standard, 'secondOverdue').line.compensation).toBeGreaterThan(0);
  });

  it('texts on the stages whose channels name SMS', () => {
    expect(decide(company(), 'secondOverdue').sms).toEqual({ to: '+393470000001' });
    expect(decide(company(), 'firstOverdue').sms).toBeUndefined();
  });
});

describe('which policy chases a customer', () => {
  const own = company();
  const withSegments = { ...tenant, segmentPolicies: { retail: 'four-step' } };

  it('its own, else its segment’s, else the company default', () => {
    expect(policyRefFor(customer({ policy: 'firm', segment: 'retail' }), withSegments)).toEqual({ ref: 'firm', via: 'customer' });
    expect(policyRefFor(customer({ segment: 'retail' }), withSegments)).toEqual({ ref: 'four-step', via: 'segment' });
    expect(policyRefFor(customer({ segment: 'wholesale' }), withSegments)).toEqual({ ref: 'standard', via: 'default' });
    expect(policyFor(customer({ segment: 'retail' }), withSegments, new Map([[own.id, own]])).id).toBe('four-step');
  });

  it('a policy that no longer exists falls back to the company default', () => {
    expect(policyFor(customer({ policy: 'gone' }), { ...tenant, defaultPolicy: 'firm' }).id).toBe('firm');
    expect(policyFor(customer(), { ...tenant, defaultPolicy: 'gone' }).id).toBe('standard');
  });
});

describe('previewPolicy', () => {
  it('shows each acting stage with its local day, days from due and channels', () => {
    const out = previewPolicy(company(), tenant, { issueDate: '2026-01-15', dueDate: '2026-02-16', amountMinor: 100_000, currency: 'EUR' });
    expect(out.stages.map((s) => [s.stage, s.day, s.daysFromDue, s.channels.join('+')])).toEqual([
      ['dueDate', '2026-02-16', 0, 'email'],
      ['firstOverdue', '2026-02-23', 7, 'email'],
      ['secondOverdue', '2026-03-02', 14, 'email+sms'],
      ['creditHold', '2026-03-09', 21, 'email'],
    ]);
    expect(out.stages[0]!.at).toMatch(/^2026-02-16T09:00/);
  });

  it('names the stages that would not act on the sample (a hold below its minimum)', () => {
    const out = previewPolicy(company({ creditHold: { minAmountMinor: { EUR: 500_000 } } }), tenant, { issueDate: '2026-01-15', amountMinor: 100_000, currency: 'EUR' });
    expect(out.notActing).toEqual(['creditHold']);
    expect(out.invoice.dueDate).toBe('2026-02-14');
  });
});
