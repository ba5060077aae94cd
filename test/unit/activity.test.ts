import { describe, expect, it } from 'vitest';
import { Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { activityFromChange, activityId, stageBefore, withoutReversed, type ActivityItem, type InvoiceChange } from '../../lambdas/domain/reports/activity.js';

const inv = (over: Partial<InvoiceInput> = {}): Invoice =>
  Invoice.parse({
    tenantId: 'acme',
    invoiceId: 'I1',
    number: '2026/1',
    customerId: 'C1',
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 10_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });

const change = (c: Partial<InvoiceChange> & Pick<InvoiceChange, 'after'>): InvoiceChange => ({
  stagesDone: [],
  payments: [],
  policy: 'standard',
  timeZone: 'Europe/Rome',
  ...c,
});

const stages = [
  { stage: 'preDue', at: '2026-02-02T08:00:00Z' },
  { stage: 'dueDate', at: '2026-02-09T08:00:00Z' },
  { stage: 'thankYou', at: '2026-02-20T08:00:00Z' },
  { stage: 'firstOverdue', at: '2026-02-16T08:00:00Z' },
  { stage: 'creditHold#notice', at: '2026-03-11T08:00:00Z' },
];

describe('activity from an invoice change', () => {
  it('records a new invoice as issued on its issue date', () => {
    expect(activityFromChange(change({ after: inv() }))).toEqual([
      expect.objectContaining({ kind: 'issued', date: '2026-01-10', amount: 10_000, currency: 'EUR', invoiceId: 'I1', number: '2026/1' }),
    ]);
  });

  it('records each payment on the day it was recorded (tenant time zone) with the stage that preceded it', () => {
    const before = inv();
    const after = inv({ amountPaid: 4_000, updatedAt: '2026-02-17T23:30:00Z' });
    const items = activityFromChange(
      change({
        before,
        after,
        stagesDone: stages,
        // Recorded 23:30 UTC = 00:30 on the 18th in Rome; paid on the 16th, after the firstOverdue reminder that morning.
        payments: [{ paymentId: 'p1', amount: 4_000, date: '2026-02-16', recordedAt: '2026-02-17T23:30:00Z' }],
      }),
    );
    expect(items).toEqual([
      expect.objectContaining({ kind: 'collected', date: '2026-02-18', valueDate: '2026-02-16', amount: 4_000, afterStage: 'firstOverdue', paymentId: 'p1' }),
    ]);
  });

  it('does not credit a reminder sent after the money arrived', () => {
    // Paid on the 8th, recorded on the 10th: the dueDate reminder of the 9th did not bring it in.
    expect(stageBefore(stages, '2026-02-10T10:00:00Z', '2026-02-08', 'Europe/Rome')).toEqual({ stage: 'preDue', date: '2026-02-02' });
    expect(stageBefore(stages, '2026-02-01T10:00:00Z', '2026-02-01', 'Europe/Rome')).toEqual({ stage: 'none' });
  });

  it('records a closure once, with the first overdue day and the last stage before the payment', () => {
    const before = inv({ amountPaid: 4_000 });
    const after = inv({ amountPaid: 10_000, status: 'paid', updatedAt: '2026-03-20T10:00:00Z' });
    const payments = [
      { paymentId: 'p1', amount: 4_000, date: '2026-02-16', recordedAt: '2026-02-17T10:00:00Z' },
      { paymentId: 'p2', amount: 6_000, date: '2026-03-19', recordedAt: '2026-03-20T10:00:00Z' },
    ];
    const items = activityFromChange(change({ before, after, stagesDone: stages, payments }));
    const closed = items.find((i) => i.kind === 'closed');
    expect(closed).toMatchObject({
      outcome: 'paid',
      date: '2026-03-20',
      amount: 10_000,
      paidOn: '2026-03-19',
      firstOverdueDate: '2026-02-16',
      lastStage: 'firstOverdue', // creditHold#notice is a notice key, not a stage
      lastStageDate: '2026-02-16',
    });
    // Both payments are (re)written under their own ids: a retried record lands on the same items.
    expect(items.filter((i) => i.kind === 'collected').map(activityId)).toEqual(['PAY#I1#p1', 'PAY#I1#p2']);
    const again = activityFromChange(change({ before: after, after, stagesDone: stages, payments }));
    expect(again).toEqual([]);
  });

  it('tells a promise made from a promise broken and from a promise kept by a payment', () => {
    const promise = { date: '2026-03-01', recordedAt: '2026-02-20T09:00:00Z' };
    const promised = inv({ status: 'promised', promise, updatedAt: '2026-02-20T09:00:00Z' });
    expect(activityFromChange(change({ before: inv(), after: promised }))).toEqual([
      expect.objectContaining({ kind: 'promised', date: '2026-02-20', promiseDate: '2026-03-01', amount: 10_000, instalment: false }),
    ]);
    const broken = inv({ status: 'open', updatedAt: '2026-03-02T07:00:00Z' });
    expect(activityFromChange(change({ before: promised, after: broken }))).toEqual([
      expect.objectContaining({ kind: 'promiseBroken', date: '2026-03-02', promiseDate: '2026-03-01', amount: 10_000 }),
    ]);
    const keptInPart = inv({ status: 'open', amountPaid: 3_000, updatedAt: '2026-02-28T07:00:00Z' });
    const kinds = activityFromChange(
      change({ before: promised, after: keptInPart, payments: [{ paymentId: 'p', amount: 3_000, date: '2026-02-28', recordedAt: '2026-02-28T07:00:00Z' }] }),
    ).map((i) => i.kind);
    expect(kinds).toEqual(['collected']);
  });

  it('records a payment taken back on the day it was taken back, once per payment, and nothing for a later change', () => {
    const paid = inv({ amountPaid: 10_000, status: 'paid', updatedAt: '2026-03-02T09:00:00Z' });
    const reopened = inv({ amountPaid: 4_000, status: 'open', updatedAt: '2026-03-03T23:30:00Z' });
    const payments = [
      { paymentId: 'p1', amount: 4_000, date: '2026-02-20', recordedAt: '2026-02-20T09:00:00Z' },
      // Returned by the bank at 00:30 on the 4th in Rome.
      { paymentId: 'p2', amount: 6_000, date: '2026-03-02', recordedAt: '2026-03-02T09:00:00Z', reversed: { at: '2026-03-03T23:30:00Z', kind: 'return' as const } },
    ];
    const items = activityFromChange(change({ before: paid, after: reopened, payments }));
    expect(items).toEqual([expect.objectContaining({ kind: 'reversed', date: '2026-03-04', amount: 6_000, paymentId: 'p2', reason: 'return' })]);
    expect(activityId(items[0]!)).toBe('REVERSED#I1#p2');
    // A later change that does not lower what was paid writes no reversal again.
    expect(activityFromChange(change({ before: reopened, after: inv({ amountPaid: 4_000, status: 'promised', updatedAt: '2026-03-05T09:00:00Z' }), payments })).map((i) => i.kind)).not.toContain('reversed');
  });

  it('leaves out of the feed the payments taken back and the "paid" closings a reversal undid', () => {
    const base = { tenantId: 'acme', number: '2026/1', customerId: 'C1', dueDate: '2026-02-09', currency: 'EUR' };
    const feed: ActivityItem[] = [
      { ...base, invoiceId: 'I1', kind: 'collected', date: '2026-03-02', amount: 6_000, paymentId: 'p1', valueDate: '2026-03-02', afterStage: 'dueDate', policy: 'standard' },
      { ...base, invoiceId: 'I1', kind: 'closed', outcome: 'paid', date: '2026-03-02', amount: 6_000, policy: 'standard', lastStage: 'dueDate' },
      { ...base, invoiceId: 'I1', kind: 'reversed', date: '2026-03-04', amount: 6_000, paymentId: 'p1', reason: 'return' },
      // Paid again later: that payment and closing stay.
      { ...base, invoiceId: 'I1', kind: 'collected', date: '2026-03-06', amount: 6_000, paymentId: 'p2', valueDate: '2026-03-06', afterStage: 'firstOverdue', policy: 'standard' },
      { ...base, invoiceId: 'I1', kind: 'closed', outcome: 'paid', date: '2026-03-06', amount: 6_000, policy: 'standard', lastStage: 'firstOverdue' },
      { ...base, invoiceId: 'I2', kind: 'collected', date: '2026-03-02', amount: 1_000, paymentId: 'p1', valueDate: '2026-03-02', afterStage: 'none', policy: 'standard' },
    ];
    expect(withoutReversed(feed).map((a) => `${a.invoiceId} ${a.kind} ${a.date}`)).toEqual(['I1 collected 2026-03-06', 'I1 closed 2026-03-06', 'I2 collected 2026-03-02']);
  });

  it('records escalations and write-offs with what was still due', () => {
    const after = inv({ amountPaid: 1_000, status: 'escalated', updatedAt: '2026-03-27T09:00:00Z' });
    expect(activityFromChange(change({ before: inv({ amountPaid: 1_000 }), after }))).toEqual([
      expect.objectContaining({ kind: 'closed', outcome: 'escalated', amount: 9_000, date: '2026-03-27' }),
    ]);
  });
});
