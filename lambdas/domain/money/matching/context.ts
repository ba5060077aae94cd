/**
 * What every rule sees while one credit is decided: the credit, the indexed invoices, what is left
 * due in this run, who the debtor is (when its IBAN or its name says so), the reasons gathered so
 * far, and the hints that become suggestions when no rule matches.
 */
import type { RunLedger } from './ledger.js';
import type { IndexedInvoice, InvoiceLookup } from './open-invoices.js';
import type { SettlementResult } from './amounts.js';
import type { MatchableCredit, MatchRule } from './types.js';

export interface Debtor {
  /** The customer the debtor is, by known IBAN or else by a name that only one customer has. */
  customerId?: string;
  by?: 'iban' | 'name';
}

/** A candidate for the suggestions, with how much the evidence behind it weighs (0..1). */
export interface Hint {
  invoices: readonly IndexedInvoice[];
  weight: number;
  reason: string;
}

export interface CreditContext {
  credit: MatchableCredit;
  lookup: InvoiceLookup;
  ledger: RunLedger;
  shortBy: number;
  maxInvoicesForCombination: number;
  maxCombinationSize: number;
  debtor: Debtor;
  reasons: string[];
  hints: Hint[];
  /** Set when the evidence names an invoice no rule may pay (one with the agency): the later rules are not asked. */
  blocked?: string;
}

export interface Matched {
  rule: MatchRule;
  invoices: IndexedInvoice[];
  result: SettlementResult;
  reasons: string[];
}

export const label = (inv: IndexedInvoice): string => `invoice ${inv.invoice.number}`;

export const labels = (invoices: readonly IndexedInvoice[]): string => {
  const names = invoices.map((i) => i.invoice.number);
  return names.length === 1 ? `invoice ${names[0]}` : `invoices ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
};

/** Due date, then invoice id: the order invoices are listed, allocated and suggested in. */
export const byDueDateThenId = (a: IndexedInvoice, b: IndexedInvoice): number =>
  a.invoice.dueDate < b.invoice.dueDate ? -1 : a.invoice.dueDate > b.invoice.dueDate ? 1 : a.invoice.invoiceId < b.invoice.invoiceId ? -1 : a.invoice.invoiceId > b.invoice.invoiceId ? 1 : 0;

export const distinctInvoices = (invoices: Iterable<IndexedInvoice>): IndexedInvoice[] => {
  const seen = new Map<string, IndexedInvoice>();
  for (const inv of invoices) if (!seen.has(inv.invoice.invoiceId)) seen.set(inv.invoice.invoiceId, inv);
  return [...seen.values()].sort(byDueDateThenId);
};
