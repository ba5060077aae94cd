/** Habitual late payers (issue 17 item 4): the history, the rule, and the extra message before the due date. */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice, type Customer as CustomerT, type InvoiceInput, type PaymentOutcome, type Policy } from '../../lambdas/domain/model.js';
import { compilePolicy, validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import { beyondHistory, habitOf, outcomeOf, policyForHabit } from '../../lambdas/domain/timeline/payment-habit.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';

const paidOn = (dueDate: string, settledOn: string, daysLate: number, how: PaymentOutcome['how'] = 'paid'): PaymentOutcome => ({ dueDate, settledOn, daysLate, how });

/** Five settled invoices, oldest first: on time, 12 days late, on time, 3 days late, 20 days late. */
const fiveSettled: CustomerT['paymentHistory'] = {
  'I-1': paidOn('2026-01-31', '2026-01-30', 0),
  'I-2': paidOn('2026-02-28', '2026-03-12', 12),
  'I-3': paidOn('2026-03-31', '2026-03-31', 0),
  'I-4': paidOn('2026-04-30', '2026-05-03', 3),
  'I-5': paidOn('2026-05-31', '2026-06-20', 20),
};

const rule = (over: Partial<Policy['habitual']> = {}): Pick<Policy, 'habitual'> => ({ habitual: { lateOf: 3, outOf: 5, minDaysLate: 1, ...over } });

describe('how an invoice ended', () => {
  const inv = (over: Partial<InvoiceInput>) =>
    Invoice.parse({ tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-01', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', ...over });

  it('dates a paid invoice by the value date of its last payment, and counts the days late from the due date', () => {
    const payments = [{ date: '2026-02-20' }, { date: '2026-03-02' }];
    expect(outcomeOf(inv({ status: 'paid', amountPaid: 100_000 }), payments, '2026-03-05')).toEqual(paidOn('2026-02-16', '2026-03-02', 14));
  });

  it('is on time (0 days) when paid before the due date', () => {
    expect(outcomeOf(inv({ status: 'paid', amountPaid: 100_000 }), [{ date: '2026-02-10' }], '2026-02-11')?.daysLate).toBe(0);
  });

  it('dates a write-off or an escalation by the day it happened', () => {
    expect(outcomeOf(inv({ status: 'escalated' }), [], '2026-04-01')).toEqual(paidOn('2026-02-16', '2026-04-01', 44, 'escalated'));
  });

  it('has no outcome while something is still owed or the invoice is still chased', () => {
    expect(outcomeOf(inv({ status: 'open', amountPaid: 50_000 }), [{ date: '2026-02-20' }], '2026-02-21')).toBeUndefined();
    expect(outcomeOf(inv({ status: 'promised', promise: { date: '2026-03-01', recordedAt: '2026-02-17T10:00:00Z' } }), [], '2026-02-21')).toBeUndefined();
  });
});

describe('the habit', () => {
  it('marks 3 late of the last 5 as habitual under the default rule', () => {
    const h = habitOf(fiveSettled, rule());
    expect(h).toMatchObject({ habitual: true, late: 3, counted: 5 });
    expect(h.reason).toBe('3 of the last 5 settled invoices late (rule: 3 of 5)');
  });

  it('counts only invoices at least minDaysLate late', () => {
    // 12 and 20 days late are 10+; 3 days late is not.
    expect(habitOf(fiveSettled, rule({ minDaysLate: 10 }))).toMatchObject({ habitual: false, late: 2 });
  });

  it('looks at the latest outOf by settlement day only', () => {
    // The last three: on time, 3 late, 20 late: 2 late, below 3.
    expect(habitOf(fiveSettled, rule({ outOf: 3 }))).toMatchObject({ habitual: false, late: 2, counted: 3 });
    // A fourth invoice paid late later pushes the oldest out.
    const more = { ...fiveSettled, 'I-6': paidOn('2026-06-30', '2026-07-09', 9) };
    expect(habitOf(more, rule({ outOf: 3 }))).toMatchObject({ habitual: true, late: 3 });
  });

  it('counts an escalated or written-off invoice as late, and a new customer as not habitual', () => {
    expect(habitOf({ A: paidOn('2026-01-31', '2026-03-01', 29, 'escalated'), B: paidOn('2026-02-28', '2026-04-01', 32, 'written_off') }, rule({ lateOf: 2 })).habitual).toBe(true);
    expect(habitOf({}, rule())).toMatchObject({ habitual: false, late: 0, counted: 0 });
  });

  it('keeps the newest ten: the ids beyond them are dropped', () => {
    const twelve = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`I-${i + 1}`, paidOn('2026-01-31', `2026-02-${String(i + 1).padStart(2, '0')}`, i + 1)]));
    expect(beyondHistory(twelve).sort()).toEqual(['I-1', 'I-2']);
    expect(beyondHistory(fiveSettled)).toEqual([]);
  });
});

