import { describe, expect, it } from 'vitest';
import {
  CommandRejected,
  addSalesNote,
  agreeInstalmentPlan,
  escalateNow,
  openDispute,
  pauseChase,
  promiseKept,
  recordCallOutcome,
  recordPayment,
  recordPromise,
  releaseCreditHold,
  resolveDispute,
  resumeChase,
  updateCustomer,
  writeOff,
  type CommandContext,
  type Decision,
} from '../../lambdas/domain/commands/commands.js';
import { Customer, Invoice, LIMITS, amountDue, type InvoiceInput } from '../../lambdas/domain/model.js';
import { salesNoteId } from '../../lambdas/domain/commands/sales-notes.js';
import { invoiceOf } from '../support/fixtures.js';

// 23:30 UTC on 9 March is already 10 March in Rome: "today" is judged in the tenant's zone.
const ctx: CommandContext = { actor: 'anna@finance.example', now: new Date('2026-03-09T23:30:00Z'), timeZone: 'Europe/Rome' };

const invoice = (over: Partial<InvoiceInput> = {}): Invoice =>
  invoiceOf({ tenantId: 't1', invoiceId: 'inv-1', run: 2, createdAt: '2026-01-15T10:00:00Z', updatedAt: '2026-01-15T10:00:00Z', ...over });

const rejection = (fn: () => unknown): CommandRejected => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandRejected) return err;
    throw err;
  }
  throw new Error('expected the command to be rejected');
};

/** The written state must still be a valid invoice (what the adapter writes and later parses). */
const valid = (d: Decision): Decision => {
  Invoice.parse(d.invoice);
  return d;
};

describe('payments', () => {
  it('a partial payment lowers the amount due and lets the chase go on (no stop, same run)', () => {
    const d = valid(recordPayment(invoice(), { amount: 20_000, date: '2026-03-09', method: 'bank_transfer', reference: 'CRO 123' }, ctx));
    expect(amountDue(d.invoice)).toBe(100_000);
    expect(d.invoice.status).toBe('open');
    expect(d.invoice.run).toBe(2);
    expect(d.stopCause).toBeUndefined();
    expect(d.payment).toMatchObject({ amount: 20_000, currency: 'EUR', date: '2026-03-09', actor: ctx.actor });
    expect(d.events.map((e) => [e.type, e.actor, e.details?.amountDue])).toEqual([['payment', ctx.actor, 100_000]]);
  });

  it('paying everything settles the invoice and stops the execution with a cause naming the user', () => {
    const inv = invoice({ amountPaid: 20_000 });
    const d = valid(recordPayment(inv, { amount: 100_000, date: '2026-03-10' }, ctx));
    expect(d.invoice.status).toBe('paid');
    expect(amountDue(d.invoice)).toBe(0);
    expect(d.stopCause).toContain(ctx.actor);
  });

  it('refuses a payment on a settled invoice (409), an overpayment, a future date or another currency (422)', () => {
    expect(rejection(() => recordPayment(invoice({ status: 'paid', amountPaid: 120_000 }), { amount: 1, date: '2026-03-09' }, ctx))).toMatchObject({
      kind: 'conflict',
      code: 'invoice_paid',
    });
    expect(rejection(() => recordPayment(invoice({ amountPaid: 100_000 }), { amount: 20_001, date: '2026-03-09' }, ctx))).toMatchObject({
      kind: 'rule',
      field: 'amount',
    });
    // Today in Rome is 10 March: the 10th is fine, the 11th is the future.
    expect(() => recordPayment(invoice(), { amount: 1, date: '2026-03-10' }, ctx)).not.toThrow();
    expect(rejection(() => recordPayment(invoice(), { amount: 1, date: '2026-03-11' }, ctx))).toMatchObject({ kind: 'rule', field: 'date' });
    expect(rejection(() => recordPayment(invoice(), { amount: 1, date: '2026-03-09', currency: 'RON' }, ctx))).toMatchObject({
      kind: 'rule',
      field: 'currency',
    });
  });

  it('a payment short by a difference the company lets go (bank charges) settles the invoice, the difference recorded; it must add up', () => {
    const d = valid(recordPayment(invoice(), { amount: 119_850, date: '2026-03-09', difference: { amount: 150, reason: 'bank charges' } }, ctx));
    expect(d.invoice).toMatchObject({ status: 'paid', amountPaid: 119_850, settledDifference: { amount: 150, reason: 'bank charges', paymentId: d.payment!.paymentId } });
    expect(amountDue(d.invoice)).toBe(0);
    expect(d.events[0]?.details).toMatchObject({ amount: 119_850, difference: 150, amountDue: 0 });
    expect(d.stopCause).toMatch(/paid in full/);
    expect(rejection(() => recordPayment(invoice(), { amount: 119_000, date: '2026-03-09', difference: { amount: 150, reason: 'bank charges' } }, ctx))).toMatchObject({
      kind: 'rule',
      code: 'difference_mismatch',
      field: 'difference',
    });
  });

  it('a partial payment that covers a promised amount keeps the promise and resumes the timeline in a new run', () => {
    const promised = recordPromise(invoice(), { date: '2026-03-20', amount: 50_000, by: 'Paolo' }, ctx).invoice;
    const d = valid(recordPayment(promised, { amount: 50_000, date: '2026-03-10' }, ctx));
    expect(d.invoice.status).toBe('open');
    expect(d.invoice.promise).toBeUndefined();
    expect(d.invoice.run).toBe(promised.run + 1);
    expect(d.events.map((e) => e.type)).toEqual(['payment', 'promise_kept']);
    expect(d.stopCause).toMatch(/promise kept/);
  });

  it('a payment short of the promised amount leaves the promise waiting for its check', () => {
    const promised = recordPromise(invoice(), { date: '2026-03-20', amount: 50_000 }, ctx).invoice;
    const d = recordPayment(promised, { amount: 49_999, date: '2026-03-10' }, ctx);
    expect(d.invoice.status).toBe('promised');
    expect(d.invoice.run).toBe(promised.run);
    expect(promiseKept(d.invoice)).toBe(false);
    expect(d.stopCause).toBeUndefined();
  });

  it('a partial payment after a customer claimed to have paid resumes the chase for the rest', () => {
    const d = valid(recordPayment(invoice({ status: 'payment_claimed' }), { amount: 1_000, date: '2026-03-09' }, ctx));
    expect(d.invoice.status).toBe('open');
    expect(d.invoice.run).toBe(3);
  });
});

