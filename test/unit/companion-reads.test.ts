import { describe, expect, it } from 'vitest';
import { readCustomerDay, findCallGroup } from '../../lambdas/app/messaging/companions.js';
import { Customer, LIMITS, type Invoice } from '../../lambdas/domain/model.js';
import type { InvoiceRepository, InvoiceView } from '../../lambdas/app/ports/invoices.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { invoiceOf } from '../support/fixtures.js';

const customer = Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cartiere Venete S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'contabilita@cartiere.example' });
const now = new Date('2026-03-03T08:00:00Z');
const tenant = { tenantId: 't', timeZone: 'Europe/Rome', paymentClaimGraceDays: 5 } as never;
const day = (i: number) => `2026-01-${String((i % 28) + 1).padStart(2, '0')}`;

/** A customer with `count` other overdue invoices, whose store counts the invoice reads in flight. */
const manySiblings = (count: number) => {
  const trigger = invoiceOf({ tenantId: 't', invoiceId: 'T', customerId: 'C', dueDate: '2026-02-16' });
  const others: Invoice[] = Array.from({ length: count }, (_, i) => invoiceOf({ tenantId: 't', invoiceId: `I-${String(i).padStart(4, '0')}`, customerId: 'C', dueDate: day(i) }));
  const seen = { inFlight: 0, most: 0, read: [] as string[] };
  const store = {
    customerInvoicesInPlay: async () => [trigger, ...others],
    openInvoicesOfCustomer: async () => [trigger, ...others],
    getInvoiceView: async (_t: string, id: string): Promise<InvoiceView | undefined> => {
      seen.inFlight++;
      seen.most = Math.max(seen.most, seen.inFlight);
      seen.read.push(id);
      await new Promise((r) => setTimeout(r, 2));
      seen.inFlight--;
      const invoice = others.find((o) => o.invoiceId === id)!;
      return { invoice, events: [], stagesDone: [], payments: [] };
    },
  } as unknown as InvoiceRepository;
  return { trigger, others, seen, deps: { invoices: store } };
};

describe('reading a customer\'s other invoices (issue 20)', () => {
  it('reads at most LIMITS.siblingReadsInFlight at once and LIMITS.siblingsRead in all, the most overdue first, for a message', async () => {
    const { trigger, others, seen, deps } = manySiblings(300);
    const { siblings } = await readCustomerDay(deps, { invoice: trigger, customer, policy: BUILT_IN_POLICIES.standard, tenant }, now);
    expect(seen.most).toBe(LIMITS.siblingReadsInFlight);
    expect(seen.read).toHaveLength(LIMITS.siblingsRead);
    expect(siblings).toHaveLength(LIMITS.siblingsRead);
    const mostOverdue = [...others].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId)).slice(0, LIMITS.siblingsRead);
    expect(new Set(seen.read)).toEqual(new Set(mostOverdue.map((o) => o.invoiceId)));
  });

  it('bounds the reads for a call the same way', async () => {
    const { trigger, seen, deps } = manySiblings(300);
    await findCallGroup(deps, { invoice: trigger, customer, policy: BUILT_IN_POLICIES.standard, tenant }, now, '2026-03-03');
    expect(seen.most).toBe(LIMITS.siblingReadsInFlight);
    expect(seen.read).toHaveLength(LIMITS.siblingsRead);
  });
});
