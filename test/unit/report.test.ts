import { describe, expect, it } from 'vitest';
import { Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import type { ActivityItem } from '../../lambdas/domain/reports/activity.js';
import { buildAgeingReport, type ReportInput } from '../../lambdas/domain/reports/report.js';
import { INDUSTRY_RECOVERY_90, median } from '../../lambdas/domain/reports/outcomes.js';

const T = 'acme';
// Monday 9 March 2026, 08:00 in Rome.
const NOW = new Date('2026-03-09T07:00:00Z');

let seq = 0;
const inv = (over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `I${++seq}`,
    number: `2026/${seq}`,
    customerId: 'C1',
    issueDate: '2026-01-01',
    dueDate: '2026-03-09',
    currency: 'EUR',
    amount: 10_000,
    status: 'open',
    createdAt: '2026-01-01T08:00:00Z',
    updatedAt: '2026-01-01T08:00:00Z',
    ...over,
  });

const base = (over: Partial<ReportInput> = {}): ReportInput => ({
  tenant: { tenantId: T, name: 'Officine Rossi', timeZone: 'Europe/Rome', defaultPolicy: 'standard' },
  now: NOW,
  open: [],
  customers: [
    { customerId: 'C1', name: 'Alfa S.p.A.' },
    { customerId: 'C2', name: 'Beta S.r.l.', policy: 'firm' },
  ],
  activity: [],
  calls: [],
  reorders: [],
  ...over,
});

const act = (a: Partial<ActivityItem> & Pick<ActivityItem, 'kind'>): ActivityItem =>
  ({ tenantId: T, invoiceId: 'X', number: 'X/1', customerId: 'C1', dueDate: '2026-01-31', currency: 'EUR', amount: 0, date: '2026-03-05', ...a }) as ActivityItem;

describe('ageing buckets in the report', () => {
  it('puts due today in not yet due, 30 days late in 1-30 and 31 in 31-60', () => {
    const r = buildAgeingReport(
      base({
        open: [
          inv({ dueDate: '2026-03-09', amount: 100 }), // due today
          inv({ dueDate: '2026-03-08', amount: 200 }), // 1 day late
          inv({ dueDate: '2026-02-07', amount: 400 }), // 30 days late
          inv({ dueDate: '2026-02-06', amount: 800 }), // 31 days late
          inv({ dueDate: '2025-12-09', amount: 1_600 }), // 90 days late
          inv({ dueDate: '2025-12-08', amount: 3_200 }), // 91 days late
        ],
      }),
    );
    expect(r.totals).toEqual([
      { currency: 'EUR', buckets: { not_due: 100, '1-30': 600, '31-60': 800, '61-90': 1_600, over_90: 3_200 }, total: 6_300, invoices: 6 },
    ]);
  });

  it('counts a leap day as a day', () => {
    // 2024-02-29 exists: due 2024-01-31, on 2024-03-01 it is 30 days late (31 in a common year would be 2023-03-03).
    const r = buildAgeingReport(base({ now: new Date('2024-03-01T10:00:00Z'), open: [inv({ dueDate: '2024-01-31', amount: 500 })] }));
    expect(r.today).toBe('2024-03-01');
    expect(r.totals[0]!.buckets['1-30']).toBe(500);
    const r2 = buildAgeingReport(base({ now: new Date('2024-03-02T10:00:00Z'), open: [inv({ dueDate: '2024-01-31', amount: 500 })] }));
    expect(r2.totals[0]!.buckets['31-60']).toBe(500);
  });

  it('reads "today" in the tenant time zone', () => {
    // 23:30 UTC on 9 March is already 10 March in Rome, still 9 March in New York.
    const late = new Date('2026-03-09T23:30:00Z');
    const open = [inv({ dueDate: '2026-03-09', amount: 700 })];
    const rome = buildAgeingReport(base({ now: late, open }));
    const ny = buildAgeingReport(base({ now: late, open, tenant: { ...base().tenant, timeZone: 'America/New_York' } }));
    expect(rome.totals[0]!.buckets).toMatchObject({ not_due: 0, '1-30': 700 });
    expect(ny.totals[0]!.buckets).toMatchObject({ not_due: 700, '1-30': 0 });
    expect(rome.week).toEqual({ from: '2026-03-03', to: '2026-03-09' });
  });

  it('keeps currencies apart, per customer too, and skips what is already paid', () => {
    const r = buildAgeingReport(
      base({
        open: [
          inv({ customerId: 'C1', currency: 'EUR', amount: 10_000, amountPaid: 2_500, dueDate: '2026-02-20' }),
          inv({ customerId: 'C1', currency: 'RON', amount: 50_000, dueDate: '2026-02-20' }),
          inv({ customerId: 'C2', currency: 'EUR', amount: 20_000, dueDate: '2026-04-01' }),
          inv({ customerId: 'C2', currency: 'EUR', amount: 5_000, amountPaid: 5_000, status: 'payment_claimed' }),
        ],
      }),
    );
    expect(r.totals.map((t) => [t.currency, t.total, t.invoices])).toEqual([
      ['EUR', 27_500, 2],
      ['RON', 50_000, 1],
    ]);
    expect(r.customers.map((c) => [c.currency, c.name, c.total, c.buckets['1-30'], c.buckets.not_due])).toEqual([
      ['EUR', 'Beta S.r.l.', 20_000, 0, 20_000],
      ['EUR', 'Alfa S.p.A.', 7_500, 7_500, 0],
      ['RON', 'Alfa S.p.A.', 50_000, 50_000, 0],
    ]);
  });
});