describe('promises', () => {
  it('pauses the chase on a new run and is checked against the full amount when no amount is given', () => {
    const d = valid(recordPromise(invoice({ amountPaid: 20_000 }), { date: '2026-03-31', by: 'Paolo Verdi', note: 'after their customer pays' }, ctx));
    expect(d.invoice.status).toBe('promised');
    expect(d.invoice.run).toBe(3);
    expect(d.invoice.promise).toMatchObject({ date: '2026-03-31', by: 'Paolo Verdi', expectedPaid: 120_000 });
    expect(d.stopCause).toContain('2026-03-31');
    expect(d.events[0]).toMatchObject({ type: 'promise', actor: ctx.actor, channel: 'api' });
  });

  it('accepts today (in the tenant zone) and rejects yesterday or beyond the horizon with the field named', () => {
    expect(recordPromise(invoice(), { date: '2026-03-10' }, ctx).invoice.status).toBe('promised');
    expect(rejection(() => recordPromise(invoice(), { date: '2026-03-09' }, ctx))).toMatchObject({ kind: 'rule', code: 'date_in_past', field: 'date' });
    expect(rejection(() => recordPromise(invoice(), { date: '2026-06-09' }, ctx))).toMatchObject({ kind: 'rule', code: 'date_too_far' });
  });

  it('refuses a promise on a disputed, paid or written-off invoice with a reason', () => {
    const disputed = rejection(() => recordPromise(invoice({ status: 'disputed' }), { date: '2026-03-20' }, ctx));
    expect(disputed.kind).toBe('conflict');
    expect(disputed.message).toMatch(/resolve the dispute first/);
    expect(rejection(() => recordPromise(invoice({ status: 'paid' }), { date: '2026-03-20' }, ctx)).kind).toBe('conflict');
    expect(rejection(() => recordPromise(invoice({ status: 'written_off' }), { date: '2026-03-20' }, ctx)).kind).toBe('conflict');
  });

  it('refuses a promised amount above what is due', () => {
    expect(rejection(() => recordPromise(invoice({ amountPaid: 100_000 }), { date: '2026-03-20', amount: 20_001 }, ctx))).toMatchObject({
      field: 'amount',
    });
  });
});

