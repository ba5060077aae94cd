/**
 * The invoices a reference or the remittance named, turned into a match when it is safe: all in
 * the credit's currency, of one customer, not already settled earlier in this run, and the amounts
 * agree (several invoices), or one invoice that the evidence pins down well enough to take a
 * partial payment or an overpayment on it too. Anything else is left as a hint with its reason.
 */
import { money, settleOne, settleSeveral } from './amounts.js';
import { labels, distinctInvoices, type CreditContext, type Matched } from './context.js';
import type { IndexedInvoice } from './open-invoices.js';
import type { MatchRule } from './types.js';

export interface NamedBy {
  rule: MatchRule;
  /** Why these invoices, for the reasons ("RF18… is the payment reference of invoice 2026/0042"). */
  because: string;
  /** Whether one invoice may take an amount that is not what it has due (partial, overpaid). */
  singleTakesAnyAmount: boolean;
  /** Weight of the hint when this evidence does not make a match. */
  hintWeight: number;
}

export const settleNamed = (ctx: CreditContext, named: readonly IndexedInvoice[], by: NamedBy): Matched | undefined => {
  const { credit, ledger } = ctx;
  let found = distinctInvoices(named);
  const withAgency = found.filter((i) => i.handedOver);
  if (withAgency.length > 0) {
    // The agency may be collecting it too, and the transfer may mean only that invoice: never
    // guessed, nor its money moved to the other invoices named beside it.
    const why = `${by.because}, but ${labels(withAgency)} ${withAgency.length === 1 ? 'is' : 'are'} with the collection agency: for the finance team to place (and to tell the agency)`;
    ctx.reasons.push(why);
    ctx.hints.push({ invoices: found, weight: by.hintWeight, reason: why });
    ctx.blocked = why;
    return undefined;
  }
  const otherCurrency = found.filter((i) => i.invoice.currency !== credit.currency);
  if (otherCurrency.length > 0) {
    ctx.reasons.push(`${by.because}, but ${labels(otherCurrency)} ${otherCurrency.length === 1 ? 'is' : 'are'} in ${otherCurrency[0]!.invoice.currency} and the credit in ${credit.currency}: a credit never pays an invoice in another currency`);
    found = found.filter((i) => i.invoice.currency === credit.currency);
  }
  const settled = found.filter((i) => ledger.remaining(i) <= 0);
  if (settled.length > 0) {
    ctx.reasons.push(`${by.because}, but ${labels(settled)} ${settled.length === 1 ? 'was' : 'were'} settled by an earlier credit in this run: a second payment is for a person to look at`);
    ctx.hints.push({ invoices: settled, weight: by.hintWeight * 0.75, reason: `${by.because}; already settled by an earlier credit of this run (a second payment?)` });
    found = found.filter((i) => ledger.remaining(i) > 0);
  }
  if (found.length === 0) return undefined;

  const customers = new Set(found.map((i) => i.invoice.customerId));
  if (customers.size > 1) {
    ctx.reasons.push(`${by.because}: ${labels(found)} belong to different customers, not applied automatically`);
    ctx.hints.push({ invoices: found, weight: by.hintWeight * 0.75, reason: `${by.because} (different customers)` });
    return undefined;
  }
  const dues = found.map((i) => ({ invoiceId: i.invoice.invoiceId, customerId: i.invoice.customerId, remaining: ledger.remaining(i) }));
  if (found.length === 1) {
    const result = settleOne(dues[0]!, credit.amount, credit.currency, ctx.shortBy);
    const amountsAgree = result.settlement === 'exact' || result.settlement === 'settledWithDifference';
    if (amountsAgree || by.singleTakesAnyAmount) return { rule: by.rule, invoices: found, result, reasons: [by.because, result.summary] };
    ctx.reasons.push(
      `${by.because}, but the credit of ${money(credit.amount, credit.currency)} is not the ${money(dues[0]!.remaining, credit.currency)} due and the debtor is not known as this customer: to confirm`,
    );
    ctx.hints.push({ invoices: found, weight: by.hintWeight, reason: by.because });
    return undefined;
  }
  const result = settleSeveral(dues, credit.amount, credit.currency, ctx.shortBy);
  if (result) return { rule: by.rule, invoices: found, result, reasons: [by.because, result.summary] };
  const total = dues.reduce((s, d) => s + d.remaining, 0);
  ctx.reasons.push(`${by.because}: together ${money(total, credit.currency)} due, the credit is ${money(credit.amount, credit.currency)}: how to split it is for a person to say`);
  ctx.hints.push({ invoices: found, weight: by.hintWeight, reason: by.because });
  return undefined;
};
