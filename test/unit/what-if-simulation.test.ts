/**
 * The what-if simulator (domain/simulation): plans of the real planner priced by a response model.
 * Expectations are reasoned from the policies' offsets and the model's probabilities, with a
 * calendar chosen so that no stage lands on a weekend or a holiday.
 */
import { describe, expect, it } from 'vitest';
import { Customer, type Policy } from '../../lambdas/domain/model.js';
import type { ActivityItem, ClosedActivity } from '../../lambdas/domain/reports/activity.js';
import { whatIf, type NamedPolicy } from '../../lambdas/domain/simulation/compare.js';
import { DEFAULT_CONTACT_LIMIT, DEFAULT_SMS_PRICE, policyFigures } from '../../lambdas/domain/simulation/metrics.js';
import { DEFAULT_RESPONSE, MIN_FIT_INVOICES, defaultResponseModel, fitResponseModel, type ResponseModel } from '../../lambdas/domain/simulation/response-model.js';
import { simulateInvoice, type SimCase } from '../../lambdas/domain/simulation/simulate.js';
import { compilePolicy, validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { openingOn, sendContext } from '../../lambdas/domain/timeline/calendar.js';
import { invoiceOf } from '../support/fixtures.js';

const T = 'sim';
const customer = (id: string, over: Record<string, unknown> = {}) =>
  Customer.parse({ tenantId: T, customerId: id, name: `Customer ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example`, phone: '+393471234567', ...over });

/** Issued Friday 30 January 2026, due Monday 2 March 2026: every offset used below is a business day in Italy. */
const ISSUE = '2026-01-30';
const DUE = '2026-03-02';
const caseOf = (invoiceId: string, customerId: string, over: Record<string, unknown> = {}): SimCase => {
  const c = customer(customerId);
  return {
    invoice: invoiceOf({ tenantId: T, invoiceId, customerId, issueDate: ISSUE, dueDate: DUE, ...over }),
    customer: c,
    // Replayed from the morning it was issued, before anything is due.
    start: new Date(openingOn(ISSUE, sendContext(c)).getTime() - 3_600_000),
  };
};

/** Nobody ever pays: every planned stage acts, reach 1. */
const neverPays = (): ResponseModel => {
  const m = defaultResponseModel();
  for (const s of Object.values(m)) s.payProbability = 0;
  return m;
};

const companyPolicy = (input: unknown): Policy => {
  const r = validateCompanyPolicy(input);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return compilePolicy(r.policy, 1);
};

/** E-mail on the due date, +7 and +14, SMS beside the first two; a credit hold at +30. */
const twoSms = companyPolicy({
  id: 'two-sms',
  name: 'Two SMS',
  tone: 'standard',
  smsPerWeek: 2,
  stages: {
    dueDate: { offsetDays: 0, channels: ['email', 'sms'] },
    firstOverdue: { offsetDays: 7, channels: ['email', 'sms'] },
    secondOverdue: { offsetDays: 14 },
    creditHold: { offsetDays: 30 },
  },
});

const options = { contactLimit: DEFAULT_CONTACT_LIMIT, smsPrice: DEFAULT_SMS_PRICE };

describe('simulateInvoice', () => {
  it('puts every stage the planner plans on its local day, with the channels of the policy', () => {
    const run = simulateInvoice(caseOf('A', 'C-1'), twoSms, neverPays())!;
    expect(run.contacts.map((c) => [c.stage, c.day, c.channels.join('+')])).toEqual([
      ['dueDate', '2026-03-02', 'email+sms'],
      ['firstOverdue', '2026-03-09', 'email+sms'],
      ['secondOverdue', '2026-03-16', 'email'],
      ['creditHold', '2026-04-01', 'email'],
    ]);
    expect(run.creditHold).toEqual({ day: '2026-04-01', daysLate: 30, reach: 1 });
    expect(run.unpaid).toBe(1);
  });

  it('a customer that cannot be texted gets the e-mails alone', () => {
    const c = caseOf('A', 'C-1');
    const run = simulateInvoice({ ...c, customer: { ...c.customer, smsOptOut: true } }, twoSms, neverPays())!;
    expect(run.contacts.flatMap((x) => x.channels).filter((ch) => ch === 'sms')).toEqual([]);
  });

  it('each stage takes its share of what is still open; later stages reach only the rest', () => {
    const model = neverPays();
    model.dueDate.payProbability = 0.5;
    model.dueDate.delayDays = 3;
    model.firstOverdue.payProbability = 0.5;
    model.firstOverdue.delayDays = 20; // longer than the gap to the next stage: paid the day before it
    const run = simulateInvoice(caseOf('A', 'C-1'), twoSms, model)!;
    expect(run.contacts.map((c) => c.reach)).toEqual([1, 0.5, 0.25, 0.25]);
    expect(run.payments).toEqual([
      { day: '2026-03-05', probability: 0.5, afterStage: 'dueDate' },
      { day: '2026-03-15', probability: 0.25, afterStage: 'firstOverdue' },
    ]);
    expect(run.unpaid).toBe(0.25);
  });

  it('an invoice with a promise is left to its promise: nothing to replay', () => {
    const c = caseOf('A', 'C-1', { status: 'promised', promise: { date: '2026-03-20', recordedAt: '2026-02-01T09:00:00Z' } });
    expect(simulateInvoice(c, twoSms, neverPays())).toBeUndefined();
  });
});

describe('policy figures', () => {
  it('a policy with SMS on two stages costs exactly 2 SMS per invoice reaching them', () => {
    const runs = ['C-1', 'C-2', 'C-3'].map((c, i) => simulateInvoice(caseOf(`INV-${i}`, c), twoSms, neverPays())!);
    const f = policyFigures(runs, { contactLimit: 4, smsPrice: { minor: 9, currency: 'EUR' } });
    expect(f.sms).toEqual({ messages: 6, priceMinor: 9, currency: 'EUR', costMinor: 54 });
    // Three written stages and the hold's final notice, per customer.
    expect(f.messages).toEqual({ email: 12, sms: 6, call: 0 });
  });

  it('one voice: two invoices of one customer on the same days are one message a day, not two', () => {
    const same = [simulateInvoice(caseOf('A', 'C-1'), twoSms, neverPays())!, simulateInvoice(caseOf('B', 'C-1'), twoSms, neverPays())!];
    const apart = [simulateInvoice(caseOf('A', 'C-1'), twoSms, neverPays())!, simulateInvoice(caseOf('B', 'C-2'), twoSms, neverPays())!];
    expect(policyFigures(same, options).messages.email).toBe(4);
    expect(policyFigures(apart, options).messages.email).toBe(8);
  });

  it('one voice with chances: two invoices each open with chance 1/2 on a day make a message with chance 3/4', () => {
    const model = neverPays();
    model.dueDate.payProbability = 0.5;
    const runs = [simulateInvoice(caseOf('A', 'C-1'), twoSms, model)!, simulateInvoice(caseOf('B', 'C-1'), twoSms, model)!];
    const march = policyFigures(runs, options).customers[0]!.months.find((m) => m.month === '2026-03')!;
    // Due date: certain (1); +7 and +14: 1 − (1/2)² each.
    expect(march.email).toBeCloseTo(1 + 0.75 + 0.75, 10);
  });

  it('counts the customers contacted more than N times in a month', () => {
    // Firm: pre-due, due date, +5, +10, call +12, hold +15: five contacts in March for a due date of 2 March.
    const runs = [simulateInvoice(caseOf('A', 'C-1'), BUILT_IN_POLICIES.firm, neverPays())!];
    const march = policyFigures(runs, options).customers[0]!.months.find((m) => m.month === '2026-03')!;
    expect(march.contacts).toBe(5);
    expect(policyFigures(runs, { ...options, contactLimit: 4 }).overLimit).toMatchObject({ customers: 1, customerMonths: 1 });
    expect(policyFigures(runs, { ...options, contactLimit: 5 }).overLimit).toMatchObject({ customers: 0, customerMonths: 0 });
  });

  it('recovery within 30/60/90 days and DSO follow the payments', () => {
    const model = neverPays();
    model.dueDate.payProbability = 0.5;
    model.dueDate.delayDays = 0;
    const run = simulateInvoice(caseOf('A', 'C-1', { amount: 100_000 }), twoSms, model)!;
    const [eur] = policyFigures([run], options).recovery;
    // Started 30 January; paid with chance 1/2 on 2 March (day 31 from the start, 31 from issue).
    expect(eur!.within.map((w) => w.amount)).toEqual([0, 50_000, 50_000]);
    // DSO: half at 31 days, half unpaid at the 90-day horizon (90 days from the issue).
    expect(eur!.dsoDays).toBeCloseTo(0.5 * 31 + 0.5 * 90, 10);
  });
});

describe('whatIf', () => {
  const cases = [caseOf('A', 'C-1'), caseOf('B', 'C-2', { dueDate: '2026-03-09' })];
  const named: [NamedPolicy, NamedPolicy] = [
    { policy: BUILT_IN_POLICIES.relationship, source: 'built-in' },
    { policy: BUILT_IN_POLICIES.firm, source: 'built-in' },
  ];

  it('the firmer policy reaches the credit hold earlier: at +15 where relationship waits until +45', () => {
    const out = whatIf({ scope: { kind: 'period', from: ISSUE, to: ISSUE }, cases, policies: named, model: neverPays(), options, now: new Date('2026-05-01T00:00:00Z') });
    const [relationship, firm] = out.policies;
    expect(firm.creditHold.medianDaysLate).toBe(15);
    expect(relationship.creditHold.medianDaysLate).toBe(45);
    expect([firm.creditHold.planned, relationship.creditHold.planned]).toEqual([2, 2]);
    // Relationship never texts; firm texts on the due date, +5, +10 and the hold.
    expect(relationship.sms.messages).toBe(0);
    expect(firm.sms.messages).toBe(8);
  });

  it('is deterministic: the same input gives the same answer', () => {
    const input = { scope: { kind: 'open', asOf: ISSUE } as const, cases, policies: named, model: defaultResponseModel(), options, now: new Date('2026-05-01T00:00:00Z') };
    expect(whatIf(input)).toEqual(whatIf(input));
  });

  it('says when the prices come from the default model', () => {
    const out = whatIf({ scope: { kind: 'period', from: ISSUE, to: ISSUE }, cases, policies: named, model: defaultResponseModel(), options, now: new Date() });
    expect(out.usesDefaults).toBe(true);
    expect(out.policies[1].stagesUsed.find((s) => s.stage === 'creditHold')).toMatchObject({ source: 'default' });
  });
});

describe('fitResponseModel', () => {
  const closed = (i: number, over: Partial<ClosedActivity>): ActivityItem => ({
    kind: 'closed', tenantId: T, invoiceId: `H-${i}`, number: `H-${i}`, customerId: 'C-1', dueDate: '2026-09-01', date: '2026-10-01',
    currency: 'EUR', amount: 10_000, outcome: 'paid', policy: 'standard', lastStage: 'firstOverdue', lastStageDate: '2026-09-08', paidOn: '2026-09-11', ...over,
  });
  const fit = (activity: ActivityItem[]) =>
    fitResponseModel({ today: '2026-12-01', activity, open: [], policyOf: () => BUILT_IN_POLICIES.standard, policyById: (id) => BUILT_IN_POLICIES[id as 'standard'] });

  it('fits a stage from the invoices that reached it once there are enough of them', () => {
    // 10 paid 3 days after the first overdue reminder, 15 escalated after going through every stage.
    const history = [
      ...Array.from({ length: 10 }, (_, i) => closed(i, {})),
      ...Array.from({ length: 15 }, (_, i) => closed(100 + i, { outcome: 'escalated', lastStage: 'escalation', lastStageDate: '2026-10-16', paidOn: undefined })),
    ];
    const m = fit(history);
    expect(m.firstOverdue).toMatchObject({ source: 'fitted', reached: 25, paid: 10, payProbability: 0.4, delayDays: 3, note: 'fitted from 25 invoices' });
    // 15 reached the second overdue reminder, fewer than 20: the default stands, and says why.
    expect(m.secondOverdue).toMatchObject({ source: 'default', reached: 15, payProbability: DEFAULT_RESPONSE.secondOverdue.payProbability });
    expect(m.secondOverdue.note).toContain(`only 15 invoices reached it; ${MIN_FIT_INVOICES} needed`);
  });

  it('with little history every stage keeps the default and is flagged', () => {
    const m = fit(Array.from({ length: 5 }, (_, i) => closed(i, {})));
    expect(Object.values(m).every((s) => s.source === 'default')).toBe(true);
    expect(m.firstOverdue.note).toContain('only 5 invoices');
  });

  it('an invoice still open counts as unpaid after a stage once its next stage has come, not before', () => {
    const open = Array.from({ length: 20 }, (_, i) => invoiceOf({ tenantId: T, invoiceId: `O-${i}`, issueDate: '2026-10-01', dueDate: '2026-11-01' }));
    const m = fitResponseModel({ today: '2026-12-01', activity: [], open, policyOf: () => BUILT_IN_POLICIES.standard, policyById: () => undefined });
    // Standard: the call at +15 was followed by the hold at +30 (1 December, today): 20 invoices unpaid after the call.
    expect(m.phoneCall).toMatchObject({ source: 'fitted', reached: 20, paid: 0, payProbability: 0 });
    // The hand-off (+45) is still ahead: after the hold they may still pay, so they do not count there yet.
    expect(m.creditHold).toMatchObject({ source: 'default', reached: 0 });
  });
});