describe('instalment plans', () => {
  const plan = { instalments: [{ date: '2026-03-31', amount: 40_000 }, { date: '2026-04-30', amount: 40_000 }, { date: '2026-05-29', amount: 40_000 }] };

  it('follows the first instalment like a promise', () => {
    const d = valid(agreeInstalmentPlan(invoice(), plan, ctx));
    expect(d.invoice.status).toBe('promised');
    expect(d.invoice.promise).toMatchObject({ date: '2026-03-31', amount: 40_000, expectedPaid: 40_000 });
    expect(d.invoice.plan?.instalments).toHaveLength(3);
    expect(d.invoice.run).toBe(3);
  });

  it('moves to the next instalment when one is paid, skipping those a larger payment already covers', () => {
    const agreed = agreeInstalmentPlan(invoice(), plan, ctx).invoice;
    const first = valid(recordPayment(agreed, { amount: 40_000, date: '2026-03-10' }, ctx));
    expect(first.invoice.status).toBe('promised');
    expect(first.invoice.promise).toMatchObject({ date: '2026-04-30', expectedPaid: 80_000 });
    expect(first.invoice.run).toBe(agreed.run + 1);
    expect(first.events.map((e) => e.type)).toEqual(['payment', 'promise_kept']);

    const big = recordPayment(agreed, { amount: 85_000, date: '2026-03-10' }, ctx);
    expect(big.invoice.promise).toMatchObject({ date: '2026-05-29', expectedPaid: 120_000 });

    const last = recordPayment(big.invoice, { amount: 35_000, date: '2026-03-10' }, ctx);
    expect(last.invoice.status).toBe('paid');
    expect(last.invoice.plan).toBeUndefined();
  });

  it('counts instalments from what was already paid when the plan was agreed', () => {
    const agreed = agreeInstalmentPlan(invoice({ amountPaid: 20_000 }), { instalments: [{ date: '2026-03-31', amount: 50_000 }, { date: '2026-04-30', amount: 50_000 }] }, ctx).invoice;
    expect(agreed.promise?.expectedPaid).toBe(70_000);
    expect(recordPayment(agreed, { amount: 50_000, date: '2026-03-10' }, ctx).invoice.promise?.date).toBe('2026-04-30');
  });

  it('rejects plans that do not add up, go backwards, start in the past or have a single instalment', () => {
    expect(rejection(() => agreeInstalmentPlan(invoice(), { instalments: [{ date: '2026-03-31', amount: 60_000 }, { date: '2026-04-30', amount: 59_999 }] }, ctx))).toMatchObject({
      code: 'plan_total_mismatch',
      field: 'instalments',
    });
    expect(rejection(() => agreeInstalmentPlan(invoice(), { instalments: [{ date: '2026-04-30', amount: 60_000 }, { date: '2026-03-31', amount: 60_000 }] }, ctx))).toMatchObject({
      field: 'instalments.1.date',
    });
    expect(rejection(() => agreeInstalmentPlan(invoice(), { instalments: [{ date: '2026-03-01', amount: 60_000 }, { date: '2026-03-31', amount: 60_000 }] }, ctx))).toMatchObject({
      field: 'instalments.0.date',
    });
    expect(rejection(() => agreeInstalmentPlan(invoice(), { instalments: [{ date: '2026-03-31', amount: 120_000 }] }, ctx)).code).toBe('instalment_count');
  });
});

