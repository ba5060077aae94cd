/** Small builders for the payment-matcher tests: an invoice, a customer, a credit. */
import type { MatchableCredit, MatchableCustomer, MatchableInvoice } from '../../../lambdas/domain/money/matching/types.js';

export const invoice = (over: Partial<MatchableInvoice> & Pick<MatchableInvoice, 'invoiceId'>): MatchableInvoice => ({
  number: over.invoiceId,
  customerId: 'C1',
  currency: 'EUR',
  amount: 100_000,
  amountPaid: 0,
  dueDate: '2026-03-10',
  status: 'open',
  ...over,
});

export const customer = (customerId: string, name: string): MatchableCustomer => ({ customerId, name });

let entry = 0;
export const credit = (over: Partial<MatchableCredit> & Pick<MatchableCredit, 'creditId'>): MatchableCredit => ({
  entryIndex: ++entry,
  account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
  amount: 100_000,
  currency: 'EUR',
  bookingDate: '2026-03-12',
  source: { format: 'camt.053' },
  ...over,
});

export const IBAN_C1 = 'GB82WEST12345698765432';
export const IBAN_C2 = 'DE89370400440532013000';
