import { describe, expect, it } from 'vitest';
import { holdCutoffDueDate, holdThresholdDays, invoicesHoldingCredit } from '../../lambdas/domain/timeline/credit-release.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';

const inv = (over: Partial<InvoiceInput>): Invoice =>
  Invoice.parse({
    tenantId: 't',
    invoiceId: over.invoiceId ?? 'I',
    number: '1',
    customerId: 'C',
    issueDate: '2026-01-01',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 1_000,
    status: 'open',
    createdAt: '2026-01-01T08:00:00Z',
    updatedAt: '2026-01-01T08:00:00Z',
    ...over,
  });

describe('when a credit hold may be lifted', () => {
  it('takes the threshold from the policy that placed it', () => {
    expect(holdThresholdDays(BUILT_IN_POLICIES.standard)).toBe(BUILT_IN_POLICIES.standard.stages.creditHold!.offsetDays);
    expect(holdThresholdDays(BUILT_IN_POLICIES.firm)).toBeLessThan(holdThresholdDays(BUILT_IN_POLICIES.relationship));
  });

  it('counts an invoice from exactly the threshold on, in every unpaid status, and never a settled one', () => {
    const today = '2026-03-03'; // 2026-02-01 + 30 days
    const held = invoicesHoldingCredit(
      [
        inv({ invoiceId: 'exact', dueDate: '2026-02-01' }),
        inv({ invoiceId: 'day-short', dueDate: '2026-02-02' }),
        inv({ invoiceId: 'promised', status: 'promised', promise: { date: '2026-03-10', recordedAt: '2026-03-01T08:00:00Z' } }),
        inv({ invoiceId: 'escalated', status: 'escalated' }),
        inv({ invoiceId: 'disputed', status: 'disputed', dispute: { reason: 'goods', text: '', openedAt: '2026-02-10T08:00:00Z' } }),
        inv({ invoiceId: 'paid', status: 'paid', amountPaid: 1_000 }),
        inv({ invoiceId: 'written-off', status: 'written_off' }),
        inv({ invoiceId: 'settled-by-payments', amountPaid: 1_000 }),
      ],
      30,
      today,
    ).map((i) => i.invoiceId);
    expect(held).toEqual(['exact', 'promised', 'escalated', 'disputed']);
    expect(holdCutoffDueDate(today, 30)).toBe('2026-02-01');
  });
});
