/**
 * Rule invoiceNumbers: invoice numbers found in the remittance text and the bank's additional
 * information (invoice-numbers.ts says what counts as one), looked up among the debtor's invoices
 * when the debtor is known, or among the whole tenant's when the number is unique there. A number
 * that only another customer's invoice has, while the debtor is known, is a suggestion: a known
 * account paying a stranger's invoice is for a person to confirm.
 */
import { normaliseCreditorReference } from '../creditor-reference.js';
import { distinctInvoices, labels, type CreditContext, type Matched } from './context.js';
import { invoiceNumbersInText, type NumberInText } from './invoice-numbers.js';
import type { IndexedInvoice } from './open-invoices.js';
import { settleNamed } from './settle-named.js';

const textsOf = (ctx: CreditContext): string[] => {
  const { credit } = ctx;
  const structured = credit.structuredReference?.ref;
  // A structured reference that is not an RF may still be the invoice number ("CUR", "QRR" …).
  const texts = [structured && !normaliseCreditorReference(structured).startsWith('RF') ? structured : undefined, credit.remittance, credit.additionalInfo];
  return texts.filter((t): t is string => t !== undefined && t.trim() !== '');
};

const invoicesNumbered = (ctx: CreditContext, n: NumberInText): IndexedInvoice[] =>
  distinctInvoices([...ctx.lookup.byNumberKey(n.key), ...(n.digitsOnly ? ctx.lookup.byCompactNumber(n.compact) : [])]);

export const matchByInvoiceNumbers = (ctx: CreditContext): Matched | undefined => {
  const numbers = new Map<string, NumberInText>();
  for (const text of textsOf(ctx)) for (const n of invoiceNumbersInText(text)) numbers.set(`${n.key}|${n.compact}`, n);
  if (numbers.size === 0) return undefined;

  const { debtor } = ctx;
  const named: IndexedInvoice[] = [];
  const because: string[] = [];
  let tie = false;
  let stranger = false;
  for (const n of [...numbers.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.compact < b.compact ? -1 : 1))) {
    const all = invoicesNumbered(ctx, n);
    if (all.length === 0) continue;
    const debtors = debtor.customerId ? all.filter((i) => i.invoice.customerId === debtor.customerId) : [];
    if (debtors.length === 1) {
      named.push(debtors[0]!);
      because.push(`"${n.written}" in the remittance is the number of ${labels(debtors)} of the debtor's customer`);
    } else if (debtors.length > 1 || (debtor.customerId === undefined && all.length > 1)) {
      const tied = debtors.length > 1 ? debtors : all;
      tie = true;
      ctx.reasons.push(`"${n.written}" in the remittance reads as the number of ${labels(tied)}: a tie, not applied automatically`);
      ctx.hints.push({ invoices: tied, weight: 0.7, reason: `"${n.written}" in the remittance reads as the number of ${labels(tied)}` });
    } else if (debtor.customerId !== undefined) {
      stranger = true;
      ctx.reasons.push(`"${n.written}" in the remittance is the number of ${labels(all)}, not an invoice of the debtor's customer ${debtor.customerId}: to confirm`);
      ctx.hints.push({ invoices: all, weight: 0.6, reason: `"${n.written}" in the remittance is the number of ${labels(all)} (another customer than the debtor's)` });
    } else {
      named.push(all[0]!);
      because.push(`"${n.written}" in the remittance is the number of ${labels(all)}, the only open invoice so numbered`);
    }
  }
  if (named.length === 0) return undefined;
  if (tie) {
    // One of the numbers is uncertain, so what the transfer pays is too.
    ctx.hints.push({ invoices: named, weight: 0.7, reason: because.join('; ') });
    return undefined;
  }
  // A partial payment or an overpayment is taken on one invoice only when the debtor is known as its
  // customer and nothing else in the text pointed elsewhere.
  const pinned = !stranger && debtor.customerId !== undefined && named.every((i) => i.invoice.customerId === debtor.customerId);
  return settleNamed(ctx, named, { rule: 'invoiceNumbers', because: because.join('; '), singleTakesAnyAmount: pinned, hintWeight: 0.8 });
};
