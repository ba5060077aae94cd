/**
 * The bank-credit aggregate (adapters/dynamo-bank-credits.ts): every booked credit of the
 * company's statements, idempotent by account + bank entry reference (domain/bank/credit-records.ts),
 * the debtor IBANs learned from confirmed matches, and an overpayment's rest kept as the customer's
 * credit (applied to the customer's invoices or refunded: app/bank/customer-credits.ts).
 */
import type { BankCreditDecision, BankCreditRecord, BankCreditStatus, RemovableDecisionField } from '../../domain/bank/credit-records.js';
import type { CustomerCredit } from '../../domain/commands/customer-credit.js';
import type { ContactEvent } from '../../domain/model.js';
import type { TransactionPart } from './transaction.js';

/** The customer's credit: an overpayment's rest or a credit note's (domain/commands/customer-credit.ts). */
export type { CustomerCredit } from '../../domain/commands/customer-credit.js';

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
  /** The rest of an overpayment, on the customer (once per credit, all of it left) with an entry in the customer's log: false when it was there. */
  recordCustomerCredit(credit: CustomerCredit): Promise<boolean>;
  /** The customer's credits (overpayments, credit notes), with what is left of each. */
  customerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]>;
  /** The same, read only when the customer has an open credit at all (a message shows those beside what is due). */
  openCustomerCredits(tenantId: string, customerId: string): Promise<CustomerCredit[]>;
  /** Whether the company may have suggested or unmatched credits: false means it has none (the bank truth reads them only then). */
  mayHaveUnconfirmed(tenantId: string): Promise<boolean>;
  /** One of them, read consistently. */
  getCustomerCredit(tenantId: string, customerId: string, creditId: string): Promise<CustomerCredit | undefined>;
  /**
   * Written with the offset payment only if it does not exist yet (InvoiceCommandOptions.once): a
   * customer credit pays an invoice once, whatever the retries.
   */
  customerCreditApplicationItem(tenantId: string, customerId: string, creditId: string, invoiceId: string, at: string): TransactionPart;
  /**
   * The credit moved from `before` to `after` (applied, refunded) with the entry in the customer's
   * log, as parts of another transaction (InvoiceCommandOptions.joined): written only while the
   * credit is still as `before` was read (what is left, its status).
   */
  customerCreditChange(before: CustomerCredit, after: CustomerCredit, entry: ContactEvent): TransactionPart[];
  /** The same on its own (a refund): false when the credit changed (or went) meanwhile. */
  changeCustomerCredit(before: CustomerCredit, after: CustomerCredit, entry: ContactEvent): Promise<boolean>;
  /** Takes an overpayment's credit away (its bank credit was returned or its match undone), with an entry in the customer's log: false when it was not there. */
  removeCustomerCredit(input: { tenantId: string; customerId: string; creditId: string; at: string; by: string; why: string }): Promise<boolean>;
}
