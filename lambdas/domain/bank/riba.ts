/**
 * Italian RiBa (ricevuta bancaria) items that come back, told from the bank's words: an unpaid
 * item ("insoluto", "RIBA INSOLUTA", "effetto insoluto") or one recalled ("richiamo effetti") is
 * booked as a debit that takes back what the bank credited for it; the bank's fee for it
 * ("comm. insoluto", "commissioni su effetti insoluti", "spese richiamo") is a row of its own.
 */

/** The reason a RiBa return gets (BankReturn.reason): the bank gives no ISO code for it. */
export type RibaReason = 'RIBA_UNPAID' | 'RIBA_RECALLED';

const fold = (text: string): string => text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/\s+/g, ' ');

const CHARGE = /\b(COMM(ISSION[EI])?|SPESE|ONERI)\b.*\b(INSOLUT[OIAE]|RICHIAM[OI])\b/;
const UNPAID = /\bINSOLUT[OIAE]\b|\bMANCATO PAGAMENTO\b.*\b(RIBA|EFFETT[OI])\b/;
const RECALLED = /\bRICHIAM[OI]\b.*\bEFFETT[OI]\b|\bEFFETT[OI]\b.*\bRICHIAMAT[OI]\b/;

/** The bank's fee for an unpaid or recalled item (read before the item itself: "COMM. INSOLUTO" names both). */
export const isRibaReturnCharge = (text: string | undefined): boolean => text !== undefined && CHARGE.test(fold(text));

/** Whether a debit's text says a RiBa item came back, and which way. */
export const ribaReturnReason = (text: string | undefined): RibaReason | undefined => {
  if (text === undefined) return undefined;
  const t = fold(text);
  if (CHARGE.test(t)) return undefined;
  if (UNPAID.test(t)) return 'RIBA_UNPAID';
  if (RECALLED.test(t)) return 'RIBA_RECALLED';
  return undefined;
};