describe('DSO', () => {
  it('is receivables over the last 90 days of credit sales, times 90, per currency', () => {
    const r = buildAgeingReport(
      base({
        open: [inv({ amount: 30_000, dueDate: '2026-02-01' }), inv({ currency: 'GBP', amount: 1_000 })],
        activity: [
          act({ kind: 'issued', date: '2026-03-09', amount: 40_000 }), // today: inside
          act({ kind: 'issued', date: '2025-12-10', amount: 50_000 }), // 89 days ago: inside
          act({ kind: 'issued', date: '2025-12-09', amount: 99_999 }), // 90 days ago: outside
          act({ kind: 'issued', date: '2026-03-01', amount: 4_000, currency: 'GBP' }),
        ],
      }),
    );
    // EUR: 30,000 / 90,000 × 90 = 30 days; GBP: 1,000 / 4,000 × 90 = 22.5 days.
    expect(r.dso.currencies).toEqual([
      { currency: 'EUR', receivables: 30_000, creditSales: 90_000, days: 30 },
      { currency: 'GBP', receivables: 1_000, creditSales: 4_000, days: 22.5 },
    ]);
  });

  it('is null without credit sales in the period', () => {
    const r = buildAgeingReport(base({ open: [inv({ amount: 1_000 })] }));
    expect(r.dso.currencies).toEqual([{ currency: 'EUR', receivables: 1_000, creditSales: 0, days: null }]);
  });
});