describe('the extra message for a habitual late payer', () => {
  const compiled = (over: Record<string, unknown>) => {
    const r = validateCompanyPolicy({
      id: 'late-payers', name: 'Late payers', tone: 'standard',
      stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14 } },
      ...over,
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return compilePolicy(r.policy, 1);
  };
  const customer = (history: CustomerT['paymentHistory']) =>
    Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example', phone: '+393470000001', paymentHistory: history });
  const invoice = Invoice.parse({ tenantId: 't', invoiceId: 'I', number: '1', customerId: 'C', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z' });
  const plan = (policy: Policy, history: CustomerT['paymentHistory']) => {
    const c = customer(history);
    return planTimeline({ invoice, customer: c, policy: policyForHabit(policy, habitOf(c.paymentHistory, policy)), stagesDone: [], now: new Date('2026-01-20T08:00:00Z') });
  };

  it('gives a habitual late payer an e-mail and SMS three days before the due date, and nobody else', () => {
    const policy = compiled({ habitualLatePayers: { extraBeforeDue: { offsetDays: -3, channels: ['email', 'sms'] } } });
    const habitual = plan(policy, fiveSettled);
    expect(habitual.next).toBe('preDue');
    expect(habitual.at.preDue).toBe('2026-02-13T08:00:00.000Z'); // Friday 13 Feb, 09:00 in Rome
    expect(policyForHabit(policy, { habitual: true }).stages.preDue).toMatchObject({ enabled: true, offsetDays: -3, sms: true });
    const punctual = plan(policy, { 'I-1': paidOn('2026-01-31', '2026-01-30', 0) });
    expect(punctual.next).toBe('dueDate');
    expect(punctual.skip).toContain('preDue');
  });

  it('adds only the SMS where the policy already e-mails before the due date, on its own day', () => {
    const p = policyForHabit(BUILT_IN_POLICIES.standard, { habitual: true });
    expect(p).toBe(BUILT_IN_POLICIES.standard); // the built-ins give nothing extra
    const withPreDue = compiled({ stages: { preDue: { offsetDays: -7 }, dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 } }, habitualLatePayers: { extraBeforeDue: { offsetDays: -2, channels: ['sms'] } } });
    expect(policyForHabit(withPreDue, { habitual: true }).stages.preDue).toMatchObject({ enabled: true, offsetDays: -7, sms: true });
  });

  it('refuses extras that cannot be sent, each with its path', () => {
    const r = validateCompanyPolicy({
      id: 'bad-habit', name: 'Bad', tone: 'standard', smsPerWeek: 0,
      stages: { preDue: { offsetDays: -7 }, dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 } },
      habitualLatePayers: { lateOf: 6, outOf: 5, extraBeforeDue: { offsetDays: -2, channels: ['email'] } },
    });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems.map((p) => p.path);
    expect(problems).toEqual(['habitualLatePayers.lateOf', 'habitualLatePayers.extraBeforeDue.channels']);
    const sms = validateCompanyPolicy({
      id: 'bad-habit', name: 'Bad', tone: 'standard', smsPerWeek: 0,
      stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 } },
      habitualLatePayers: { extraBeforeDue: { offsetDays: -2, channels: ['email', 'sms'] } },
    });
    expect(sms.ok ? [] : sms.problems).toEqual([{ path: 'habitualLatePayers.extraBeforeDue.channels', message: 'smsPerWeek is 0 but the extra sends an SMS' }]);
  });
});
