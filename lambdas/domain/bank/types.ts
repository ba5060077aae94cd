/**
 * What the bank-statement readers hand on: booked credits (money that may pay an invoice), returns
 * and reversals (money that did not arrive after all), the statements they came from, and
 * rejections naming the entry, the field and why. Amounts are integer minor units; dates are the
 * calendar day the bank wrote (yyyy-mm-dd), never shifted by a time zone.
 */

export type StatementFormat = 'camt.053' | 'camt.054' | 'mt940' | 'csv';

/** The account a statement is for, as the bank names it. */
export interface BankAccountRef {
  iban?: string;
  /** A non-IBAN id: camt `Othr/Id`, MT940 `:25:` bank code/account, or what a tenant configured. */
  otherId?: string;
  currency: string;
}

/** The other side of a movement, as written in the file. */
export interface BankParty {
  name?: string;
  iban?: string;
  /** A BBAN or other account id (camt `Othr/Id`, trimmed; MT940 `?31` when it is not an IBAN). */
  otherAccountId?: string;
}

export interface StructuredReference {
  /** SCOR (ISO 11649 RF), QRR (Swiss QR), "ISR Reference", CUR (Dutch betalingskenmerk) … as written. */
  scheme: 'SCOR' | 'QRR' | 'ISR' | (string & {});
  ref: string;
}

export interface StatementSource {
  format: StatementFormat;
  /** camt message version, e.g. "001.08". */
  version?: string;
  statementId?: string;
}

/** Where a movement sits in its file, 1-based: the n-th camt `Ntry` or MT940 `:61:` in the file; for CSV the spreadsheet row (header = row 1). */
export interface EntryLocation {
  entryIndex: number;
  /** The n-th transaction (`TxDtls`) inside a batch entry, 1-based; absent when the entry is one movement. */
  transactionIndex?: number;
}

interface Movement extends EntryLocation {
  account: BankAccountRef;
  /** Minor units, always positive: the direction is in the record's kind. */
  amount: number;
  currency: string;
  bookingDate: string;
  valueDate?: string;
  debtor?: BankParty;
  structuredReference?: StructuredReference;
  /** Free-text remittance (camt `Ustrd` joined, MT940 SVWZ+ / ?20-?29 / REMI, CSV description). */
  remittance?: string;
  /** Other text the bank adds (camt `AddtlTxInf`/`AddtlNtryInf`, MT940 GVC text, CSV causale). */
  additionalInfo?: string;
  endToEndId?: string;
  /** The bank's transaction code: camt BkTxCd (PMNT/RCDT/ESCT, or the proprietary code), MT940 GVC or :61: type. */
  transactionCode?: string;
  /** The bank's own reference for the entry (camt `AcctSvcrRef`/`NtryRef`, MT940 `//` bank reference). */
  bankReference?: string;
  source: StatementSource;
}

/** A booked credit that may pay an invoice. */
export type BankCredit = Movement;

/**
 * Money that came back: a reversal (camt `RvslInd` true, MT940 RC/RD) or a returned payment
 * (camt `RtrInf`, MT940 `/RTRN/`, German GVC 159 RETOURE, an Italian RiBa insoluto). `direction` is how it was booked on
 * this account: a returned direct debit is a debit, a returned outgoing transfer a credit.
 */
export interface BankReturn extends Movement {
  kind: 'reversal' | 'return';
  direction: 'credit' | 'debit';
  /** ISO 20022 return reason (AC04, AC06, AM04, MD06, MS02, MS03, NARR …) or the bank's own code. */
  reason?: string;
  reasonText?: string;
  /** The end-to-end id of the payment that came back, where the file gives it. */
  originalEndToEndId?: string;
  creditor?: BankParty;
  /**
   * What the bank charged for the return, minor units of the account's currency (camt `Chrgs`, a
   * RiBa insoluto's commission row); absent when the file names none.
   */
  charge?: number;
}

export interface StatementBalance {
  /** Signed minor units: negative for a debit balance. */
  amount: number;
  currency: string;
  date?: string;
}

export interface StatementSummary {
  account: BankAccountRef;
  statementId?: string;
  from?: string;
  to?: string;
  opening?: StatementBalance;
  closing?: StatementBalance;
}

export interface BankRejection {
  /** The entry (1-based, as in EntryLocation), when the problem is one entry. */
  entry?: number;
  transaction?: number;
  /** The statement (1-based) when a whole statement could not be read. */
  statement?: number;
  field: string;
  value?: string;
  reason: string;
}

export interface StatementRead {
  format: StatementFormat;
  statements: StatementSummary[];
  credits: BankCredit[];
  returns: BankReturn[];
  /** Booked debit entries that are neither reversals nor returns: not Sollecito's business. */
  debitsSkipped: number;
  /** Entries not booked yet (camt status PDNG, INFO, FUTR): read again once the bank books them. */
  pendingSkipped: number;
  rejections: BankRejection[];
}

/** The file cannot be read at all; `reason` says what to do about it. */
export class StatementRejected extends Error {
  override readonly name = 'StatementRejected';
  constructor(
    readonly reason: string,
    readonly field?: string,
  ) {
    super(reason);
  }
}

/** Rejections kept in one read; beyond this they are counted in one summary rejection. */
export const MAX_REJECTIONS = 10_000;
