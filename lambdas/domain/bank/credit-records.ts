/**
 * A booked bank credit as Sollecito keeps it (the bank-credit aggregate), and the pure rules
 * around it: which of the company's accounts a statement is for, the credit's idempotency key,
 * what a matcher's decision turns into (the stored status, the finance team's task).
 *
 * Idempotency key: account + the bank's entry reference. The account is its IBAN (electronic
 * form) or, without one, its other id; the entry is the bank's reference (camt `AcctSvcrRef`,
 * MT940 `//` bank reference) with the transaction's index inside a batch entry. When the bank
 * gives no reference, the fallback is booking date + amount + currency + end-to-end id, or a hash
 * of the remittance text and the debtor's IBAN when there is no end-to-end id either. The same
 * statement uploaded twice, or a camt.054 followed by the camt.053 repeating its entries, lands
 * on the same keys.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { electronicFormatIBAN } from 'ibantools';
import { creditToConfirmTaskId, type FinanceTask } from '../commands/tasks.js';
import type { Tenant } from '../model.js';
import type { MatchableCredit, Suggestion } from '../money/matching/types.js';
import type { BankAccountRef, BankCredit, BankReturn, StatementFormat } from './types.js';
import { lazySchema } from '../shared/lazy-schema.js';

export const BANK_CREDIT_STATUSES = ['unmatched', 'suggested', 'matched', 'returned', 'rejected'] as const;
export type BankCreditStatus = (typeof BANK_CREDIT_STATUSES)[number];

const Party = lazySchema(() => z.object({ name: z.optional(z.string()), iban: z.optional(z.string()), otherAccountId: z.optional(z.string()) }));
const SuggestionSchema = lazySchema(() => z.object({ invoiceIds: z.array(z.string()), customerId: z.string(), score: z.number(), reasons: z.array(z.string()) }));

export const BankCreditRecord = lazySchema(() => z.object({
  tenantId: z.string(),
  /** Hash of the idempotency key (URL-safe): the id the API and the task use. */
  creditId: z.string(),
  /** The idempotency key in clear, for people (see the header). */
  dedupKey: z.string(),
  account: z.object({ iban: z.optional(z.string()), otherId: z.optional(z.string()), currency: z.string() }),
  /** Minor units, positive. */
  amount: z.number(),
  currency: z.string(),
  bookingDate: z.string(),
  valueDate: z.optional(z.string()),
  debtor: z.optional(Party),
  structuredReference: z.optional(z.object({ scheme: z.string(), ref: z.string() })),
  remittance: z.optional(z.string()),
  additionalInfo: z.optional(z.string()),
  endToEndId: z.optional(z.string()),
  bankReference: z.optional(z.string()),
  transactionCode: z.optional(z.string()),
  /** The statement file and where the entry sits in it. */
  source: z.object({ key: z.string(), format: z.string(), entryIndex: z.number(), transactionIndex: z.optional(z.number()) }),
  status: z.enum(BANK_CREDIT_STATUSES),
  /** A return or reversal (status 'returned'): how the bank booked it, why, the payment it names and the bank's charge. */
  returned: z.optional(
    z.object({
      kind: z.enum(['reversal', 'return']),
      direction: z.enum(['credit', 'debit']),
      reason: z.optional(z.string()),
      reasonText: z.optional(z.string()),
      originalEndToEndId: z.optional(z.string()),
      /** Minor units. */
      charge: z.optional(z.number()),
    }),
  ),
  /** A return once acted on (app/bank/apply-returns.ts): the credit it took back and the payments reversed, or the task opened. */
  actedOn: z.optional(
    z.object({
      at: z.string(),
      originalCreditId: z.optional(z.string()),
      rule: z.optional(z.string()),
      reversed: z._default(z.array(z.object({ invoiceId: z.string(), paymentId: z.string(), amount: z.number() })), []),
      taskId: z.optional(z.string()),
    }),
  ),
  /** A credit the bank took back (status 'returned'): the return that did, and why. */
  returnedBy: z.optional(z.object({ creditId: z.string(), at: z.string(), reason: z.optional(z.string()), reasonText: z.optional(z.string()) })),
  reasons: z._default(z.array(z.string()), []),
  suggestions: z._default(z.array(SuggestionSchema), []),
  rule: z.optional(z.string()),
  /** Allocations applied as payments so far (by the matcher or a person). */
  applied: z._default(z.array(z.object({ invoiceId: z.string(), amount: z.number(), paymentId: z.optional(z.string()), invoiceNumber: z.optional(z.string()) })), []),
  /** An overpayment's rest, recorded as the customer's credit. */
  customerCredit: z.optional(z.object({ customerId: z.string(), amount: z.number(), currency: z.string() })),
  receivedAt: z.string(),
  /** Set once the matcher (or a person) decided: a credit without it is decided on the next run. */
  decidedAt: z.optional(z.string()),
  decidedBy: z.optional(z.string()),
}));
export type BankCreditRecord = z.infer<typeof BankCreditRecord>;
export type BankCreditInput = z.input<typeof BankCreditRecord>;

