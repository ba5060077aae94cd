/**
 * What the fault tests share: a customer with one open invoice due on 16 February 2026 (its
 * dueDate stage sends one e-mail), stored; and the SDK's backoff made measurable.
 */
import { afterEach, beforeEach, vi } from 'vitest';
import type { DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import type { FaultProxy } from './fault-proxy.js';

/** Returns a function that stores a new customer (C-<n>) and its invoice (<prefix>-<n>) each call. */
export const caseMaker = (store: DynamoRepositories, tenantId: string, prefix: string, amount: number) => {
  let seq = 0;
  return async (): Promise<{ customer: Customer; invoice: Invoice }> => {
    const n = ++seq;
    const customer = Customer.parse({
      tenantId,
      customerId: `C-${n}`,
      name: `Cliente ${n} S.p.A.`,
      country: 'IT',
      language: 'it',
      timeZone: 'Europe/Rome',
      email: `ap-${n}@cliente.example`,
      policy: 'standard',
    });
    const invoice = Invoice.parse({
      tenantId,
      invoiceId: `${prefix}-${n}`,
      number: `2026/${n}`,
      customerId: customer.customerId,
      issueDate: '2026-01-16',
      dueDate: '2026-02-16',
      currency: 'EUR',
      amount,
      status: 'open',
      createdAt: '2026-01-16T09:00:00Z',
      updatedAt: '2026-01-16T09:00:00Z',
    });
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(invoice);
    return { customer, invoice };
  };
};

/** The SDK's backoff is `random × base × 2^retry`: a fixed random makes the waits measurable. */
export const FIXED_RANDOM = 0.05;

/** Fixes Math.random for every test of the file and clears the proxy's faults after each. */
export const useFixedBackoff = (proxy: FaultProxy): void => {
  beforeEach(() => {
    vi.spyOn(Math, 'random').mockReturnValue(FIXED_RANDOM);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    proxy.reset();
  });
};