describe('the week', () => {
  it('lists promises and broken promises of the seven days before today only', () => {
    const r = buildAgeingReport(
      base({
        activity: [
          act({ kind: 'promised', invoiceId: 'P1', customerId: 'C2', date: '2026-03-01', promiseDate: '2026-03-20', amount: 100, instalment: false }), // the Sunday before the week
          act({ kind: 'promised', invoiceId: 'P2', date: '2026-03-08', promiseDate: '2026-03-15', amount: 200, instalment: true }),
          act({ kind: 'promised', invoiceId: 'P3', date: '2026-03-09', promiseDate: '2026-03-15', amount: 300, instalment: false }), // today: next week's
          act({ kind: 'promiseBroken', invoiceId: 'B1', date: '2026-03-04', promiseDate: '2026-03-03', amount: 900 }),
          act({ kind: 'promiseBroken', invoiceId: 'B2', date: '2026-02-24', promiseDate: '2026-02-23', amount: 900 }),
        ],
      }),
    );
    expect(r.promises.map((p) => [p.invoiceId, p.promiseDate, p.promised, p.instalment])).toEqual([['P2', '2026-03-15', 200, true]]);
    expect(r.brokenPromises.map((p) => [p.invoiceId, p.brokenOn, p.amountDue])).toEqual([['B1', '2026-03-04', 900]]);
  });

  it('adds up the money collected per currency and per stage that preceded it', () => {
    const pay = (amount: number, afterStage: string, currency = 'EUR', date = '2026-03-05') =>
      act({ kind: 'collected', amount, afterStage, currency, date, paymentId: `p${amount}`, valueDate: date, policy: 'standard' } as never);
    const r = buildAgeingReport(
      base({
        activity: [
          pay(1_000, 'dueDate'),
          pay(2_000, 'dueDate'),
          pay(4_000, 'phoneCall'),
          pay(8_000, 'none'),
          pay(16_000, 'phoneCall', 'RON'),
          pay(32_000, 'dueDate', 'EUR', '2026-02-27'), // the week before
        ],
      }),
    );
    expect(r.results.collected).toEqual([
      { currency: 'EUR', amount: 15_000, payments: 4 },
      { currency: 'RON', amount: 16_000, payments: 1 },
    ]);
    expect(r.results.byStage).toEqual([
      { stage: 'none', currency: 'EUR', amount: 8_000, payments: 1 },
      { stage: 'dueDate', currency: 'EUR', amount: 3_000, payments: 2 },
      { stage: 'phoneCall', currency: 'EUR', amount: 4_000, payments: 1 },
      { stage: 'phoneCall', currency: 'RON', amount: 16_000, payments: 1 },
    ]);
  });

  it('leaves out what was taken back, and shows apart what an earlier week collected and this week took back', () => {
    const pay = (paymentId: string, amount: number, date: string) =>
      act({ kind: 'collected', invoiceId: `I-${paymentId}`, amount, afterStage: 'dueDate', date, paymentId, valueDate: date, policy: 'standard' } as never);
    const back = (paymentId: string, amount: number, date: string) => act({ kind: 'reversed', invoiceId: `I-${paymentId}`, amount, date, paymentId, reason: 'return' } as never);
    const r = buildAgeingReport(
      base({
        activity: [
          pay('a', 1_000, '2026-03-03'),
          back('a', 1_000, '2026-03-05'), // collected and returned this week: neither
          pay('b', 2_000, '2026-02-27'),
          back('b', 2_000, '2026-03-04'), // collected the week before, returned this week
          pay('c', 4_000, '2026-03-04'),
          pay('d', 8_000, '2026-02-20'),
          back('d', 8_000, '2026-02-25'), // both before the week
        ],
      }),
    );
    expect(r.results.collected).toEqual([{ currency: 'EUR', amount: 4_000, payments: 1 }]);
    expect(r.results.byStage).toEqual([{ stage: 'dueDate', currency: 'EUR', amount: 4_000, payments: 1 }]);
    expect(r.results.takenBack).toEqual([{ currency: 'EUR', amount: 2_000, payments: 1 }]);
  });

  it('lists disputes, calls nobody logged, customers on hold and invoices without a contact', () => {
    const disputed = inv({ status: 'disputed', dispute: { reason: 'goods', text: '', openedAt: '2026-03-03T10:00:00Z' } });
    const called = inv({ customerId: 'C2', dueDate: '2026-02-01' });
    const calledDone = inv({ customerId: 'C2', dueDate: '2026-02-02' });
    const lost = inv({ needsContact: true, dueDate: '2026-03-20' });
    const r = buildAgeingReport(
      base({
        open: [disputed, called, calledDone, lost],
        customers: [
          { customerId: 'C1', name: 'Alfa S.p.A.' },
          { customerId: 'C2', name: 'Beta S.r.l.', creditHold: { placedAt: '2026-03-04T09:00:00Z', invoiceId: called.invoiceId, reason: 'unpaid 31 days' } },
        ],
        calls: [
          { day: '2026-03-06', customerId: 'C2', invoiceId: called.invoiceId, done: false },
          { day: '2026-03-06', customerId: 'C2', invoiceId: calledDone.invoiceId, done: true },
          { day: '2026-02-20', customerId: 'C2', invoiceId: called.invoiceId, done: false }, // before the week
        ],
      }),
    );
    expect(r.disputes.map((d) => [d.invoiceId, d.reason])).toEqual([[disputed.invoiceId, 'goods']]);
    expect(r.callsDue.map((c) => [c.day, c.invoiceId, c.customerName])).toEqual([['2026-03-06', called.invoiceId, 'Beta S.r.l.']]);
    expect(r.creditHolds).toEqual([{ customerId: 'C2', name: 'Beta S.r.l.', placedAt: '2026-03-04T09:00:00Z', invoiceId: called.invoiceId, reason: 'unpaid 31 days' }]);
    expect(r.customers.find((c) => c.customerId === 'C2')?.onHold).toBe(true);
    expect(r.needsContact.map((n) => n.invoiceId)).toEqual([lost.invoiceId]);
  });

  it("marks habitual late payers by their history under their own policy's rule", () => {
    const late = (dueDate: string, settledOn: string, daysLate: number) => ({ dueDate, settledOn, daysLate, how: 'paid' as const });
    const history = { A: late('2025-10-31', '2025-11-20', 20), B: late('2025-11-30', '2025-12-05', 5), C: late('2025-12-31', '2026-01-09', 9) };
    const r = buildAgeingReport(
      base({
        open: [inv({ customerId: 'C1' }), inv({ customerId: 'C2' })],
        customers: [
          { customerId: 'C1', name: 'Alfa S.p.A.', paymentHistory: history },
          { customerId: 'C2', name: 'Beta S.r.l.', paymentHistory: { A: late('2025-10-31', '2025-10-30', 0) } },
        ],
      }),
    );
    expect(r.customers.map((c) => [c.customerId, c.habitualLatePayer])).toEqual([['C1', true], ['C2', false]]);
  });

  it('reports escalated invoices as with the agency until they are paid', () => {
    const closed = (invoiceId: string, outcome: string, date: string, amount: number) =>
      act({ kind: 'closed', invoiceId, outcome, date, amount, policy: 'standard', lastStage: 'escalation' } as never);
    const r = buildAgeingReport(
      base({
        activity: [closed('E1', 'escalated', '2026-01-10', 5_000), closed('E2', 'escalated', '2026-01-11', 7_000), closed('E2', 'paid', '2026-02-11', 7_000)],
      }),
    );
    expect(r.withAgency).toEqual([{ currency: 'EUR', amount: 5_000, invoices: 1 }]);
  });
});

