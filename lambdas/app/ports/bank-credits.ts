/**
 * The bank-credit aggregate (adapters/dynamo-bank-credits.ts): every booked credit of the
 * company's statements, idempotent by account + bank entry reference (domain/bank/credit-records.ts),
 * the debtor IBANs learned from confirmed matches, and an overpayment's rest kept as the customer's
 * credit.
 */
import type { BankCreditDecision, BankCreditRecord, BankCreditStatus, RemovableDecisionField } from '../../domain/bank/credit-records.js';
import type { TransactionPart } from './transaction.js';

export interface CustomerCredit {
  tenantId: string;
  customerId: string;
  creditId: string;
  amount: number;
  currency: string;
  at: string;
  /** The invoice the credit overpaid (or the credit note corrected). */
  invoiceId?: string;
  /** Where it came from: a bank credit's overpayment (the default), or a credit note's rest (its number). */
  source?: { kind: 'overpayment' } | { kind: 'creditNote'; number: string };
}

export interface BankCreditListOptions {
  status?: BankCreditStatus | readonly BankCreditStatus[];
  undecided?: boolean;
  /** Booking days, inclusive (yyyy-mm-dd). */
  from?: string;
  to?: string;
}

export interface BankCreditRepository {
  /** Stores each record unless one with its id exists (a repeated statement): how many were new. */
  addNew(records: readonly BankCreditRecord[]): Promise<{ added: number; duplicates: number }>;
  get(tenantId: string, creditId: string): Promise<BankCreditRecord | undefined>;
  /**
   * The tenant's credits, oldest booking first. With `status` (one or several) and not
   * `undecided`: read from the status index, only those credits (eventually consistent). Otherwise
   * one consistent query over the tenant's credit partition: `undecided` (the matcher) only those no
   * decision was written on yet.
   */
  list(tenantId: string, opts?: BankCreditListOptions): Promise<BankCreditRecord[]>;
  /** Writes a decision on the credit while its status is one of `from` (`remove`: fields it takes away): false when it moved on meanwhile. */
  decide(
    tenantId: string,
    creditId: string,
    from: readonly BankCreditStatus[],
    decision: BankCreditDecision,
    opts?: { undecidedOnly?: boolean; remove?: readonly RemovableDecisionField[] },
  ): Promise<boolean>;
  /**
   * Written with the payment command only if it does not exist yet (InvoiceCommandOptions.once): one
   * payment per credit and invoice, whatever the retries.
   */
  applicationItem(tenantId: string, creditId: string, invoiceId: string, at: string): TransactionPart;
  /** Deletes that credit-applied item once its payment was reversed by an undo, so the credit may pay the invoice again. */
  releaseApplication(tenantId: string, creditId: string, invoiceId: string): Promise<void>;
  /** Debtor IBAN (electronic form) -> customer id, learned from confirmed matches. */
  knownDebtorIbans(tenantId: string): Promise<Map<string, string>>;
  /** The debtor IBAN is the customer's; `creditId`: the confirmed credit it was learned from (kept, so an undo can forget it). */
  learnDebtorIban(tenantId: string, iban: string, customerId: string, at: string, creditId?: string): Promise<void>;
  /**
   * Forgets the IBAN if it was learned for this customer from `creditId` alone (an undone match):
   * true when forgotten; kept when other confirmations taught it too, or it predates this record.
   */
  forgetDebtorIban(tenantId: string, iban: string, customerId: string, creditId: string): Promise<boolean>;
  /** The rest of an overpayment, on the customer (once per credit) with an entry in the customer's log: false when it was there. */
  recordCustomerCredit(credit: CustomerCredit): Promise<boolean>;
  /** The customer's credits from overpayments. */
  customerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]>;
  /** Takes an overpayment's credit away (its bank credit was returned or its match undone), with an entry in the customer's log: false when it was not there. */
  removeCustomerCredit(input: { tenantId: string; customerId: string; creditId: string; at: string; by: string; why: string }): Promise<boolean>;
}
