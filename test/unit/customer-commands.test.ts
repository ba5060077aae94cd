import { describe, expect, it } from 'vitest';
import {
  CLAIM_LOOKBACK_DAYS,
  CommandRejected,
  claimPayment,
  recordPayment,
  requestContactChange,
  requestInstalmentPlan,
  resumeChase,
  type CommandContext,
} from '../../lambdas/domain/commands/commands.js';
import { Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { invoiceOf } from '../support/fixtures.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';

// 23:30 UTC on 9 March is already 10 March in Rome: "today" is judged in the tenant's zone.
const ctx: CommandContext = { actor: 'customer', channel: 'link', now: new Date('2026-03-09T23:30:00Z'), timeZone: 'Europe/Rome' };

const invoice = (over: Partial<InvoiceInput> = {}): Invoice =>
  invoiceOf({ tenantId: 't1', invoiceId: 'inv-1', run: 2, createdAt: '2026-01-15T10:00:00Z', updatedAt: '2026-01-15T10:00:00Z', ...over });

const rejection = (fn: () => unknown): { kind: string; code: string; field?: string } => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandRejected) return { kind: err.kind, code: err.code, ...(err.field ? { field: err.field } : {}) };
    throw err;
  }
  throw new Error('expected a rejection');
};

describe('a customer reports a payment ("I have paid")', () => {
  it('marks the invoice payment-claimed, not paid: nothing is settled, the chase is restarted to wait', () => {
    const d = claimPayment(invoice(), { paidOn: '2026-03-09', reference: 'CRO 1234', graceDays: 7 }, ctx);
    expect(d.invoice.status).toBe('payment_claimed');
    expect(d.invoice.amountPaid).toBe(0);
    expect(d.invoice.paymentClaim).toEqual({ at: ctx.now.toISOString(), paidOn: '2026-03-09', reference: 'CRO 1234' });
    expect(d.invoice.run).toBe(3);
    expect(d.payment).toBeUndefined();
    expect(d.stopCause).toContain('2026-03-17');
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ type: 'payment_claimed', actor: 'customer', channel: 'link', details: { waitUntil: '2026-03-17', amountDue: 120_000 } });
  });

  it('makes the timeline wait the tenant grace period, then check (planner)', () => {
    const claimed = claimPayment(invoice(), { graceDays: 3 }, ctx).invoice;
    const plan = planTimeline({
      invoice: claimed,
      customer: { tenantId: 't1', customerId: 'C-1', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome' } as never,
      policy: { id: 'standard', tone: 'standard', stages: {}, minGapDays: 5, sendWindow: { from: '09:00', to: '18:00' }, showInterest: true, emailsPerWeek: 3, smsPerWeek: 1, escalation: 'send' } as never,
      stagesDone: [],
      now: ctx.now,
      paymentClaimGraceDays: 3,
    } as never);
    expect(plan.mode).toBe('promise');
    // Claimed on Tuesday 10 March (Rome): checked on Friday the 13th, not before.
    expect(plan.checkAt!.slice(0, 10)).toBe('2026-03-13');
  });

  it('replaces a promise (the promise is history in the log)', () => {
    const d = claimPayment(invoice({ status: 'promised', promise: { date: '2026-03-20', recordedAt: '2026-03-01T10:00:00Z' } }), { graceDays: 7 }, ctx);
    expect(d.invoice.status).toBe('payment_claimed');
    expect(d.invoice.promise).toBeUndefined();
    expect(d.events[0]!.details).toMatchObject({ replaces: 'promised' });
  });

  it('is refused twice, on a settled or disputed invoice, and for dates in the future or too long ago', () => {
    const claimed = claimPayment(invoice(), { graceDays: 7 }, ctx).invoice;
    expect(rejection(() => claimPayment(claimed, { graceDays: 7 }, ctx))).toMatchObject({ kind: 'conflict', code: 'already_claimed' });
    expect(rejection(() => claimPayment(invoice({ status: 'paid', amountPaid: 120_000 }), { graceDays: 7 }, ctx))).toMatchObject({ kind: 'conflict', code: 'invoice_paid' });
    expect(rejection(() => claimPayment(invoice({ status: 'disputed' }), { graceDays: 7 }, ctx))).toMatchObject({ kind: 'conflict', code: 'invoice_disputed' });
    expect(rejection(() => claimPayment(invoice(), { paidOn: '2026-03-11', graceDays: 7 }, ctx))).toEqual({ kind: 'rule', code: 'date_in_future', field: 'paidOn' });
    // Today in Rome is 10 March although UTC is still on the 9th: the 10th is not "in the future".
    expect(claimPayment(invoice(), { paidOn: '2026-03-10', graceDays: 7 }, ctx).invoice.status).toBe('payment_claimed');
    const tooOld = new Date(Date.UTC(2026, 2, 10 - CLAIM_LOOKBACK_DAYS - 1)).toISOString().slice(0, 10);
    expect(rejection(() => claimPayment(invoice(), { paidOn: tooOld, graceDays: 7 }, ctx))).toMatchObject({ code: 'date_too_old' });
  });

  it('ends when the finance team records the payment, or resumes when it does not arrive', () => {
    const claimed = claimPayment(invoice(), { graceDays: 7 }, ctx).invoice;
    const finance: CommandContext = { ...ctx, actor: 'anna@finance.example', channel: 'api' };
    expect(recordPayment(claimed, { amount: 120_000, date: '2026-03-09' }, finance).invoice.status).toBe('paid');
    expect(resumeChase(claimed, {}, finance).invoice.status).toBe('open');
  });
});

