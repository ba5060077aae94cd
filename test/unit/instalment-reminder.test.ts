/**
 * The reminder before each instalment of a plan (Policy.plans.reminderDaysBefore): the planner's
 * wait for it and CheckPromise's rule, on the real business calendar (Italy, Europe/Rome).
 */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, type CustomerInput, type InvoiceInput, type Policy } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { checkPromiseDue } from '../../lambdas/domain/timeline/promise-check.js';
import { instalmentReminder } from '../../lambdas/domain/timeline/instalment-reminder.js';
import { sendContext } from '../../lambdas/domain/timeline/calendar.js';
import { asCompanyPolicy, compilePolicy, validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

const customer = (over: Partial<CustomerInput> = {}) =>
  Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', ...over });

/** Two instalments: Friday 20 March and Monday 20 April 2026, agreed on Sunday 1 March. */
const onPlan = (over: Partial<InvoiceInput> = {}, instalments = [{ date: '2026-03-20', amount: 50_000 }, { date: '2026-04-20', amount: 50_000 }], agreedAt = '2026-03-01T10:00:00Z') =>
  Invoice.parse({
    tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
    status: 'promised', createdAt: '2026-01-15T09:00:00Z', updatedAt: agreedAt,
    promise: { date: instalments[0]!.date, recordedAt: agreedAt, expectedPaid: instalments[0]!.amount },
    plan: { agreedAt, paidBefore: 0, instalments },
    ...over,
  });

const companyPolicy = (plans: { graceDays?: number; reminderDaysBefore?: number }): Policy => {
  const r = validateCompanyPolicy({ id: 'plans', name: 'Plans', tone: 'standard', stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 } }, plans });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return compilePolicy(r.policy, 1);
};

const plan = (invoice: Invoice, now: string, policy: Policy = BUILT_IN_POLICIES.standard) =>
  planTimeline({ invoice, customer: customer(), policy, stagesDone: [], now: new Date(now) });

