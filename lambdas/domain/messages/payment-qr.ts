/**
 * The EPC QR code a message shows under "how to pay" (money/epc-qr.ts): the supplier's account,
 * what is due now on the message's invoices, and their reference. One invoice: its RF reference
 * structured (any other reference, or its number, as text). Several: their total, their references
 * as text (the matcher reads RF references out of free text). Only for euro debts, in one currency.
 */
import { epcQrPayload } from '../money/epc-qr.js';
import type { Tenant } from '../model.js';
import type { MessageLine } from './rendering/types.js';

export const paymentQrFor = (tenant: Pick<Tenant, 'name' | 'iban' | 'bic'>, lines: readonly Pick<MessageLine, 'invoice' | 'amountDue'>[]): string | undefined => {
  const owed = lines.filter((l) => l.amountDue > 0);
  if (owed.length === 0 || owed.some((l) => l.invoice.currency !== 'EUR')) return undefined;
  const refs = owed.map((l) => l.invoice.paymentReference ?? l.invoice.number);
  const out = epcQrPayload({
    beneficiary: tenant.name,
    iban: tenant.iban,
    ...(tenant.bic ? { bic: tenant.bic } : {}),
    currency: 'EUR',
    amount: owed.reduce((n, l) => n + l.amountDue, 0),
    ...(owed.length === 1 ? { reference: refs[0]! } : { text: refs.join(' ') }),
  });
  return out.ok ? out.payload : undefined;
};
