/**
 * The what-if's plan memo gives exactly the planner's plan, for invoices and customers that vary in
 * everything the planner reads: due dates and calendars, SMS reach, bounced addresses, payment days,
 * deferrals, the SdI's receipt, earlier contacts, amounts around a policy's hold threshold, the
 * customer's send window, city and closures and the company's closures.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Customer, type Policy } from '../../lambdas/domain/model.js';
import { memoPlanner } from '../../lambdas/domain/simulation/plan-memo.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { addDays } from '../../lambdas/domain/shared/days.js';
import { invoiceOf } from '../support/fixtures.js';

const withThreshold: Policy = { ...BUILT_IN_POLICIES.standard, id: 'big-only', creditHoldThreshold: { minDaysLate: 0, minAmountMinor: { EUR: 150_000 } } };
const NOW = new Date('2026-03-09T07:00:00Z');

const customerArb = fc.record({
  zone: fc.constantFrom(['IT', 'Europe/Rome'], ['DE', 'Europe/Berlin'], ['GB', 'Europe/London']),
  phone: fc.boolean(),
  smsOptOut: fc.boolean(),
  emailStatus: fc.constantFrom('ok', 'bounced'),
  billing: fc.boolean(),
  paymentDays: fc.constantFrom([], [10, 25], [31]),
  office: fc.constantFrom({ days: [1, 2, 3, 4, 5], from: '09:00', to: '17:00' }, { days: [2, 4], from: '14:00', to: '16:00' }),
});
const invoiceArb = fc.record({
  // Few distinct dates, so that many invoices meet the same plan in the memo.
  issuedAgo: fc.constantFrom(0, 3, 10, 40, 90),
  terms: fc.constantFrom(0, 30, 60),
  amount: fc.constantFrom(100_000, 150_000, 200_000),
  delivered: fc.boolean(),
  contactedAgo: fc.option(fc.integer({ min: 0, max: 20 })),
  deferred: fc.option(fc.constantFrom('firstOverdue', 'creditHold')),
});

describe('memoPlanner', () => {
  it('plans every input exactly as the planner does', () => {
    fc.assert(
      fc.property(fc.constantFrom(BUILT_IN_POLICIES.firm, BUILT_IN_POLICIES.relationship, withThreshold), fc.array(fc.tuple(customerArb, invoiceArb), { minLength: 1, maxLength: 40 }), (policy, rows) => {
        const plan = memoPlanner(policy);
        rows.forEach(([c, i], n) => {
          const customer = Customer.parse({
            tenantId: 't', customerId: `C-${n % 3}`, name: 'C', country: c.zone[0], language: 'en', timeZone: c.zone[1], email: `ap${n}@c.example`, emailStatus: c.emailStatus,
            ...(c.phone ? { phone: `+3934712345${String(n % 100).padStart(2, '0')}` } : {}), smsOptOut: c.smsOptOut, paymentDays: c.paymentDays, officeHours: c.office,
            ...(c.billing ? { billingContact: { name: 'B', email: `b${n}@c.example` } } : {}),
          });
          const issueDate = addDays('2026-03-09', -i.issuedAgo);
          const invoice = invoiceOf({
            tenantId: 't', invoiceId: `I-${n}`, customerId: customer.customerId, issueDate, dueDate: addDays(issueDate, i.terms), amount: i.amount,
            ...(i.delivered ? { sdi: { delivered: { at: `${issueDate}T10:00:00Z`, by: 'RC' } } } : {}),
            ...(i.deferred ? { deferral: { stage: i.deferred, until: '2026-03-20T08:00:00.000Z', reason: 'cap' } } : {}),
          });
          const input = { invoice, customer, policy, stagesDone: [], now: NOW, ...(i.contactedAgo !== null ? { lastContactAt: new Date(NOW.getTime() - i.contactedAgo * 86_400_000).toISOString() } : {}) };
          expect(plan(input)).toEqual(planTimeline(input));
        });
      }),
      { numRuns: 60, seed: 17 },
    );
  });

  it('keeps apart customers that differ only in what else the calendar reads: send window, city, closures, the company’s closures', () => {
    const plan = memoPlanner(BUILT_IN_POLICIES.standard);
    const base = { tenantId: 't', name: 'C', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'a@c.example' };
    // Due on Monday 7 December 2026: Sant'Ambrogio in Milan.
    const invoice = invoiceOf({ tenantId: 't', invoiceId: 'I-1', customerId: 'C-1', issueDate: '2026-11-06', dueDate: '2026-12-07' });
    const customers = [
      Customer.parse({ ...base, customerId: 'C-1' }),
      Customer.parse({ ...base, customerId: 'C-1', sendWindow: { from: '14:00', to: '18:00' } }),
      Customer.parse({ ...base, customerId: 'C-1', city: 'Milano' }),
      Customer.parse({ ...base, customerId: 'C-1', closures: [{ from: '12-07', to: '12-09' }] }),
    ];
    const now = new Date('2026-11-06T10:00:00Z');
    const inputs = [
      ...customers.map((customer) => ({ invoice, customer, policy: BUILT_IN_POLICIES.standard, stagesDone: [], now })),
      { invoice, customer: customers[0]!, policy: BUILT_IN_POLICIES.standard, stagesDone: [], now, companyClosures: [{ from: '12-07', to: '12-08' }] },
    ];
    for (const input of inputs) expect(plan(input)).toEqual(planTimeline(input));
    expect(new Set(inputs.map((i) => plan(i).at.dueDate)).size).toBeGreaterThan(2);
  });

  it('plans an invoice of another status, or with stages done, through the planner itself', () => {
    const plan = memoPlanner(BUILT_IN_POLICIES.standard);
    const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'C', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'a@c.example' });
    const paused = invoiceOf({ tenantId: 't', invoiceId: 'P', status: 'paused', pause: { until: '2026-04-01', reason: 'asked' } });
    const input = { invoice: paused, customer, policy: BUILT_IN_POLICIES.standard, stagesDone: [], now: NOW };
    expect(plan(input)).toEqual(planTimeline(input));
    expect(() => plan({ ...input, policy: BUILT_IN_POLICIES.firm })).toThrow(/asked to plan under firm/);
  });
});