/** What a decision writes on a stored credit. */
export type BankCreditDecision = Pick<BankCreditRecord, 'status' | 'reasons' | 'suggestions' | 'applied' | 'decidedAt' | 'decidedBy'> &
  Partial<Pick<BankCreditRecord, 'rule' | 'customerCredit' | 'returnedBy' | 'actedOn'>>;

/** Fields a decision may take away (an undone match forgets its rule and customer credit). */
export type RemovableDecisionField = 'rule' | 'customerCredit';

// ---------------------------------------------------------------------------------------------
// the company's accounts

const ibanKey = (raw: string): string => electronicFormatIBAN(raw) ?? raw.replace(/\s+/g, '').toUpperCase();
const idKey = (raw: string): string => raw.replace(/\s+/g, '').toUpperCase();

/** The tenant's accounts: `bankAccounts` when configured, else its one IBAN (any currency). */
export const tenantAccounts = (tenant: Pick<Tenant, 'iban' | 'bankAccounts'>): NonNullable<Tenant['bankAccounts']> =>
  tenant.bankAccounts && tenant.bankAccounts.length > 0 ? tenant.bankAccounts : [{ iban: tenant.iban }];

/** Undefined when the statement's account is one of the company's; otherwise why it is refused. */
export const foreignAccountReason = (tenant: Pick<Tenant, 'iban' | 'bankAccounts'>, account: BankAccountRef): string | undefined => {
  const accounts = tenantAccounts(tenant);
  const same = accounts.find(
    (a) => (a.iban !== undefined && account.iban !== undefined && ibanKey(a.iban) === ibanKey(account.iban)) || (a.otherId !== undefined && account.otherId !== undefined && idKey(a.otherId) === idKey(account.otherId)),
  );
  const named = account.iban ?? account.otherId ?? '(no account named)';
  const ours = accounts.map((a) => a.iban ?? a.otherId).join(', ');
  if (!same) return `the statement is for account ${named}, which is not one of the company's accounts (${ours}): add it to bankAccounts in config/tenant.json if it is`;
  if (same.currency !== undefined && account.currency !== '' && same.currency !== account.currency) {
    return `the statement for account ${named} is in ${account.currency}, but that account is configured in ${same.currency}`;
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// the idempotency key

const sha = (text: string, length: number): string => createHash('sha256').update(text).digest('hex').slice(0, length);

export const accountKey = (a: BankAccountRef): string => (a.iban ? ibanKey(a.iban) : a.otherId ? idKey(a.otherId) : 'no-account');

/** The idempotency key of a booked movement (see the header). */
export const dedupKeyOf = (m: BankCredit | BankReturn): string => {
  const tx = m.transactionIndex !== undefined ? `#${m.transactionIndex}` : '';
  const kind = 'kind' in m ? `${m.kind}:` : '';
  if (m.bankReference) return `${accountKey(m.account)}|${kind}ref:${m.bankReference}${tx}`;
  const what = m.endToEndId && m.endToEndId !== 'NOTPROVIDED' ? `e2e:${m.endToEndId}` : `text:${sha(`${m.remittance ?? ''}|${m.debtor?.iban ?? ''}${tx}`, 16)}`;
  return `${accountKey(m.account)}|${kind}${m.bookingDate}|${m.amount}${m.currency}|${what}`;
};

export const creditIdOf = (dedupKey: string): string => `bc_${sha(dedupKey, 32)}`;

// ---------------------------------------------------------------------------------------------
// records

const movementFields = (m: BankCredit | BankReturn) => ({
  account: { ...(m.account.iban ? { iban: m.account.iban } : {}), ...(m.account.otherId ? { otherId: m.account.otherId } : {}), currency: m.account.currency },
  amount: m.amount,
  currency: m.currency,
  bookingDate: m.bookingDate,
  ...(m.valueDate ? { valueDate: m.valueDate } : {}),
  ...(m.debtor ? { debtor: m.debtor } : {}),
  ...(m.structuredReference ? { structuredReference: m.structuredReference } : {}),
  ...(m.remittance ? { remittance: m.remittance } : {}),
  ...(m.additionalInfo ? { additionalInfo: m.additionalInfo } : {}),
  ...(m.endToEndId ? { endToEndId: m.endToEndId } : {}),
  ...(m.bankReference ? { bankReference: m.bankReference } : {}),
  ...(m.transactionCode ? { transactionCode: m.transactionCode } : {}),
});

export interface RecordContext {
  tenantId: string;
  key: string;
  at: string;
}

const sourceOf = (m: BankCredit | BankReturn, key: string) => ({
  key,
  format: m.source.format,
  entryIndex: m.entryIndex,
  ...(m.transactionIndex !== undefined ? { transactionIndex: m.transactionIndex } : {}),
});

/** A booked credit as stored before any decision: undecided, to be matched. */
export const creditRecord = (credit: BankCredit, ctx: RecordContext): BankCreditRecord => {
  const dedupKey = dedupKeyOf(credit);
  return BankCreditRecord.parse({
    tenantId: ctx.tenantId,
    creditId: creditIdOf(dedupKey),
    dedupKey,
    ...movementFields(credit),
    source: sourceOf(credit, ctx.key),
    status: 'unmatched',
    reasons: [],
    receivedAt: ctx.at,
  });
};

/**
 * A return or reversal, kept as a record of its own (status 'returned', decided at once): nothing
 * is paid from it. The credit it takes back is looked for, and its payments reversed, by
 * app/bank/apply-returns.ts (which writes `actedOn`).
 */
export const returnRecord = (ret: BankReturn, ctx: RecordContext): BankCreditRecord => {
  const dedupKey = dedupKeyOf(ret);
  return BankCreditRecord.parse({
    tenantId: ctx.tenantId,
    creditId: creditIdOf(dedupKey),
    dedupKey,
    ...movementFields(ret),
    source: sourceOf(ret, ctx.key),
    status: 'returned',
    returned: {
      kind: ret.kind,
      direction: ret.direction,
      ...(ret.reason ? { reason: ret.reason } : {}),
      ...(ret.reasonText ? { reasonText: ret.reasonText } : {}),
      ...(ret.originalEndToEndId ? { originalEndToEndId: ret.originalEndToEndId } : {}),
      ...(ret.charge ? { charge: ret.charge } : {}),
    },
    reasons: [`a ${ret.kind} booked as a ${ret.direction}${ret.reason ? ` (${ret.reason})` : ''}: nothing is applied from it`],
    receivedAt: ctx.at,
    decidedAt: ctx.at,
    decidedBy: 'bank',
  });
};

// ---------------------------------------------------------------------------------------------
// decisions

/** The finance team's task for a credit the matcher could not apply (suggested, unmatched, or refused). */
export const creditToConfirmTask = (credit: BankCreditRecord, reasons: readonly string[], suggestions: readonly Suggestion[], at: string): FinanceTask => ({
  tenantId: credit.tenantId,
  taskId: creditToConfirmTaskId(credit.creditId),
  kind: 'creditToConfirm',
  status: 'open',
  customerId: suggestions[0]?.customerId ?? '',
  ...(suggestions[0]?.invoiceIds.length === 1 ? { invoiceId: suggestions[0].invoiceIds[0] } : {}),
  createdAt: at,
  createdBy: 'bank',
  credit: {
    creditId: credit.creditId,
    amount: credit.amount,
    currency: credit.currency,
    bookingDate: credit.bookingDate,
    ...(credit.debtor?.name ? { debtorName: credit.debtor.name } : {}),
    ...(credit.remittance ? { remittance: credit.remittance } : {}),
    reasons: [...reasons],
    suggestions: suggestions.slice(0, 3).map((s) => ({ invoiceIds: [...s.invoiceIds], customerId: s.customerId, score: s.score, reasons: [...s.reasons] })),
  },
});

/** What is left of a credit after the allocations applied so far. */
export const unallocated = (credit: Pick<BankCreditRecord, 'amount' | 'applied' | 'customerCredit'>): number =>
  credit.amount - credit.applied.reduce((s, a) => s + a.amount, 0) - (credit.customerCredit?.amount ?? 0);

/** The day a credit pays on: the value date, else the booking date; never after `today` (a value date ahead is the bank's promise). */
export const paidOn = (credit: Pick<BankCreditRecord, 'valueDate' | 'bookingDate'>, today: string): string => {
  const day = credit.valueDate ?? credit.bookingDate;
  return day > today ? today : day;
};

/** The stored credit as the matcher reads it. */
export const matchableCredit = (r: BankCreditRecord): MatchableCredit => ({
  ...r,
  entryIndex: r.source.entryIndex,
  ...(r.source.transactionIndex !== undefined ? { transactionIndex: r.source.transactionIndex } : {}),
  source: { format: r.source.format as StatementFormat },
});

/** The payment reference written on the invoice's payment: the structured reference, else the end-to-end id. */
export const paymentReferenceOf = (credit: Pick<BankCreditRecord, 'structuredReference' | 'endToEndId' | 'bankReference'>): string | undefined =>
  credit.structuredReference?.ref ?? (credit.endToEndId && credit.endToEndId !== 'NOTPROVIDED' ? credit.endToEndId : undefined) ?? credit.bankReference;
