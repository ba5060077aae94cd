import { describe, expect, it } from 'vitest';
import { CommandRejected, claimPayment, recordPromise } from '../../lambdas/domain/commands/commands.js';
import { selfServiceCount, withinSelfServiceCap } from '../../lambdas/domain/commands/self-service-caps.js';
import { Invoice, LIMITS, type InvoiceInput } from '../../lambdas/domain/model.js';

const NOW = new Date('2026-03-10T09:00:00Z');
const ctx = { actor: 'customer', channel: 'link' as const, now: NOW, timeZone: 'Europe/Rome' };
const invoice = (over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: 't',
    invoiceId: 'I-1',
    number: 'N-1',
    customerId: 'C-1',
    issueDate: '2026-01-10',
    dueDate: '2026-02-09',
    currency: 'EUR',
    amount: 10_000,
    status: 'open',
    createdAt: '2026-01-10T08:00:00Z',
    updatedAt: '2026-01-10T08:00:00Z',
    ...over,
  });

describe('withinSelfServiceCap', () => {
  it("counts the customer's promise on the invoice the decision writes, keeping the other count", () => {
    const inv = invoice({ selfService: { promises: 1, paymentClaims: 2 } });
    const d = withinSelfServiceCap(inv, 'promise', recordPromise(inv, { date: '2026-03-20' }, ctx));
    expect(d.invoice).toMatchObject({ status: 'promised', selfService: { promises: 2, paymentClaims: 2 } });
    expect(selfServiceCount(invoice(), 'paymentClaim')).toBe(0);
  });

  it('refuses at the cap as a conflict naming the finance team, for promises and payment claims alike', () => {
    const full = invoice({ selfService: { promises: LIMITS.selfServicePromises, paymentClaims: LIMITS.selfServicePaymentClaims } });
    const refusal = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const p = refusal(() => withinSelfServiceCap(full, 'promise', recordPromise(full, { date: '2026-03-20' }, ctx)));
    expect(p).toBeInstanceOf(CommandRejected);
    expect(p).toMatchObject({ kind: 'conflict', code: 'too_many_promises', message: expect.stringContaining('finance team') });
    const c = refusal(() => withinSelfServiceCap(full, 'paymentClaim', claimPayment(full, { graceDays: 5 }, ctx)));
    expect(c).toMatchObject({ kind: 'conflict', code: 'too_many_payment_claims' });
  });
});
