/**
 * Rule 4: when no rule can apply a credit, up to three ranked candidates for a person to confirm,
 * never applied on their own. Candidates are the hints the rules left (a tie, a mistyped
 * reference, a number of another customer's invoice, …), the identified customer's invoices
 * closest in amount, the invoices of customers whose name is like the debtor's (found through
 * the name-token index, not by comparing every customer), and any of the tenant's invoices with
 * the credit's amount due (within tolerance). Each is scored 0..1:
 *
 *   0.3 × evidence (the hint's weight; 0 for amount neighbours)
 * + 0.3 × amount closeness (1 − |due − credit| / max(due, credit))
 * + 0.3 × name (1 when the debtor is identified as the customer, else Jaro-Winkler of the names)
 * + 0.1 × date closeness (1 − |booking date − due date| / 60 days, at least 0)
 *
 * and kept from MIN_SCORE up. Only invoices in the credit's currency are ever candidates.
 */
import { money } from './amounts.js';
import { distinctInvoices, labels, type CreditContext, type Hint } from './context.js';
import { nameSimilarity, nameTokens } from './names.js';
import { closestByDue, type IndexedInvoice } from './open-invoices.js';
import type { Suggestion } from './types.js';

export const MIN_SCORE = 0.35;
/** A debtor name at least this similar (names.ts nameSimilarity) to a customer's is taken for theirs. */
export const NAME_LIKE = 0.85;
/** A name token shared by more customers than this says nothing about which one it is. */
const COMMON_TOKEN = 200;
const MAX_NAME_CANDIDATES = 300;
const DAY = 86_400_000;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

interface Candidate {
  invoices: IndexedInvoice[];
  weight: number;
  reasons: string[];
}

const likeNamedCustomers = (ctx: CreditContext, debtorName: string): { customerId: string; similarity: number }[] => {
  const ids = new Set<string>();
  const lists = nameTokens(debtorName)
    .filter((t) => t.length >= 3)
    .map((t) => ctx.lookup.customersWithNameToken(t))
    .filter((l) => l.length > 0 && l.length <= COMMON_TOKEN)
    .sort((a, b) => a.length - b.length);
  for (const list of lists) for (const id of list) if (ids.size < MAX_NAME_CANDIDATES) ids.add(id);
  return [...ids]
    .map((customerId) => ({ customerId, similarity: nameSimilarity(debtorName, ctx.lookup.customer(customerId)!.name) }))
    .filter((c) => c.similarity >= NAME_LIKE)
    .sort((a, b) => b.similarity - a.similarity || (a.customerId < b.customerId ? -1 : 1))
    .slice(0, 3);
};

const gatherHints = (ctx: CreditContext): Hint[] => {
  const { credit, debtor, lookup } = ctx;
  const hints = [...ctx.hints];
  if (debtor.customerId !== undefined) {
    const why = debtor.by === 'iban' ? `the debtor's IBAN is known for customer ${debtor.customerId}` : `the debtor's name is customer ${debtor.customerId}'s`;
    for (const inv of closestByDue(lookup.ofCustomer(debtor.customerId, credit.currency), credit.amount, 3)) {
      hints.push({ invoices: [inv], weight: debtor.by === 'iban' ? 0.5 : 0.4, reason: why });
    }
  } else if (credit.debtor?.name) {
    for (const { customerId, similarity } of likeNamedCustomers(ctx, credit.debtor.name)) {
      const reason = `the debtor "${credit.debtor.name}" is like customer ${customerId} "${lookup.customer(customerId)!.name}" (${round3(similarity)})`;
      for (const inv of closestByDue(lookup.ofCustomer(customerId, credit.currency), credit.amount, 2)) hints.push({ invoices: [inv], weight: 0.3, reason });
    }
  }
  // Elsewhere in the tenant only an amount that fits says anything: 100,000 invoices always have a near one.
  for (const inv of lookup.nearAmount(credit.currency, credit.amount, 3)) {
    if (Math.abs(inv.due - credit.amount) <= ctx.shortBy) hints.push({ invoices: [inv], weight: 0, reason: 'the same amount as the credit' });
  }
  return hints;
};

export const suggest = (ctx: CreditContext, maxSuggestions: number): Suggestion[] => {
  const { credit, debtor, lookup, ledger } = ctx;
  const candidates = new Map<string, Candidate>();
  let otherCurrencyOnly = 0;
  for (const hint of gatherHints(ctx)) {
    const invoices = distinctInvoices(hint.invoices.filter((i) => i.invoice.currency === credit.currency));
    if (invoices.length === 0) {
      otherCurrencyOnly++;
      continue;
    }
    const key = invoices.map((i) => i.invoice.invoiceId).join('\u0000');
    const c = candidates.get(key);
    if (!c) candidates.set(key, { invoices, weight: hint.weight, reasons: [hint.reason] });
    else {
      c.weight = Math.max(c.weight, hint.weight);
      if (!c.reasons.includes(hint.reason)) c.reasons.push(hint.reason);
    }
  }
  if (candidates.size === 0 && otherCurrencyOnly > 0) ctx.reasons.push(`no candidate invoice is in ${credit.currency}, the credit's currency`);

  const names = new Map<string, number>();
  const booked = Date.parse(`${credit.bookingDate}T00:00:00Z`);
  const scored: (Suggestion & { key: string })[] = [];
  for (const [key, c] of candidates) {
    const customerId = c.invoices[0]!.invoice.customerId;
    const due = c.invoices.reduce((s, i) => s + (ledger.remaining(i) > 0 ? ledger.remaining(i) : i.due), 0);
    const amountScore = 1 - Math.min(1, Math.abs(due - credit.amount) / Math.max(due, credit.amount));
    let nameScore = 0;
    if (debtor.customerId === customerId) nameScore = 1;
    else if (credit.debtor?.name) {
      if (!names.has(customerId)) names.set(customerId, nameSimilarity(credit.debtor.name, lookup.customer(customerId)?.name ?? ''));
      nameScore = names.get(customerId)!;
    }
    const days = Math.min(...c.invoices.map((i) => Math.abs(booked - Date.parse(`${i.invoice.dueDate}T00:00:00Z`)) / DAY));
    const dateScore = Number.isFinite(days) ? Math.max(0, 1 - days / 60) : 0;
    const score = round3(0.3 * c.weight + 0.3 * amountScore + 0.3 * nameScore + 0.1 * dateScore);
    if (score < MIN_SCORE) continue;
    const reasons = [
      ...c.reasons,
      due === credit.amount ? `${labels(c.invoices)}: ${money(due, credit.currency)} due, exactly the credit` : `${labels(c.invoices)}: ${money(due, credit.currency)} due, the credit is ${money(credit.amount, credit.currency)}`,
      `due ${c.invoices.map((i) => i.invoice.dueDate).join(', ')}, booked ${credit.bookingDate}`,
    ];
    scored.push({ key, invoiceIds: c.invoices.map((i) => i.invoice.invoiceId), customerId, score, reasons });
  }
  return scored
    .sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, maxSuggestions)
    .map(({ key: _key, ...suggestion }) => suggestion);
};
