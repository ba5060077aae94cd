import { describe, expect, it } from 'vitest';
import { Customer, type ContactEvent } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { checkPromiseDue } from '../../lambdas/domain/timeline/promise-check.js';
import { CALL_FORWARD_REASON, stageHold, type StageHoldInput } from '../../lambdas/domain/timeline/stage-holds.js';
import { becameEscalated, reactionsTo, type InvoiceImage } from '../../lambdas/domain/timeline/invoice-reactions.js';
import { invoiceOf } from '../support/fixtures.js';

const inv = (over: Parameters<typeof invoiceOf>[0] extends infer T ? Partial<T> : never = {}) => invoiceOf({ tenantId: 't', invoiceId: 'I', ...over });

describe('promise check', () => {
  const promise = { date: '2026-03-10', recordedAt: '2026-03-01T09:00:00Z' };

  it('closes a promise the payments kept: paid when nothing is due, open when an amount the promise did not cover is', () => {
    const paid = checkPromiseDue(inv({ status: 'promised', promise, amountPaid: 120_000 }), '2026-03-11');
    expect(paid).toMatchObject({ outcome: 'kept', transition: { guardKey: 'promiseKept#2026-03-10', from: 'promised', to: 'paid', remove: ['promise'], event: 'promise_kept' } });
    const part = checkPromiseDue(inv({ status: 'promised', promise: { ...promise, amount: 50_000, expectedPaid: 50_000 }, amountPaid: 50_000 }), '2026-03-11');
    expect(part).toMatchObject({ outcome: 'kept', transition: { to: 'open' } });
  });

  it('reopens a broken promise with the reminder that quotes its date; a plan misses an instalment instead', () => {
    const broken = checkPromiseDue(inv({ status: 'promised', promise, amountPaid: 10_000 }), '2026-03-11');
    expect(broken).toMatchObject({
      outcome: 'broken',
      transition: { guardKey: 'promiseBroken#2026-03-10', to: 'open', remove: ['promise', 'plan'], event: 'promise_broken', details: { expectedPaid: 120_000, amountPaid: 10_000, currency: 'EUR' } },
      reminder: { kind: 'brokenPromise', promiseDate: '2026-03-10' },
    });
    const plan = { agreedAt: '2026-03-01T09:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-10', amount: 60_000 }, { date: '2026-04-10', amount: 60_000 }] };
    const missed = checkPromiseDue(inv({ status: 'promised', promise: { ...promise, expectedPaid: 60_000 }, plan }), '2026-03-11');
    expect(missed).toMatchObject({ outcome: 'broken', reminder: { kind: 'instalmentMissed' } });
  });

  it('ends a claimed payment that did not arrive and a dated pause; anything else is left to the planner', () => {
    expect(checkPromiseDue(inv({ status: 'payment_claimed' }), '2026-03-11')).toMatchObject({ outcome: 'claimExpired', transition: { guardKey: 'claimExpired#2026-03-11', from: 'payment_claimed', to: 'open' } });
    expect(checkPromiseDue(inv({ status: 'paused', pause: { until: '2026-03-20', reason: 'holiday' } }), '2026-03-21')).toMatchObject({
      outcome: 'pauseEnded',
      transition: { guardKey: 'pauseEnded#2026-03-20', remove: ['pause'] },
    });
    expect(checkPromiseDue(inv({ status: 'paused', pause: { reason: 'holiday' } }), '2026-03-21')).toEqual({ outcome: 'nothingDue' });
    expect(checkPromiseDue(inv(), '2026-03-21')).toEqual({ outcome: 'nothingDue' });
  });
});