describe('the planner before an instalment', () => {
  it('waits for the send-window opening the policy\'s days before the instalment, then plans its check the morning after', () => {
    const first = plan(onPlan(), '2026-03-01T10:00:00Z');
    // Standard: 3 days before Friday 20 March is Tuesday 17, 09:00 Rome (08:00Z in winter).
    expect(first).toMatchObject({ mode: 'promise', next: 'none', checkAt: '2026-03-17T08:00:00.000Z' });
    expect(first.reason).toBe('instalment 1 of 2 for 2026-03-20: announced on 2026-03-17, 3 days before, then checked the morning after');
    // Planned again once the reminder's moment came: the instalment's own check, Monday 23 after the weekend.
    const after = plan(onPlan(), '2026-03-17T08:00:00Z');
    expect(after).toMatchObject({ mode: 'promise', checkAt: '2026-03-23T08:00:00.000Z' });
    expect(after.reason).toContain('checked the morning after');
  });

  it('moves the reminder back to the last send day before a weekend or a holiday, never later', () => {
    // Tuesday 24 March - 3 = Saturday 21: Friday 20, four days ahead.
    const weekend = plan(onPlan({}, [{ date: '2026-03-24', amount: 50_000 }, { date: '2026-04-20', amount: 50_000 }]), '2026-03-01T10:00:00Z');
    expect(weekend.checkAt).toBe('2026-03-20T08:00:00.000Z');
    expect(weekend.reason).toContain("4 days before (the send day nearest the policy's 3)");
    // Monday 4 May - 3 = Friday 1 May, Labour Day in Italy: Thursday 30 April (summer time, 07:00Z).
    const holiday = plan(onPlan({}, [{ date: '2026-05-04', amount: 50_000 }, { date: '2026-06-04', amount: 50_000 }]), '2026-03-01T10:00:00Z');
    expect(holiday.checkAt).toBe('2026-04-30T07:00:00.000Z');
  });

  it('follows the preset: five days ahead for key accounts, two for chronic late payers', () => {
    expect(plan(onPlan(), '2026-03-01T10:00:00Z', BUILT_IN_POLICIES.relationship).checkAt).toBe('2026-03-13T08:00:00.000Z');
    expect(plan(onPlan(), '2026-03-01T10:00:00Z', BUILT_IN_POLICIES.firm).checkAt).toBe('2026-03-18T08:00:00.000Z');
  });

  it('sends no reminder for an instalment already paid in part, nor under a policy without one', () => {
    const part = plan(onPlan({ amountPaid: 10_000 }), '2026-03-01T10:00:00Z');
    expect(part.checkAt).toBe('2026-03-23T08:00:00.000Z');
    expect(part.reason).not.toContain('announced');
    expect(plan(onPlan(), '2026-03-01T10:00:00Z', companyPolicy({ reminderDaysBefore: 0 })).checkAt).toBe('2026-03-23T08:00:00.000Z');
  });

  it('announces the last instalment once the ones before it are paid', () => {
    const last = plan(onPlan({ amountPaid: 50_000, promise: { date: '2026-04-20', recordedAt: '2026-03-19T10:00:00Z', expectedPaid: 100_000 } }), '2026-03-19T10:00:00Z');
    // Monday 20 April - 3 = Friday 17, summer time.
    expect(last).toMatchObject({ mode: 'promise', checkAt: '2026-04-17T07:00:00.000Z' });
    expect(last.reason).toContain('instalment 2 of 2 for 2026-04-20');
  });

  it('sends no reminder of an instalment the plan was agreed less than the policy\'s days before', () => {
    // Agreed Wednesday 18 March for Friday 20: the reminder day (17) is already behind the agreement.
    const p = plan(onPlan({}, undefined, '2026-03-18T10:00:00Z'), '2026-03-18T10:00:00Z');
    expect(p.checkAt).toBe('2026-03-23T08:00:00.000Z');
    expect(p.reason).not.toContain('announced');
  });

  it('keeps the plan grace after the reminder: the missed instalment is followed up, then the grace runs', () => {
    const policy = companyPolicy({ graceDays: 5, reminderDaysBefore: 3 });
    expect(plan(onPlan(), '2026-03-01T10:00:00Z', policy).checkAt).toBe('2026-03-17T08:00:00.000Z');
    expect(plan(onPlan(), '2026-03-17T08:00:00Z', policy).checkAt).toBe('2026-03-23T08:00:00.000Z');
    const grace = plan(onPlan(), '2026-03-23T08:00:00Z', policy);
    // The morning after (21) has come: the plan stands until 25 March, checked on 26.
    expect(grace.checkAt).toBe('2026-03-26T08:00:00.000Z');
    expect(grace.reason).toContain('the plan stands until 2026-03-25');
  });
});

