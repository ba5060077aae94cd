import { describe, expect, it } from 'vitest';
import { Customer, type ContactEvent } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { checkPromiseDue } from '../../lambdas/domain/timeline/promise-check.js';
import { CALL_FORWARD_REASON, CREDIT_CONFIRM_BUSINESS_DAYS, stageHold, unconfirmedCredit, type CreditForCheck, type StageHoldInput, type UnconfirmedCreditInput } from '../../lambdas/domain/timeline/stage-holds.js';
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

  it('follows up a missed instalment and keeps the plan for the policy grace, then cancels it without a second reminder', () => {
    const plan = { agreedAt: '2026-03-01T09:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-10', amount: 60_000 }, { date: '2026-04-10', amount: 60_000 }] };
    const missed = inv({ status: 'promised', promise: { ...promise, expectedPaid: 60_000 }, plan });
    expect(checkPromiseDue(missed, '2026-03-11', 5)).toEqual({
      outcome: 'instalmentLate',
      graceUntil: '2026-03-15',
      reminder: { kind: 'instalmentMissed', guardKey: expect.stringContaining('2026-03-10'), promiseDate: '2026-03-10' },
    });
    // Deferred by the customer's gate to the last day of the grace: still the follow-up.
    expect(checkPromiseDue(missed, '2026-03-15', 5).outcome).toBe('instalmentLate');
    expect(checkPromiseDue(missed, '2026-03-16', 5)).toMatchObject({
      outcome: 'planCancelled',
      transition: { from: 'promised', to: 'open', remove: ['promise', 'plan'], event: 'promise_broken', details: { graceUntil: '2026-03-15' } },
    });
    // Paid within the grace: kept, whatever the grace.
    expect(checkPromiseDue({ ...missed, amountPaid: 60_000 }, '2026-03-16', 5).outcome).toBe('kept');
    // A promise without a plan has no plan grace.
    expect(checkPromiseDue(inv({ status: 'promised', promise, amountPaid: 10_000 }), '2026-03-11', 5).outcome).toBe('broken');
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

