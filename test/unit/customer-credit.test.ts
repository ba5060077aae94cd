/** The customer's credit applied to an invoice, refunded and offered (domain/commands/customer-credit.ts): pure, no mocks. */
import { describe, expect, it } from 'vitest';
import { CommandRejected, type CommandContext } from '../../lambdas/domain/commands/commands.js';
import {
  applyCustomerCredit,
  creditClosedResolution,
  creditLeft,
  creditOffer,
  creditToApply,
  CustomerCredit,
  customerCreditTask,
  newCustomerCredit,
  refundCustomerCredit,
} from '../../lambdas/domain/commands/customer-credit.js';
import { FinanceTask } from '../../lambdas/domain/commands/tasks.js';
import { amountDue, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { invoiceOf } from '../support/fixtures.js';

const anna: CommandContext = { actor: 'anna@officinerossi.example', channel: 'api', now: new Date('2026-03-10T09:30:00Z'), timeZone: 'Europe/Rome' };

const invoice = (over: Partial<InvoiceInput> = {}): Invoice => invoiceOf({ tenantId: 't1', invoiceId: 'inv-9', number: '2026/0090', customerId: 'C-1', amount: 30_000, ...over });

const credit = (over: Partial<CustomerCredit> = {}): CustomerCredit =>
  CustomerCredit.parse({ ...newCustomerCredit({ tenantId: 't1', customerId: 'C-1', creditId: 'bc_over1', amount: over.amount ?? 5_000, currency: 'EUR', at: '2026-03-09T07:30:00.000Z', invoiceId: 'inv-1', source: { kind: 'overpayment' } }), ...over });

const rejection = (fn: () => unknown): CommandRejected => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandRejected) return err;
    throw err;
  }
  throw new Error('expected the command to be rejected');
};

describe('how much of a credit goes to an invoice', () => {
  it('all of the credit when it is smaller than the amount due, the amount due when it is larger', () => {
    expect(creditToApply(credit({ amount: 5_000 }), invoice({ amount: 30_000 }))).toBe(5_000);
    expect(creditToApply(credit({ amount: 50_000 }), invoice({ amount: 30_000 }))).toBe(30_000);
    expect(creditToApply(credit({ amount: 5_000, remaining: 1_200 }), invoice({ amount: 30_000, amountPaid: 29_500 }))).toBe(500);
  });

  it('what is left of a credit kept before credits were applied is all of it', () => {
    const { remaining: _r, status: _s, applications: _a, ...old } = credit({ amount: 7_000 });
    expect(creditLeft(old)).toBe(7_000);
    expect(creditToApply(old, invoice())).toBe(7_000);
  });

  it('refuses another currency, another customer, a paid or written-off invoice, one with nothing due (rules)', () => {
    const cases: [Partial<InvoiceInput>, string][] = [
      [{ currency: 'GBP' }, 'currency_mismatch'],
      [{ customerId: 'C-2' }, 'other_customer'],
      [{ status: 'paid', amountPaid: 30_000 }, 'invoice_paid'],
      [{ status: 'written_off' }, 'invoice_written_off'],
      [{ status: 'not_chased', amount: 0 }, 'nothing_due'],
    ];
    for (const [over, code] of cases) {
      const r = rejection(() => creditToApply(credit(), invoice(over)));
      expect([r.kind, r.code], code).toEqual(['rule', code]);
    }
  });

  it('refuses a credit with nothing left, used up or refunded (conflicts)', () => {
    expect(rejection(() => creditToApply(credit({ remaining: 0, status: 'used' }), invoice()))).toMatchObject({ kind: 'conflict', code: 'credit_used' });
    expect(rejection(() => creditToApply(credit({ remaining: 0 }), invoice()))).toMatchObject({ kind: 'conflict', code: 'credit_used' });
    expect(rejection(() => creditToApply(credit({ remaining: 0, status: 'refunded', refund: { at: anna.now.toISOString(), by: 'x', amount: 5_000 } }), invoice()))).toMatchObject({ kind: 'conflict', code: 'credit_refunded' });
  });
});