describe('CheckPromise before an instalment', () => {
  const ctx = sendContext(customer(), BUILT_IN_POLICIES.standard);
  const invoice = onPlan();
  const reminder = instalmentReminder(invoice, 3, ctx);

  it('sends the instalment reminder from its day until the day before the instalment, once per instalment', () => {
    expect(reminder).toEqual({ number: 1, count: 2, date: '2026-03-20', amount: 50_000, partlyPaid: false, remaining: 100_000, remindOn: '2026-03-17' });
    for (const day of ['2026-03-17', '2026-03-19']) {
      expect(checkPromiseDue(invoice, day, 0, { reminder, localDay: day })).toEqual({
        outcome: 'instalmentDue',
        instalment: reminder,
        reminder: { kind: 'instalmentDue', guardKey: 'instalmentDue#2026-03-20', promiseDate: '2026-03-20' },
      });
    }
  });

  it('announces the plan\'s next instalment where its promise is not recorded, as the planner reads it', () => {
    const { promise: _none, ...withoutPromise } = invoice;
    expect(checkPromiseDue(withoutPromise, '2026-03-17', 0, { reminder, localDay: '2026-03-17' }).outcome).toBe('instalmentDue');
    // A promise for another date than the plan's next instalment: the promise is what is checked.
    expect(checkPromiseDue({ ...invoice, promise: { ...invoice.promise!, date: '2026-03-25' } }, '2026-03-17', 0, { reminder, localDay: '2026-03-17' }).outcome).toBe('nothingDue');
  });

  it('leaves an instalment paid in part since its reminder was planned to the planner: not broken before its date', () => {
    const part = { ...invoice, amountPaid: 10_000 };
    expect(instalmentReminder(part, 3, ctx)).toBeUndefined();
    expect(checkPromiseDue(part, '2026-03-17', 0, { reminder: undefined, localDay: '2026-03-17' })).toEqual({ outcome: 'nothingDue' });
    expect(checkPromiseDue(part, '2026-03-20', 0, { reminder: undefined, localDay: '2026-03-20' })).toEqual({ outcome: 'nothingDue' });
    expect(checkPromiseDue(part, '2026-03-23', 0, { reminder: undefined, localDay: '2026-03-23' }).outcome).toBe('broken');
  });

  it('checks the instalment itself from the morning after, as before', () => {
    expect(checkPromiseDue(invoice, '2026-03-23', 0, { reminder, localDay: '2026-03-23' })).toMatchObject({ outcome: 'broken', reminder: { kind: 'instalmentMissed' } });
    expect(checkPromiseDue({ ...invoice, amountPaid: 50_000 }, '2026-03-23', 0, { reminder: instalmentReminder({ ...invoice, amountPaid: 50_000 }, 3, ctx), localDay: '2026-03-23' }).outcome).toBe('kept');
  });
});

describe('the policy field', () => {
  it('is refused beyond two weeks or below zero, at its path', () => {
    for (const reminderDaysBefore of [15, -1, 2.5]) {
      const r = validateCompanyPolicy({ id: 'p', name: 'P', tone: 'standard', stages: { dueDate: { offsetDays: 0 } }, plans: { reminderDaysBefore } });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.problems.map((p) => p.path)).toContain('plans.reminderDaysBefore');
    }
  });

  it('round-trips a preset through the company format', () => {
    for (const [id, p] of Object.entries(BUILT_IN_POLICIES)) {
      const written = asCompanyPolicy(p, `copy-${id}`, id);
      expect(compilePolicy(written, 1).plans).toEqual(p.plans);
    }
  });
});

describe('the reminder day', () => {
  it('comes after a company closure of more than a week when the days before it are all closed, never on the instalment day', () => {
    const invoice = onPlan({}, [{ date: '2026-08-21', amount: 50_000 }, { date: '2026-09-21', amount: 50_000 }]);
    // Closed 8 to 19 August: 18 (Friday 21 - 3) and the week before are closed; Thursday 20 is the first send day.
    const closed = sendContext(customer({ closures: [{ from: '2026-08-08', to: '2026-08-19' }] }), BUILT_IN_POLICIES.standard);
    expect(instalmentReminder(invoice, 3, closed)?.remindOn).toBe('2026-08-20');
    // Closed until the instalment day itself: no reminder.
    const longer = sendContext(customer({ closures: [{ from: '2026-08-08', to: '2026-08-21' }] }), BUILT_IN_POLICIES.standard);
    expect(instalmentReminder(invoice, 3, longer)).toBeUndefined();
  });

  it('keeps out of the policy\'s quiet days', () => {
    const quiet = sendContext(customer(), { ...BUILT_IN_POLICIES.standard, quietDays: [2] });
    // Friday 20 March - 3 = Tuesday 17, a quiet day: Monday 16.
    expect(instalmentReminder(onPlan(), 3, quiet)?.remindOn).toBe('2026-03-16');
  });
});
