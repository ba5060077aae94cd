/**
 * The payment matcher: for each booked credit, which open invoices it pays and why, or which it
 * may pay for a person to confirm, or that nothing fits. Pure and deterministic: the invoices are
 * indexed once; credits are decided in a stable order (booking date, bank reference, credit id)
 * and what one credit allocates comes off the invoices before the next one is looked at; every
 * list is sorted by stable keys, so shuffling the input changes nothing. Rules, first match wins:
 *
 * 1. creditorReference: a valid RF reference that is an open invoice's payment reference.
 * 2. invoiceNumbers: invoice numbers in the remittance, of the debtor's customer or unique in the
 *    tenant, when the amounts add up (one invoice also takes a partial payment or an overpayment
 *    when the debtor is known as its customer).
 * 3. debtorIbanAmount: a known debtor IBAN and an amount that exactly one invoice, or exactly one
 *    set of invoices, of that customer has due.
 * 4. otherwise ranked suggestions (suggestions.ts), never applied.
 *
 * A tie for any rule is a suggestion, never a match. Whether a credit was already matched in an
 * earlier run is the caller's to know (credits are idempotent by account and bank reference).
 */
import { toleranceFor } from './amounts.js';
import type { CreditContext, Debtor, Matched } from './context.js';
import { RunLedger } from './ledger.js';
import { nameKey } from './names.js';
import { indexOpenInvoices, type InvoiceLookup } from './open-invoices.js';
import { matchByCreditorReference } from './rule-creditor-reference.js';
import { matchByDebtorIbanAmount } from './rule-debtor-iban-amount.js';
import { matchByInvoiceNumbers } from './rule-invoice-numbers.js';
import { suggest } from './suggestions.js';
import { MATCH_DEFAULTS, type MatchableCredit, type MatchDecision, type MatchInput, type MatchOptions } from './types.js';

const RULES = [matchByCreditorReference, matchByInvoiceNumbers, matchByDebtorIbanAmount] as const;

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Booking date, then bank reference, then credit id: the order credits compete for invoices in. */
export const creditOrder = (a: MatchableCredit, b: MatchableCredit): number =>
  compareText(a.bookingDate, b.bookingDate) || compareText(a.bankReference ?? '', b.bankReference ?? '') || compareText(a.creditId, b.creditId);

const identifyDebtor = (lookup: InvoiceLookup, credit: MatchableCredit, reasons: string[]): Debtor => {
  const iban = credit.debtor?.iban;
  const byIban = iban ? lookup.customerOfIban(iban) : undefined;
  if (byIban !== undefined) {
    reasons.push(`the debtor's IBAN ${iban} is known for customer ${byIban}`);
    return { customerId: byIban, by: 'iban' };
  }
  const key = credit.debtor?.name ? nameKey(credit.debtor.name) : '';
  const named = key === '' ? [] : lookup.customersNamed(key);
  if (named.length === 1) {
    reasons.push(`the debtor's name "${credit.debtor!.name}" is customer ${named[0]}'s, and no other customer's`);
    return { customerId: named[0]!, by: 'name' };
  }
  return {};
};

const matchedDecision = (credit: MatchableCredit, m: Matched, reasons: string[]): MatchDecision => ({
  creditId: credit.creditId,
  decision: 'matched',
  rule: m.rule,
  settlement: m.result.settlement,
  allocations: m.result.allocations,
  ...(m.result.customerCredit ? { customerCredit: m.result.customerCredit } : {}),
  ...(m.result.difference ? { difference: m.result.difference } : {}),
  reasons: [...m.reasons, ...reasons],
});

/** Decides one credit against the lookup, booking its allocations in the ledger. */
export const decideCredit = (lookup: InvoiceLookup, ledger: RunLedger, credit: MatchableCredit, options: MatchOptions = {}): MatchDecision => {
  const reasons: string[] = [];
  if (!(credit.amount > 0)) {
    return { creditId: credit.creditId, decision: 'unmatched', reasons: [`the credit's amount (${credit.amount}) is not positive`] };
  }
  const ctx: CreditContext = {
    credit,
    lookup,
    ledger,
    shortBy: toleranceFor(options.tolerances ?? [], credit.currency),
    maxInvoicesForCombination: options.maxInvoicesForCombination ?? MATCH_DEFAULTS.maxInvoicesForCombination,
    maxCombinationSize: options.maxCombinationSize ?? MATCH_DEFAULTS.maxCombinationSize,
    debtor: identifyDebtor(lookup, credit, reasons),
    reasons,
    hints: [],
  };
  for (const rule of RULES) {
    const m = rule(ctx);
    if (m) {
      ledger.apply(m.invoices, m.result.allocations);
      return matchedDecision(credit, m, reasons);
    }
    if (ctx.blocked) break;
  }
  const suggestions = suggest(ctx, options.maxSuggestions ?? MATCH_DEFAULTS.maxSuggestions);
  if (suggestions.length > 0) {
    return { creditId: credit.creditId, decision: 'suggested', suggestions, reasons: [...reasons, `no rule applies on its own: ${suggestions.length} candidate${suggestions.length === 1 ? '' : 's'} to confirm`] };
  }
  return { creditId: credit.creditId, decision: 'unmatched', reasons: [...reasons, 'no open invoice fits this credit'] };
};

/** Decides every credit against one lookup; the decisions come in the order the credits were decided in. */
export const decideCredits = (lookup: InvoiceLookup, credits: readonly MatchableCredit[], options: MatchOptions = {}): MatchDecision[] => {
  const ledger = new RunLedger();
  return [...credits].sort(creditOrder).map((credit) => decideCredit(lookup, ledger, credit, options));
};

export const matchCredits = (input: MatchInput): MatchDecision[] =>
  decideCredits(indexOpenInvoices(input.invoices, input.customers, input.knownDebtorIbans), input.credits, input.options);