describe('the bank truth before a send (unconfirmed credits)', () => {
  const customer = Customer.parse({ tenantId: 't', customerId: 'C-1', name: 'Rossi Mario S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'c@c.example' });
  const credit = (over: Partial<CreditForCheck> = {}): CreditForCheck => ({
    creditId: 'bc_1',
    status: 'unmatched',
    amount: 50_000,
    currency: 'EUR',
    bookingDate: '2026-03-02',
    // Monday 2 March: the deadline is three business days later, Thursday 5 March.
    receivedAt: '2026-03-02T08:00:00Z',
    debtor: { name: 'ACME TRADING', iban: 'IT60 X054 2811 1010 0000 0123 456' },
    ...over,
  });
  const base: UnconfirmedCreditInput = {
    credits: [credit()],
    customer,
    knownDebtorIbans: new Map([['IT60X0542811101000000123456', 'C-1']]),
    invoice: inv({ lastContactAt: '2026-02-27T09:00:00Z' }),
    openAmountDue: 120_000,
    finance: { timeZone: 'Europe/Rome', country: 'IT' },
    policy: BUILT_IN_POLICIES.standard,
    // Tuesday 3 March 2026, 10:00 in Rome.
    now: new Date('2026-03-03T09:00:00Z'),
  };
  const byName = (over: Partial<CreditForCheck> = {}) => credit({ debtor: { name: 'ROSSI MARIO SRL', iban: 'DE89370400440532013000' }, ...over });

  it('holds on a credit from a debtor IBAN known for this customer, until the next business morning, saying why', () => {
    const check = unconfirmedCredit(base);
    expect(check.lapsed).toEqual([]);
    expect(check.hold).toMatchObject({ hold: 'unconfirmedCredit', creditIds: ['bc_1'], reason: expect.stringContaining('IT60X0542811101000000123456') });
    expect(check.hold?.reason).toContain('until 2026-03-05');
    // The same morning the finance team's answers would be looked at again.
    const waiting = stageHold({ stage: 'secondOverdue', invoice: inv(), customer, policy: BUILT_IN_POLICIES.standard, events: [], stagesDone: [], ignoredEmails: 0, waitingAnswers: ['planRequest'], now: base.now });
    expect(check.hold?.until).toEqual(waiting?.until);
    // Ahead of the call coming forward.
    const held = stageHold({ stage: 'secondOverdue', invoice: inv(), customer, policy: BUILT_IN_POLICIES.standard, events: [], stagesDone: [], ignoredEmails: 2, waitingAnswers: [], unconfirmedCredit: check.hold, now: base.now });
    expect(held).toBe(check.hold);
    // An IBAN known for another customer is theirs, even with the customer's name on it.
    expect(unconfirmedCredit({ ...base, credits: [credit({ debtor: { name: 'ROSSI MARIO SRL', iban: 'IT60X0542811101000000123456' } })], knownDebtorIbans: new Map([['IT60X0542811101000000123456', 'C-2']]) }).hold).toBeUndefined();
  });

  it('holds on a credit from a similar name with a plausible amount', () => {
    expect(unconfirmedCredit({ ...base, credits: [byName({ status: 'suggested' })] }).hold).toMatchObject({ hold: 'unconfirmedCredit', reason: expect.stringContaining('ROSSI MARIO SRL') });
    // Within the tolerance above the open amount.
    expect(unconfirmedCredit({ ...base, credits: [byName({ amount: 120_150 })], tolerance: 200 }).hold).toBeDefined();
  });

  it('follows the matcher’s suggestions over the name: held for the customer it suggests, not for another with a like name', () => {
    const suggestion = (customerId: string) => ({ invoiceIds: [`INV-${customerId}`], customerId, score: 0.82, reasons: ['amount equals the amount due'] });
    expect(unconfirmedCredit({ ...base, credits: [byName({ status: 'suggested', suggestions: [suggestion('C-2')] })] }).hold).toBeUndefined();
    const ours = unconfirmedCredit({ ...base, credits: [credit({ status: 'suggested', debtor: { name: 'Holding XYZ' }, suggestions: [suggestion('C-2'), suggestion(customer.customerId)] })] });
    expect(ours.hold?.reason).toContain("suggested by the matcher for this customer's invoice (amount equals the amount due)");
  });

  it('does not hold on a dissimilar name', () => {
    expect(unconfirmedCredit({ ...base, credits: [credit({ debtor: { name: 'Bianchi Logistica SpA' } })] })).toEqual({ lapsed: [] });
  });

  it('does not hold on an implausible amount: more than is open, another currency', () => {
    expect(unconfirmedCredit({ ...base, credits: [byName({ amount: 120_001 })] }).hold).toBeUndefined();
    expect(unconfirmedCredit({ ...base, credits: [byName({ currency: 'CHF' })] }).hold).toBeUndefined();
  });

  it('does not hold on a credit from before the last chase, nor on a decided one', () => {
    expect(unconfirmedCredit({ ...base, invoice: inv({ lastContactAt: '2026-03-02T09:00:00Z' }) })).toEqual({ lapsed: [] });
    // Never chased: since the issue day.
    expect(unconfirmedCredit({ ...base, invoice: inv({ issueDate: '2026-03-02' }) }).hold).toBeDefined();
    expect(unconfirmedCredit({ ...base, invoice: inv({ issueDate: '2026-03-03' }) }).hold).toBeUndefined();
    expect(unconfirmedCredit({ ...base, credits: [credit({ status: 'rejected' })] }).hold).toBeUndefined();
  });

  it(`no longer holds past the deadline (${CREDIT_CONFIRM_BUSINESS_DAYS} business days) and says the chase resumed`, () => {
    // Thursday 5 March is the last day it holds.
    expect(unconfirmedCredit({ ...base, now: new Date('2026-03-05T16:00:00Z') }).hold).toBeDefined();
    const friday = unconfirmedCredit({ ...base, now: new Date('2026-03-06T09:00:00Z') });
    expect(friday.hold).toBeUndefined();
    expect(friday.lapsed).toEqual([{ creditId: 'bc_1', reason: expect.stringMatching(/^chase resumed on 2026-03-06 although this credit is unconfirmed: .*not confirmed nor rejected by 2026-03-05$/) }]);
  });
});