describe('outcome analytics', () => {
  const paid = (invoiceId: string, policy: string, lastStage: string, lastStageDate: string, paidOn: string, firstOverdueDate?: string) =>
    act({ kind: 'closed', outcome: 'paid', invoiceId, policy, lastStage, lastStageDate, paidOn, date: paidOn, ...(firstOverdueDate ? { firstOverdueDate } : {}) } as never);

  it('counts invoices paid after each stage per policy, with the median days to pay', () => {
    const r = buildAgeingReport(
      base({
        activity: [
          paid('A', 'standard', 'dueDate', '2026-02-01', '2026-02-03'),
          paid('B', 'standard', 'dueDate', '2026-02-01', '2026-02-05'),
          paid('C', 'standard', 'dueDate', '2026-02-01', '2026-02-11'),
          paid('D', 'standard', 'phoneCall', '2026-02-01', '2026-02-08'),
          paid('E', 'standard', 'phoneCall', '2026-02-01', '2026-02-04'),
          paid('F', 'firm', 'none', '2026-02-01', '2026-02-01'),
        ],
      }),
    );
    expect(r.outcomes.byPolicyStage).toEqual([
      { policy: 'firm', stage: 'none', paid: 1, medianDays: 0 },
      { policy: 'standard', stage: 'dueDate', paid: 3, medianDays: 4 },
      { policy: 'standard', stage: 'phoneCall', paid: 2, medianDays: 5 },
    ]);
    expect(median([3, 1, 2, 10])).toBe(2.5);
  });

  it('measures recovery within 90 days of the first overdue reminder beside the 40% reference', () => {
    // Cohort: first overdue reminders from 2025-03-09 to 2025-12-09 (365 to 90 days before today).
    const r = buildAgeingReport(
      base({
        activity: [
          paid('R1', 'standard', 'dueDate', '2025-06-01', '2025-08-30', '2025-06-01'), // 90 days: recovered
          paid('R2', 'standard', 'dueDate', '2025-06-01', '2025-08-31', '2025-06-01'), // 91 days: not
          act({ kind: 'closed', outcome: 'written_off', invoiceId: 'W1', firstOverdueDate: '2025-07-01', date: '2025-12-01', policy: 'standard', lastStage: 'phoneCall' } as never),
          paid('N1', 'standard', 'dueDate', '2026-01-01', '2026-01-05', '2026-01-01'), // reminder too recent: outside
        ],
        // Still chased, standard policy: first overdue 7 days after 2025-05-01 = 2025-05-08: in the cohort, not recovered.
        open: [inv({ dueDate: '2025-05-01' }), inv({ dueDate: '2026-02-20' })],
      }),
    );
    expect(r.outcomes.recovery90).toMatchObject({ invoices: 4, recovered: 1, share: 0.25, reference: INDUSTRY_RECOVERY_90 });
  });

  it('shares escalated customers that ordered again', () => {
    const r = buildAgeingReport(
      base({
        reorders: [
          { customerId: 'C1', escalatedOn: '2025-10-01', orderedAgain: true },
          { customerId: 'C2', escalatedOn: '2025-11-01', orderedAgain: false },
          { customerId: 'C3', escalatedOn: '2025-12-01', orderedAgain: false },
          { customerId: 'C4', escalatedOn: '2025-12-01', orderedAgain: false },
        ],
      }),
    );
    expect(r.outcomes.reorders).toEqual({ escalatedCustomers: 4, orderedAgain: 1, share: 0.25 });
  });
});
