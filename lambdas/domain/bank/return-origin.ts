/**
 * Which earlier bank credit a return takes back, and the finance team's task when none can be
 * told. Pure. Only a return booked as a debit takes back money that arrived (an SDD collection
 * returned AM04/MD06/…, a credit transfer recalled, a RiBa insoluto); one booked as a credit is the
 * company's own outgoing payment coming back, no receivable of ours.
 *
 * First rule that finds one wins; among several, the most recent credit booked on or before the
 * return:
 * 1. endToEndId: the return names the original end-to-end id and a credit carries it (whatever its
 *    status: an unmatched one is simply marked returned);
 * 2. debtorIbanAmount: a matched credit from the same debtor IBAN for the same amount;
 * 3. invoiceNamedAmount: a matched credit for the same amount that paid an invoice the return's
 *    text names (RiBa exports seldom carry an IBAN; they name the invoice).
 * "The same amount" is the return's, or the return's less the bank's charge (some banks book the
 * two as one debit). A credit already taken back by another return is never found again.
 */
import { electronicFormatIBAN } from 'ibantools';
import { returnToReviewTaskId, type FinanceTask } from '../commands/tasks.js';
import { invoiceNumberKeys, invoiceNumbersInText } from '../money/matching/invoice-numbers.js';
import type { BankCreditRecord } from './credit-records.js';

export type OriginRule = 'endToEndId' | 'debtorIbanAmount' | 'invoiceNamedAmount';

export interface ReturnOrigin {
  credit: BankCreditRecord;
  rule: OriginRule;
  /** For people: how the credit was told. */
  reason: string;
}

const ibanKey = (raw: string): string => electronicFormatIBAN(raw) ?? raw.replace(/\s+/g, '').toUpperCase();

/** Whether a return record takes back money that had arrived (see the header). */
export const takesBackACredit = (ret: Pick<BankCreditRecord, 'returned'>): boolean => ret.returned?.direction === 'debit';

const amountsOf = (ret: BankCreditRecord): number[] => {
  const charge = ret.returned?.charge ?? 0;
  return charge > 0 && charge < ret.amount ? [ret.amount, ret.amount - charge] : [ret.amount];
};

const namesInvoice = (text: string, numbers: readonly string[]): string | undefined => {
  const found = invoiceNumbersInText(text);
  return numbers.find((n) => {
    const keys = invoiceNumberKeys(n);
    return keys !== undefined && found.some((f) => f.key === keys.key || (f.digitsOnly && f.compact === keys.compact));
  });
};

export const originOfReturn = (ret: BankCreditRecord, credits: readonly BankCreditRecord[]): ReturnOrigin | undefined => {
  if (!takesBackACredit(ret)) return undefined;
  const candidates = credits
    .filter(
      (c) =>
        c.returned === undefined &&
        c.creditId !== ret.creditId &&
        c.currency === ret.currency &&
        c.bookingDate <= ret.bookingDate &&
        // Taken back already, unless by this very return (a retry after a crash).
        (c.returnedBy === undefined || c.returnedBy.creditId === ret.creditId),
    )
    .sort((a, b) => (a.bookingDate !== b.bookingDate ? (a.bookingDate < b.bookingDate ? 1 : -1) : a.creditId < b.creditId ? 1 : -1));
  const amounts = amountsOf(ret);
  const matched = candidates.filter((c) => c.applied.length > 0 && amounts.includes(c.amount));

  // 1. The end-to-end id
  const e2e = ret.returned?.originalEndToEndId ?? ret.endToEndId;
  if (e2e && e2e !== 'NOTPROVIDED') {
    const c = candidates.find((x) => x.endToEndId === e2e);
    if (c) return { credit: c, rule: 'endToEndId', reason: `the return names the end-to-end id ${e2e} of the credit booked on ${c.bookingDate}` };
  }
  // 2. The debtor's IBAN and the amount
  const iban = ret.debtor?.iban ? ibanKey(ret.debtor.iban) : undefined;
  if (iban) {
    const c = matched.find((x) => x.debtor?.iban !== undefined && ibanKey(x.debtor.iban) === iban);
    if (c) return { credit: c, rule: 'debtorIbanAmount', reason: `the same debtor account ${iban} and amount as the credit booked on ${c.bookingDate}` };
  }
  // 3. An invoice the return names, and the amount
  const text = [ret.remittance, ret.additionalInfo, ret.returned?.reasonText].filter(Boolean).join(' ');
  if (text) {
    for (const c of matched) {
      const named = namesInvoice(text, c.applied.flatMap((a) => (a.invoiceNumber ? [a.invoiceNumber] : [])));
      if (named) return { credit: c, rule: 'invoiceNamedAmount', reason: `the return names invoice ${named}, paid for the same amount by the credit booked on ${c.bookingDate}` };
    }
  }
  return undefined;
};

/** The finance team's task for a return Sollecito could not act on by itself, with the reasons. */
export const returnToReviewTask = (ret: BankCreditRecord, reasons: readonly string[], at: string, customerId = ''): FinanceTask => ({
  tenantId: ret.tenantId,
  taskId: returnToReviewTaskId(ret.creditId),
  kind: 'returnToReview',
  status: 'open',
  customerId,
  createdAt: at,
  createdBy: 'bank',
  credit: {
    creditId: ret.creditId,
    amount: ret.amount,
    currency: ret.currency,
    bookingDate: ret.bookingDate,
    ...(ret.debtor?.name ? { debtorName: ret.debtor.name } : {}),
    ...(ret.remittance ? { remittance: ret.remittance } : {}),
    reasons: [...reasons],
    suggestions: [],
  },
});