describe('stage holds', () => {
  const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'C', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'c@c.example' });
  const base: StageHoldInput = {
    stage: 'secondOverdue',
    invoice: inv(),
    customer,
    policy: BUILT_IN_POLICIES.standard,
    events: [],
    stagesDone: [],
    ignoredEmails: 0,
    waitingAnswers: [],
    // Tuesday 3 March 2026, 10:00 in Rome: the invoice is 17 days late.
    now: new Date('2026-03-03T09:00:00Z'),
  };

  it('holds until the next business morning while a customer answer waits for the finance team', () => {
    const hold = stageHold({ ...base, waitingAnswers: ['planRequest'] });
    expect(hold).toMatchObject({ hold: 'waitingForFinance', reason: expect.stringContaining('planRequest') });
    expect(hold?.until.toISOString()).toBe('2026-03-04T09:00:00.000Z');
  });

  it('gives way to the call after two ignored e-mails with nobody to text, once per stage', () => {
    expect(stageHold({ ...base, ignoredEmails: 1 })).toBeUndefined();
    expect(stageHold({ ...base, ignoredEmails: 2 })).toEqual({ hold: 'callComesForward', until: base.now, reason: CALL_FORWARD_REASON });
    // Someone to text: the SMS comes instead of the call.
    expect(stageHold({ ...base, ignoredEmails: 2, customer: { ...customer, phone: '+393470000001' } })).toBeUndefined();
    const deferredOnce: ContactEvent = { tenantId: 't', invoiceId: 'I', eventId: 'e', at: '2026-03-02T09:00:00Z', type: 'deferred', channel: 'system', actor: 'system', outcome: 'recorded', stage: 'secondOverdue', details: { reason: CALL_FORWARD_REASON } };
    expect(stageHold({ ...base, ignoredEmails: 2, events: [deferredOnce] })).toBeUndefined();
    // The call already happened, or the invoice is not late yet.
    expect(stageHold({ ...base, ignoredEmails: 2, stagesDone: [{ stage: 'phoneCall', at: '2026-03-01T09:00:00Z' }] })).toBeUndefined();
    expect(stageHold({ ...base, ignoredEmails: 2, now: new Date('2026-02-14T09:00:00Z') })).toBeUndefined();
  });
});

describe('reactions to a changed invoice', () => {
  const img = (over: Partial<InvoiceImage> = {}): InvoiceImage => ({ tenantId: 't', invoiceId: 'I', status: 'open', revision: 1, run: 0, needsContact: false, amountPaid: 0, ...over });

  it('starts a new chaseable invoice, never one that needs a contact first', () => {
    expect(reactionsTo('INSERT', undefined, img())).toEqual([{ action: 'start' }]);
    expect(reactionsTo('INSERT', undefined, img({ needsContact: true }))).toEqual([]);
    expect(reactionsTo('INSERT', undefined, img({ status: 'paid' }))).toEqual([]);
  });

  it('restarts on a new revision or run, saying why; stops when it is no longer chased', () => {
    expect(reactionsTo('MODIFY', img(), img({ revision: 2 }))).toEqual([{ action: 'restart', stopCause: 'superseded by revision 2' }]);
    expect(reactionsTo('MODIFY', img(), img({ run: 1, status: 'promised' }))).toEqual([{ action: 'restart', stopCause: 'restarted: promise' }]);
    expect(reactionsTo('MODIFY', img(), img({ run: 1, status: 'written_off' }))).toEqual([{ action: 'stop', cause: 'no longer chased: written_off' }]);
    expect(reactionsTo('MODIFY', img(), img({ amountPaid: 10 }))).toEqual([]);
    expect(reactionsTo('REMOVE', img(), undefined)).toEqual([]);
  });

  it('stops and thanks once when the invoice becomes paid, with the amount this change paid', () => {
    expect(reactionsTo('MODIFY', img({ amountPaid: 20_000 }), img({ status: 'paid', amountPaid: 120_000 }))).toEqual([
      { action: 'stop', cause: 'paid' },
      { action: 'thankYou', paidNow: 100_000 },
    ]);
    expect(reactionsTo('MODIFY', img({ status: 'paid' }), img({ status: 'paid', run: 1 }))).toEqual([{ action: 'stop', cause: 'no longer chased: paid' }]);
  });

  it('sees the hand-off to the agency once: the change into escalated, not one of an escalated invoice', () => {
    expect(becameEscalated(img(), img({ status: 'escalated' }))).toBe(true);
    expect(becameEscalated(undefined, img({ status: 'escalated' }))).toBe(true);
    expect(becameEscalated(img({ status: 'escalated' }), img({ status: 'escalated', amountPaid: 10 }))).toBe(false);
    expect(becameEscalated(img({ status: 'escalated' }), img({ status: 'paid' }))).toBe(false);
  });
});
