/**
 * Rule debtorIbanAmount: the debtor's IBAN is known for a customer, and the credit is exactly what
 * one of that customer's open invoices has due, or what exactly one set of two to
 * `maxCombinationSize` of them adds up to (a credit short of an invoice within tolerance is only
 * suggested here: the amount is the only evidence). Both are counted together:
 * an invoice of 200 and two of 100 make a credit of 200 a tie, not a match. The set search runs
 * only over customers with at most `maxInvoicesForCombination` open invoices in the currency.
 */
import { money, settleOne, settleSeveral } from './amounts.js';
import { combinationsSummingTo } from './combinations.js';
import { byDueDateThenId, distinctInvoices, labels, type CreditContext, type Matched } from './context.js';
import type { IndexedInvoice } from './open-invoices.js';

/** The customer's invoices whose amount left due is within [from, to] now, in this run. */
const dueBetween = (ctx: CreditContext, customerId: string, from: number, to: number): IndexedInvoice[] => {
  const { lookup, ledger, credit } = ctx;
  const untouched = lookup.ofCustomerDueBetween(customerId, credit.currency, from, to).filter((i) => ledger.remaining(i) === i.due);
  const touched = ledger.touchedOf(customerId, credit.currency).filter((i) => ledger.remaining(i) >= from && ledger.remaining(i) <= to);
  return distinctInvoices([...untouched, ...touched]);
};

export const matchByDebtorIbanAmount = (ctx: CreditContext): Matched | undefined => {
  const { credit, debtor, ledger, lookup } = ctx;
  if (debtor.by !== 'iban' || debtor.customerId === undefined) return undefined;
  const customerId = debtor.customerId;
  const amount = money(credit.amount, credit.currency);
  const known = `the debtor's IBAN is known for customer ${customerId}`;
  const open = lookup.ofCustomer(customerId, credit.currency).filter((i) => ledger.remaining(i) > 0);
  if (open.length === 0) {
    ctx.reasons.push(`the debtor's IBAN is known for customer ${customerId}, who has no open invoice in ${credit.currency}`);
    return undefined;
  }
  const singles = dueBetween(ctx, customerId, credit.amount, credit.amount);
  if (singles.length === 0 && ctx.shortBy > 0) {
    // With the amount as the only evidence, "a little short" would fit 200 times as many invoices
    // as "exactly": those are suggested, never settled.
    const near = dueBetween(ctx, customerId, credit.amount + 1, credit.amount + ctx.shortBy);
    for (const inv of near) {
      const why = `${known}; ${labels([inv])} has ${money(ledger.remaining(inv), credit.currency)} due, ${money(ledger.remaining(inv) - credit.amount, credit.currency)} more than the credit (within tolerance, but the amount is the only evidence)`;
      ctx.hints.push({ invoices: [inv], weight: 0.7, reason: why });
    }
  }

  const searchable = open.length <= ctx.maxInvoicesForCombination;
  const sets = searchable
    ? combinationsSummingTo(open.map((i) => ledger.remaining(i)), credit.amount, 2, ctx.maxCombinationSize, 2 - Math.min(singles.length, 1)).map((idx) =>
        idx.map((k) => open[k]!).sort(byDueDateThenId),
      )
    : [];
  const candidates = [...singles.map((i) => [i]), ...sets];

  if (candidates.length === 1) {
    const invoices = candidates[0]!;
    const dues = invoices.map((i) => ({ invoiceId: i.invoice.invoiceId, customerId, remaining: ledger.remaining(i) }));
    const result = invoices.length === 1 ? settleOne(dues[0]!, credit.amount, credit.currency, 0) : settleSeveral(dues, credit.amount, credit.currency, 0)!;
    const what = invoices.length === 1 ? `the only open invoice of that customer with ${money(dues[0]!.remaining, credit.currency)} due is ${labels(invoices)}` : `the only set of that customer's open invoices adding up to ${amount} is ${labels(invoices)}`;
    const bound = searchable ? `` : ` (${open.length} open invoices: more than ${ctx.maxInvoicesForCombination}, no search for several invoices)`;
    return { rule: 'debtorIbanAmount', invoices, result, reasons: [`${known}; ${what}${bound}`, result.summary] };
  }
  if (candidates.length > 1) {
    ctx.reasons.push(`${known}, but ${amount} fits more than one choice (${candidates.map((c) => labels(c)).join('; ')}): a tie, not applied automatically`);
    for (const c of candidates) ctx.hints.push({ invoices: c, weight: 0.7, reason: `${known}; ${labels(c)} ${c.length === 1 ? 'has' : 'add up to'} ${amount} due` });
    return undefined;
  }
  ctx.reasons.push(
    searchable
      ? `${known}, but no open invoice of that customer, nor any set of up to ${ctx.maxCombinationSize}, has ${amount} due`
      : `${known}, but no open invoice of that customer has ${amount} due, and with ${open.length} open invoices (more than ${ctx.maxInvoicesForCombination}) sets of invoices are not searched`,
  );
  return undefined;
};