describe('disputes', () => {
  const disputed = () => openDispute(invoice({ amountPaid: 20_000 }), { reason: 'goods', text: 'Two pallets arrived damaged' }, ctx).invoice;

  it('opening one ends the chase (stop, no new run) and drops any promise', () => {
    const promised = recordPromise(invoice(), { date: '2026-03-20' }, ctx).invoice;
    const d = valid(openDispute(promised, { reason: 'amount' }, ctx));
    expect(d.invoice.status).toBe('disputed');
    expect(d.invoice.run).toBe(promised.run);
    expect(d.invoice.promise).toBeUndefined();
    expect(d.stopCause).toMatch(/dispute \(amount\)/);
    expect(rejection(() => openDispute(d.invoice, { reason: 'goods' }, ctx)).code).toBe('already_disputed');
  });

  it('rejected: the chase resumes on a new run', () => {
    const inv = disputed();
    const d = valid(resolveDispute(inv, { outcome: 'rejected', note: 'goods were fine on delivery' }, ctx));
    expect(d.invoice.status).toBe('open');
    expect(d.invoice.dispute).toBeUndefined();
    expect(d.invoice.run).toBe(inv.run + 1);
    expect(d.events[0]).toMatchObject({ type: 'dispute_resolved', details: { outcome: 'rejected', reason: 'goods' } });
  });

  it('upheld with a credit note: the amount drops and the rest is chased', () => {
    const d = valid(resolveDispute(disputed(), { outcome: 'upheld', creditNote: { amount: 30_000, reference: 'NC 2026/3' } }, ctx));
    expect(d.invoice.amount).toBe(90_000);
    expect(amountDue(d.invoice)).toBe(70_000);
    expect(d.invoice.status).toBe('open');
    expect(d.events[0]?.details).toMatchObject({ previousAmount: 120_000, newAmount: 90_000 });
  });

  it('upheld down to what was already paid: the invoice is settled', () => {
    const d = valid(resolveDispute(disputed(), { outcome: 'upheld', newAmount: 20_000 }, ctx));
    expect(d.invoice.status).toBe('paid');
  });

  it('upheld for the whole amount with nothing paid: the invoice is no longer chased', () => {
    const inv = openDispute(invoice(), { reason: 'invoice_details' }, ctx).invoice;
    const d = valid(resolveDispute(inv, { outcome: 'upheld', creditNote: { amount: 120_000 } }, ctx));
    expect(d.invoice.status).toBe('not_chased');
  });

  it('refuses a correction below what was paid, a credit above what is due, or resolving an undisputed invoice', () => {
    expect(rejection(() => resolveDispute(disputed(), { outcome: 'upheld', newAmount: 19_999 }, ctx)).field).toBe('newAmount');
    expect(rejection(() => resolveDispute(disputed(), { outcome: 'upheld', creditNote: { amount: 100_001 } }, ctx)).field).toBe('creditNote.amount');
    expect(rejection(() => resolveDispute(invoice(), { outcome: 'rejected' }, ctx))).toMatchObject({ kind: 'conflict', code: 'not_disputed' });
  });
});

describe('pause, resume, escalate, write off, calls', () => {
  it('a pause until a date needs a new run (wait then check); an open-ended pause just ends the chase', () => {
    const until = valid(pauseChase(invoice(), { until: '2026-04-15', reason: 'customer in administration' }, ctx));
    expect(until.invoice).toMatchObject({ status: 'paused', pause: { until: '2026-04-15' }, run: 3 });
    const open = valid(pauseChase(invoice(), { reason: 'CEO asked to hold' }, ctx));
    expect(open.invoice.run).toBe(2);
    expect(open.stopCause).toBeDefined();
    expect(rejection(() => pauseChase(invoice(), { until: '2026-03-10', reason: 'x' }, ctx)).field).toBe('until');
  });

  it('resume reopens a paused invoice on a new run, and is refused for an open one', () => {
    const paused = pauseChase(invoice(), { reason: 'hold' }, ctx).invoice;
    const d = valid(resumeChase(paused, {}, ctx));
    expect(d.invoice).toMatchObject({ status: 'open', run: 3 });
    expect(d.invoice.pause).toBeUndefined();
    expect(rejection(() => resumeChase(invoice(), {}, ctx)).kind).toBe('conflict');
  });

  it('resume restarts the timeline of an open invoice that carries a failure, on a new run, and clears the failure', () => {
    const failure = { at: '2026-03-09T08:00:00Z', state: 'TableStream', error: 'RetryAttemptsExhausted', cause: 'the stream gave the batch up' };
    const d = valid(resumeChase(invoice({ failure }), { reason: 'checked' }, ctx));
    expect(d.invoice).toMatchObject({ status: 'open', run: 3 });
    expect(d.invoice.failure).toBeUndefined();
    expect(d.events[0]?.details).toMatchObject({ from: 'open', failure: 'TableStream' });
    expect(d.stopCause).toBeDefined();
  });

  it('escalate now and write off end the chase and leave the open statuses', () => {
    const e = valid(escalateNow(invoice(), { reason: 'no answer for weeks' }, ctx));
    expect(e.invoice.status).toBe('escalated');
    expect(e.stopCause).toContain(ctx.actor);
    const w = valid(writeOff(invoice({ amountPaid: 20_000 }), { reason: 'customer insolvent' }, ctx));
    expect(w.invoice.status).toBe('written_off');
    expect(w.events[0]?.details).toMatchObject({ amount: 100_000, currency: 'EUR' });
    expect(rejection(() => writeOff(invoice({ status: 'paid' }), { reason: 'x' }, ctx)).kind).toBe('conflict');
  });

  it('a call that obtained a promise records both the call and the promise', () => {
    const d = valid(recordCallOutcome(invoice(), { reached: true, note: 'spoke to Paolo', promise: { date: '2026-03-25' } }, ctx));
    expect(d.events.map((e) => [e.type, e.channel])).toEqual([
      ['call_outcome', 'phone'],
      ['promise', 'phone'],
    ]);
    expect(d.invoice.status).toBe('promised');
    const unreached = recordCallOutcome(invoice(), { reached: false }, ctx);
    expect(unreached.invoice.status).toBe('open');
    expect(unreached.stopCause).toBeUndefined();
    expect(rejection(() => recordCallOutcome(invoice(), { reached: false, promise: { date: '2026-03-25' } }, ctx)).field).toBe('promise');
  });
});

