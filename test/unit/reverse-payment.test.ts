import { describe, expect, it } from 'vitest';
import { CommandRejected, recordPayment, type CommandContext, type Decision } from '../../lambdas/domain/commands/commands.js';
import { returnCharges, reversePayment } from '../../lambdas/domain/commands/reverse-payment.js';
import { Invoice, amountDue, type InvoiceInput } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { Customer } from '../../lambdas/domain/model.js';
import { invoiceOf } from '../support/fixtures.js';

// 10 March 2026, 10:00 in Rome: the invoice (due 14 February) is 24 days overdue.
const bank: CommandContext = { actor: 'bank', channel: 'system', now: new Date('2026-03-10T09:00:00Z'), timeZone: 'Europe/Rome' };
const anna: CommandContext = { actor: 'anna@officinerossi.example', channel: 'api', now: new Date('2026-03-10T09:30:00Z'), timeZone: 'Europe/Rome' };

const invoice = (over: Partial<InvoiceInput> = {}): Invoice => invoiceOf({ tenantId: 't1', invoiceId: 'inv-7', number: '2026/0071', run: 3, ...over });

/** The invoice paid in full by one payment, and that payment. */
const paidBy = (amount = 120_000): { paid: Invoice; payment: { paymentId: string; amount: number } } => {
  const d = recordPayment(invoice(), { amount, date: '2026-03-02', method: 'direct_debit' }, { ...bank, now: new Date('2026-03-02T09:00:00Z') });
  return { paid: d.invoice, payment: { paymentId: d.payment!.paymentId, amount } };
};

const rejection = (fn: () => unknown): CommandRejected => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandRejected) return err;
    throw err;
  }
  throw new Error('expected the command to be rejected');
};

const valid = (d: Decision): Decision => {
  Invoice.parse(d.invoice);
  return d;
};

describe('a payment returned by the bank', () => {
  it('opens the paid invoice again with a new run, the amount due back, the reason and the charge in the log', () => {
    const { paid, payment } = paidBy();
    expect(paid.status).toBe('paid');
    const d = valid(reversePayment(paid, { payment, reason: { kind: 'return', code: 'AM04', text: 'insufficient funds' }, charge: 350, creditId: 'bc_ret1' }, bank));
    expect(d.invoice).toMatchObject({ status: 'open', amountPaid: 0, run: paid.run + 1 });
    expect(amountDue(d.invoice)).toBe(120_000);
    expect(d.invoice.reversals).toEqual([
      { paymentId: payment.paymentId, amount: 120_000, at: bank.now.toISOString(), by: 'bank', kind: 'return', reason: 'AM04', reasonText: 'insufficient funds', charge: 350, creditId: 'bc_ret1' },
    ]);
    expect(returnCharges(d.invoice)).toBe(350);
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({
      type: 'payment_reversed',
      channel: 'system',
      actor: 'bank',
      details: { paymentId: payment.paymentId, amount: 120_000, kind: 'return', reason: 'AM04', charge: 350, amountDue: 120_000, from: 'paid', to: 'open' },
    });
    expect(d.events[0]!.details!.text).toMatch(/returned by the bank \(AM04 insufficient funds\).*bank charge for the returned payment €3\.50/);
    expect(d.reversal).toEqual({ paymentId: payment.paymentId, amount: 120_000, reversed: { at: bank.now.toISOString(), by: 'bank', kind: 'return', reason: 'AM04', creditId: 'bc_ret1' } });
    // Nothing runs for a paid invoice: the new run is started by the stream, nothing to stop.
    expect(d.stopCause).toBeUndefined();
    expect(d.payment).toBeUndefined();
  });

  it('on a partly paid open invoice lowers amountPaid and leaves the chase as it runs', () => {
    const inv = invoice({ amountPaid: 50_000 });
    const d = valid(reversePayment(inv, { payment: { paymentId: 'p-1', amount: 20_000 }, reason: { kind: 'return', code: 'MD06' } }, bank));
    expect(d.invoice).toMatchObject({ status: 'open', amountPaid: 30_000, run: inv.run });
    expect(d.invoice.reversals?.[0]).not.toHaveProperty('charge');
  });

  it('keeps a promise in place: its check sees the lower amount paid', () => {
    const inv = invoice({ status: 'promised', amountPaid: 60_000, promise: { date: '2026-03-20', recordedAt: '2026-03-01T10:00:00Z', expectedPaid: 120_000 } });
    const d = valid(reversePayment(inv, { payment: { paymentId: 'p-2', amount: 60_000 }, reason: { kind: 'return', code: 'AC04' } }, bank));
    expect(d.invoice).toMatchObject({ status: 'promised', amountPaid: 0, run: inv.run, promise: inv.promise });
  });

  it('refuses a payment reversed already, whoever asks', () => {
    const { paid, payment } = paidBy();
    const once = reversePayment(paid, { payment, reason: { kind: 'return', code: 'AM04' } }, bank).invoice;
    const again = rejection(() => reversePayment(once, { payment, reason: { kind: 'undo' } }, anna));
    expect(again).toMatchObject({ kind: 'conflict', code: 'payment_reversed' });
    expect(again.message).toMatch(/already reversed on 2026-03-10/);
  });

  it('refuses a payment larger than what the invoice shows paid: it cannot be one of its payments', () => {
    const r = rejection(() => reversePayment(invoice({ amountPaid: 10_000 }), { payment: { paymentId: 'p-x', amount: 20_000 }, reason: { kind: 'return' } }, bank));
    expect(r).toMatchObject({ kind: 'conflict', code: 'payment_unknown' });
    expect(rejection(() => reversePayment(invoice(), { payment: { paymentId: 'p-0', amount: 0 }, reason: { kind: 'return' } }, bank)).code).toBe('amount_not_positive');
  });

  it('a charge must be whole minor units, and an undo has none', () => {
    const inv = invoice({ amountPaid: 120_000, status: 'paid' });
    const payment = { paymentId: 'p-3', amount: 120_000 };
    expect(rejection(() => reversePayment(inv, { payment, reason: { kind: 'return' }, charge: 3.5 }, bank)).code).toBe('charge_not_valid');
    expect(rejection(() => reversePayment(inv, { payment, reason: { kind: 'undo' }, charge: 350 }, anna)).code).toBe('charge_on_undo');
  });
});