describe('a customer asks for a payment plan', () => {
  it('leaves the invoice as it is and gives the finance team a task', () => {
    const inv = invoice();
    const d = requestInstalmentPlan(inv, { instalments: 3, note: 'three months please', ref: 'nonce1' }, ctx);
    expect(d.invoice).toBe(inv);
    expect(d.stopCause).toBeUndefined();
    expect(d.events[0]).toMatchObject({ type: 'plan_requested', details: { instalments: 3, note: 'three months please' } });
    expect(d.task).toMatchObject({
      kind: 'planRequest',
      status: 'open',
      taskId: 'planRequest#inv-1#nonce1',
      customerId: 'C-1',
      invoiceId: 'inv-1',
      invoiceNumber: '2026/0042',
      plan: { instalments: 3, note: 'three months please' },
      createdBy: 'customer',
    });
  });

  it('refuses a count out of range and an invoice that is no longer chased', () => {
    for (const n of [1, 13, 2.5]) expect(rejection(() => requestInstalmentPlan(invoice(), { instalments: n, ref: 'r' }, ctx))).toMatchObject({ code: 'instalment_count', field: 'instalments' });
    expect(rejection(() => requestInstalmentPlan(invoice({ status: 'written_off' }), { ref: 'r' }, ctx))).toMatchObject({ kind: 'conflict' });
  });
});

describe('a customer names a new contact', () => {
  it('changes nothing yet: the contact waits in a task for the finance team', () => {
    const inv = invoice();
    const contact = { name: 'Giulia Verdi', email: 'giulia@cliente.example', role: 'accounts payable' };
    const d = requestContactChange(inv, { contact, ref: 'n2' }, ctx);
    expect(d.invoice).toBe(inv);
    expect(d.events[0]).toMatchObject({ type: 'contact_change_requested', details: { name: 'Giulia Verdi', email: 'giulia@cliente.example' } });
    expect(d.task).toMatchObject({ kind: 'contactChange', taskId: 'contactChange#C-1#n2', contact });
  });

  it('needs a way to reach the new contact', () => {
    expect(rejection(() => requestContactChange(invoice(), { contact: { name: 'Nobody' }, ref: 'n' }, ctx))).toMatchObject({ code: 'contact_unreachable' });
  });
});