describe('a credit applied to an invoice', () => {
  it('smaller than the amount due: a partial offset payment from the credit, nothing left, the credit used', () => {
    const inv = invoice({ amount: 30_000 });
    const d = applyCustomerCredit(inv, credit({ amount: 5_000 }), anna);
    expect(d.amount).toBe(5_000);
    expect(d.decision.payment).toMatchObject({ amount: 5_000, method: 'offset', date: '2026-03-10', source: { kind: 'credit', creditId: 'bc_over1' }, actor: anna.actor });
    expect(d.decision.invoice).toMatchObject({ status: 'open', amountPaid: 5_000 });
    expect(amountDue(d.decision.invoice)).toBe(25_000);
    expect(d.decision.events[0]).toMatchObject({ type: 'payment', details: { method: 'offset', source: { kind: 'credit', creditId: 'bc_over1' }, amountDue: 25_000 } });
    expect(d.credit).toMatchObject({ remaining: 0, status: 'used', applications: [{ invoiceId: 'inv-9', invoiceNumber: '2026/0090', amount: 5_000, paymentId: d.decision.payment!.paymentId, by: anna.actor }] });
    expect(CustomerCredit.parse(d.credit)).toEqual(d.credit);
    expect(d.entry).toMatchObject({ invoiceId: '', type: 'note', actor: anna.actor, details: { kind: 'customerCreditApplied', customerId: 'C-1', creditId: 'bc_over1', invoiceId: 'inv-9', amount: 5_000, left: 0 } });
    expect(d.entry.details?.text).toBe("€50.00 of the customer's credit from bank credit bc_over1 applied to invoice 2026/0090; nothing is left.");
    expect(creditClosedResolution(d.credit)).toBe('applied to invoice 2026/0090 (€50.00)');
  });

  it('larger than the amount due: the invoice settled (its chase stopped), the rest left on the credit', () => {
    const d = applyCustomerCredit(invoice({ amount: 30_000, amountPaid: 10_000 }), credit({ amount: 50_000 }), anna);
    expect(d.amount).toBe(20_000);
    expect(d.decision.invoice.status).toBe('paid');
    expect(d.decision.stopCause).toBeDefined();
    expect(d.credit).toMatchObject({ remaining: 30_000, status: 'open' });
    expect(d.entry.details).toMatchObject({ left: 30_000 });
  });

  it('a credit note\'s credit carries its number as the payment\'s reference', () => {
    const d = applyCustomerCredit(invoice(), credit({ creditId: 'inv_cn1', source: { kind: 'creditNote', number: 'NC-3' } }), anna);
    expect(d.decision.payment).toMatchObject({ reference: 'NC-3', source: { kind: 'credit', creditId: 'inv_cn1' } });
    expect(d.entry.details?.text).toContain('from credit note NC-3');
  });

  it('never leaves a credit below zero, whatever is applied in turn', () => {
    let c = credit({ amount: 12_345 });
    for (const due of [5_000, 4_000, 9_000]) {
      const d = applyCustomerCredit(invoice({ amount: due, invoiceId: `inv-${due}` }), c, anna);
      c = d.credit;
      expect(creditLeft(c)).toBeGreaterThanOrEqual(0);
    }
    expect(c).toMatchObject({ remaining: 0, status: 'used' });
    expect(c.applications!.map((a) => a.amount)).toEqual([5_000, 4_000, 3_345]);
    expect(() => applyCustomerCredit(invoice({ invoiceId: 'inv-more' }), c, anna)).toThrow(CommandRejected);
  });
});

describe('a credit refunded', () => {
  it('closes what is left as refunded, with the reference, and says so in the customer\'s log', () => {
    const d = refundCustomerCredit(credit({ amount: 5_000, remaining: 2_000 }), { reference: 'SEPA-RIMB-1', note: 'bonifico di rimborso' }, anna);
    expect(d.amount).toBe(2_000);
    expect(d.credit).toMatchObject({ remaining: 0, status: 'refunded', refund: { amount: 2_000, reference: 'SEPA-RIMB-1', note: 'bonifico di rimborso', by: anna.actor, at: anna.now.toISOString() } });
    expect(d.entry.details).toMatchObject({ kind: 'customerCreditRefunded', amount: 2_000, reference: 'SEPA-RIMB-1' });
    expect(creditClosedResolution(d.credit)).toBe('refunded €20.00 (SEPA-RIMB-1)');
    expect(rejection(() => refundCustomerCredit(d.credit, {}, anna)).code).toBe('credit_refunded');
  });
});

describe('the offer', () => {
  it('lists the customer\'s invoices in the credit\'s currency still chased with something due, earliest first, less what was paid since', () => {
    const invoices = [
      invoice({ invoiceId: 'a', number: 'A', dueDate: '2026-03-20', amount: 10_000 }),
      invoice({ invoiceId: 'b', number: 'B', dueDate: '2026-02-01', amount: 20_000, status: 'promised', promise: { date: '2026-03-15', recordedAt: '2026-03-01T00:00:00Z' } }),
      invoice({ invoiceId: 'gbp', number: 'G', currency: 'GBP' }),
      invoice({ invoiceId: 'other', number: 'O', customerId: 'C-2' }),
      invoice({ invoiceId: 'paid', number: 'P', status: 'paid', amountPaid: 30_000 }),
      invoice({ invoiceId: 'disputed', number: 'D', status: 'disputed', dispute: { reason: 'goods', text: '', openedAt: '2026-03-01T00:00:00Z' } }),
      invoice({ invoiceId: 'settled-now', number: 'S', amount: 7_000 }),
    ];
    const offer = creditOffer(credit(), invoices, new Map([['settled-now', 7_000], ['a', 1_000]]));
    expect(offer).toEqual([
      { invoiceId: 'b', number: 'B', dueDate: '2026-02-01', amountDue: 20_000 },
      { invoiceId: 'a', number: 'A', dueDate: '2026-03-20', amountDue: 9_000 },
    ]);
    const task = FinanceTask.parse(customerCreditTask(credit(), offer, anna.now.toISOString(), 'bank'));
    expect(task).toMatchObject({
      taskId: 'customerCredit#C-1#bc_over1',
      kind: 'customerCredit',
      status: 'open',
      customerId: 'C-1',
      customerCredit: { creditId: 'bc_over1', amount: 5_000, currency: 'EUR', source: { kind: 'bankCredit', bankCreditId: 'bc_over1' }, invoiceId: 'inv-1', offer },
    });
    expect(customerCreditTask(credit({ source: { kind: 'creditNote', number: 'NC-3' } }), [], anna.now.toISOString(), 'system').customerCredit?.source).toEqual({ kind: 'creditNote', number: 'NC-3' });
  });
});
