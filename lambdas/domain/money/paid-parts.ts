/**
 * The payments recorded on an invoice as the interest rule reads them (interest.ts
 * interestOnParts): amount and value date, in the invoice's currency only (another currency has no
 * agreed conversion here, so it stops no interest rather than a guessed amount). A payment taken
 * back (returned by the bank, a match undone) was never paid: it stops no interest either.
 */
import type { Payment } from '../model.js';
import type { DatedAmount } from './interest.js';

export const paidParts = (payments: readonly Pick<Payment, 'amount' | 'currency' | 'date' | 'reversed'>[], currency: string): DatedAmount[] =>
  payments.filter((p) => p.currency === currency && !p.reversed && Number.isSafeInteger(p.amount) && p.amount > 0).map((p) => ({ amount: p.amount, date: p.date }));