describe('customers', () => {
  const customer = (over: Record<string, unknown> = {}) =>
    Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Verdi Srl', country: 'IT', language: 'it', timeZone: 'Europe/Rome', ...over });

  it('an update logs which fields changed, bumps the version, and notices a newly reachable customer', () => {
    const d = updateCustomer(customer(), { email: 'ap@verdi.example', language: 'en' }, ctx);
    expect(d.customer).toMatchObject({ email: 'ap@verdi.example', language: 'en', version: 1 });
    expect(d.becameReachable).toBe(true);
    expect(d.events[0]).toMatchObject({ type: 'contact_added', details: { fields: ['email', 'language'] } });
    expect(JSON.stringify(d.events)).not.toContain('ap@verdi.example');
  });

  it('a new address replaces a bounced one as deliverable; null removes a field; no change logs nothing', () => {
    const bounced = customer({ email: 'old@verdi.example', emailStatus: 'bounced' });
    const fixed = updateCustomer(bounced, { email: 'new@verdi.example' }, ctx);
    expect(fixed.customer.emailStatus).toBe('ok');
    expect(fixed.becameReachable).toBe(true);
    const removed = updateCustomer(customer({ phone: '+393471234567' }), { phone: null }, ctx);
    expect(removed.customer.phone).toBeUndefined();
    expect(updateCustomer(customer({ language: 'it' }), { language: 'it' }, ctx).events).toEqual([]);
  });

  it('a sales note is an item of its own, once per text, at most LIMITS.salesNotes a customer', () => {
    const d = addSalesNote(customer({ salesNoteIds: [salesNoteId('first')] }), { text: 'second' }, ctx);
    expect(d.customer.salesNoteIds).toEqual([salesNoteId('first'), salesNoteId('second')]);
    expect(d.customer.salesNotes).toEqual([]);
    expect(d.salesNotes).toEqual([expect.objectContaining({ noteId: salesNoteId('second'), text: 'second', by: ctx.actor })]);
    const same = customer({ salesNoteIds: [salesNoteId('first')] });
    expect(addSalesNote(same, { text: ' first ' }, ctx)).toMatchObject({ customer: same, events: [] });
    const full = customer({ salesNoteIds: Array.from({ length: LIMITS.salesNotes }, (_, i) => `n${i}`) });
    expect(rejection(() => addSalesNote(full, { text: 'one more' }, ctx))).toMatchObject({ kind: 'conflict', code: 'sales_notes_full' });
  });

  it('releasing a hold needs one and logs it on the customer and the invoice', () => {
    expect(rejection(() => releaseCreditHold(customer(), {}, ctx))).toMatchObject({ kind: 'conflict', code: 'no_credit_hold' });
    const held = customer({ creditHold: { placedAt: '2026-03-01T09:00:00Z', invoiceId: 'inv-9', reason: '30 days late' } });
    const d = releaseCreditHold(held, { reason: 'paid' }, ctx);
    expect(d.customer.creditHold).toBeUndefined();
    expect(d.events.map((e) => [e.type, e.invoiceId])).toEqual([
      ['credit_hold_released', ''],
      ['credit_hold_released', 'inv-9'],
    ]);
  });
});
