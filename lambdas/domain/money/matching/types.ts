/**
 * What the payment matcher reads and what it decides. Amounts are integer minor units; a decision
 * always carries the reasons a finance user reads to trust it (or to fix it).
 */
import type { BankCredit } from '../../bank/types.js';
import type { Invoice } from '../../model.js';

/** A booked credit with the id the caller keeps it under (account + bank entry reference). */
export type MatchableCredit = BankCredit & { creditId: string };

/** The invoice fields the matcher reads. */
export type MatchableInvoice = Pick<
  Invoice,
  'invoiceId' | 'number' | 'customerId' | 'currency' | 'amount' | 'amountPaid' | 'dueDate' | 'status' | 'paymentReference'
>;

export interface MatchableCustomer {
  customerId: string;
  name: string;
}

/** Up to `shortBy` minor units short (bank charges) still settles an invoice in that currency. */
export interface Tolerance {
  currency: string;
  shortBy: number;
}

export interface MatchOptions {
  tolerances?: readonly Tolerance[];
  /** Combinations are searched only among a customer's first this-many open invoices (by due date). */
  maxInvoicesForCombination?: number;
  /** The largest number of invoices one transfer may pay through rule debtorIbanAmount. */
  maxCombinationSize?: number;
  /** Suggestions kept per credit. */
  maxSuggestions?: number;
}

export interface MatchInput {
  credits: readonly MatchableCredit[];
  /**
   * The tenant's unpaid invoices; paid and written-off ones, and those with nothing due, are
   * ignored. Escalated ones (with the agency) are recognised by reference and number but never
   * paid automatically: a credit naming one is left to the finance team.
   */
  invoices: readonly MatchableInvoice[];
  customers: readonly MatchableCustomer[];
  /** Debtor IBAN (any spacing or case) -> customerId: learned from confirmed matches and the customer directory. */
  knownDebtorIbans: ReadonlyMap<string, string>;
  options?: MatchOptions;
}

export type MatchRule = 'creditorReference' | 'invoiceNumbers' | 'debtorIbanAmount';

export type AllocationEffect = 'settles' | 'partial' | 'settlesWithDifference';

export interface Allocation {
  invoiceId: string;
  /** Minor units of the credit applied to this invoice. */
  amount: number;
  effect: AllocationEffect;
}

/** How the credit's amount compares with what the matched invoices have due. */
export type Settlement = 'exact' | 'partial' | 'overpaid' | 'settledWithDifference';

export interface Suggestion {
  invoiceIds: string[];
  customerId: string;
  /** 0..1, three decimals; see suggestions.ts for how it is made. */
  score: number;
  reasons: string[];
}

export interface MatchDecision {
  creditId: string;
  decision: 'matched' | 'suggested' | 'unmatched';
  rule?: MatchRule;
  settlement?: Settlement;
  allocations?: Allocation[];
  /** An overpayment: applied in full, the rest is this customer's credit. */
  customerCredit?: { customerId: string; amount: number; currency: string };
  /** Short within tolerance: the invoices are settled and this much is recorded as a difference (bank charges). */
  difference?: { amount: number; currency: string };
  suggestions?: Suggestion[];
  reasons: string[];
}

export const MATCH_DEFAULTS = {
  maxInvoicesForCombination: 12,
  maxCombinationSize: 4,
  maxSuggestions: 3,
} as const;