describe('a match undone by the finance team', () => {
  it('reverses with the user as actor and the note, and reopens the paid invoice', () => {
    const { paid, payment } = paidBy();
    const d = valid(reversePayment(paid, { payment, reason: { kind: 'undo', note: 'paid invoice 2026/0072, not this one' }, creditId: 'bc_wrong' }, anna));
    expect(d.invoice).toMatchObject({ status: 'open', amountPaid: 0, run: paid.run + 1 });
    expect(d.invoice.reversals?.[0]).toMatchObject({ kind: 'undo', by: anna.actor, reasonText: 'paid invoice 2026/0072, not this one', creditId: 'bc_wrong' });
    expect(d.events[0]).toMatchObject({ type: 'payment_reversed', channel: 'api', actor: anna.actor, details: { kind: 'undo' } });
    expect(d.events[0]!.details!.text).toMatch(/match undone: paid invoice 2026\/0072/);
  });
});

describe('the timeline after a reversal', () => {
  it('restarts at the stage that fits the age, without replaying what was sent', () => {
    const customer = Customer.parse({ tenantId: 't1', customerId: 'C-1', name: 'Rossi SpA', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@rossi.example' });
    const policy = BUILT_IN_POLICIES.standard;
    const { paid, payment } = paidBy();
    const reopened = reversePayment(paid, { payment, reason: { kind: 'return', code: 'AM04' } }, bank).invoice;
    // The due-date reminder went out before the collection; the invoice is now 24 days overdue.
    const plan = planTimeline({ invoice: reopened, customer, policy, stagesDone: [{ stage: 'receiptCheck', at: '2026-01-16T09:00:00Z' }, { stage: 'dueDate', at: '2026-02-16T09:00:00Z' }], now: bank.now });
    expect(plan.mode).toBe('timeline');
    // Sent stages stay done; of the ones due meanwhile only the latest written reminder goes, now.
    expect(plan.next).toBe('secondOverdue');
    expect(plan.skip).toEqual(expect.arrayContaining(['receiptCheck', 'preDue', 'dueDate', 'firstOverdue']));
    expect(plan.reason).toMatch(/backlog: 24 days overdue/);
  });
});
