/**
 * The bank-credit aggregate (adapters/dynamo-bank-credits.ts): every booked credit of the
 * company's statements, idempotent by account + bank entry reference (domain/bank/credit-records.ts),
 * the debtor IBANs learned from confirmed matches, and an overpayment's rest kept as the customer's
 * credit.
 */
import type { BankCreditDecision, BankCreditRecord, BankCreditStatus } from '../../domain/bank/credit-records.js';
import type { TransactionPart } from './transaction.js';

export interface CustomerCredit {
  tenantId: string;
  customerId: string;
  creditId: string;
  amount: number;
  currency: string;
  at: string;
  /** The invoice the credit overpaid. */
  invoiceId?: string;
}

export interface BankCreditRepository {
  /** Stores each record unless one with its id exists (a repeated statement): how many were new. */
  addNew(records: readonly BankCreditRecord[]): Promise<{ added: number; duplicates: number }>;
  get(tenantId: string, creditId: string): Promise<BankCreditRecord | undefined>;
  /**
   * The tenant's credits, oldest booking first; `status`: only those in it (one or several);
   * `undecided`: only those no decision was written on yet. One query over the tenant's credit
   * partition, the status filtered on the server (read capacity is paid for every credit kept).
   */
  list(tenantId: string, opts?: { status?: BankCreditStatus | readonly BankCreditStatus[]; undecided?: boolean }): Promise<BankCreditRecord[]>;
  /** Writes a decision on the credit while its status is one of `from`: false when it moved on meanwhile. */
  decide(tenantId: string, creditId: string, from: readonly BankCreditStatus[], decision: BankCreditDecision, opts?: { undecidedOnly?: boolean }): Promise<boolean>;
  /**
   * Written with the payment command only if it does not exist yet (InvoiceCommandOptions.once): one
   * payment per credit and invoice, whatever the retries.
   */
  applicationItem(tenantId: string, creditId: string, invoiceId: string, at: string): TransactionPart;
  /** Debtor IBAN (electronic form) -> customer id, learned from confirmed matches. */
  knownDebtorIbans(tenantId: string): Promise<Map<string, string>>;
  learnDebtorIban(tenantId: string, iban: string, customerId: string, at: string): Promise<void>;
  /** The rest of an overpayment, on the customer (once per credit) with an entry in the customer's log: false when it was there. */
  recordCustomerCredit(credit: CustomerCredit): Promise<boolean>;
  /** The customer's credits from overpayments. */
  customerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]>;
}
