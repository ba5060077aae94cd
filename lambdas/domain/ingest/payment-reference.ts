/**
 * The payment reference an invoice carries: the company's own, kept as given; else an ISO 11649
 * RF reference made from the invoice number (and instalment), so every reminder has a reference
 * the bank carries back and the matcher recognises.
 *
 * A reference that looks like RF but fails the ISO 11649 check is kept as given (it is what the
 * company printed on its invoice) and never used as a structured reference: creditor-reference.ts
 * `structuredReference` answers undefined for it, so the QR code and the page give it as plain remittance text. Its
 * validity is a pure function of the string, so it is decided where it is used, not stored beside
 * it (a stored flag would go stale when the reference changes).
 */
import { creditorReferenceFor } from '../money/creditor-reference.js';
import type { Invoice } from '../model.js';

const MAX_BODY = 21;

/**
 * The RF made for an invoice without one: its number's letters and digits ("2025/0405" ->
 * RF36 2025 0405), "R" and the index for an instalment; a number too long for 21 characters (or
 * with no letter or digit) uses the invoice id's hash instead, so it stays unique and the same on
 * every re-upload.
 */
export const generatedPaymentReference = (inv: Pick<Invoice, 'number' | 'invoiceId' | 'instalment'>): string => {
  const body = inv.number.normalize('NFKD').replace(/[^0-9A-Za-z]/g, '') + (inv.instalment ? `R${inv.instalment.index}` : '');
  if (body.length > 0 && body.length <= MAX_BODY) return creditorReferenceFor(body);
  return creditorReferenceFor(inv.invoiceId.replace(/^inv_/, '').slice(0, MAX_BODY));
};
