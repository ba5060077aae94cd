/**
 * The tenant's open invoices, indexed once so that matching a credit costs a few map look-ups:
 * by normalised payment reference (and its RF body), by invoice-number key and compact form, by
 * customer (sorted by amount due, for amount look-ups and the bounded combination search), by
 * currency (sorted by amount due, for "close in amount" suggestions), and the customer directory
 * by name and name token. The matcher is written against the `InvoiceLookup` interface, so the
 * bench can run the very same rules over a linear scan for its baseline.
 */
import { electronicFormatIBAN } from 'ibantools';
import { amountDue } from '../../model.js';
import { normaliseCreditorReference } from '../creditor-reference.js';
import { invoiceNumberKeys, type NumberKeys } from './invoice-numbers.js';
import { nameKey, nameTokens } from './names.js';
import type { MatchableCustomer, MatchableInvoice } from './types.js';

/** Paid and written-off invoices are not waiting for money; every other status may be paid. */
const NOT_PAYABLE: ReadonlySet<string> = new Set(['paid', 'written_off']);

export interface IndexedInvoice {
  invoice: MatchableInvoice;
  /** Amount due when the run started; the run's ledger tracks what is left. */
  due: number;
  reference?: string;
  /** An RF reference without "RF" and its check digits: finds the invoice a mistyped reference meant. */
  referenceBody?: string;
  numberKeys?: NumberKeys;
  /** Whether the number has two or more segments: only then is its compact form distinctive. */
  compactComparable: boolean;
  /**
   * With the collection agency (status escalated): found by its reference and number, so a transfer
   * naming it is recognised, but never paid automatically, nor by amount alone (settle-named.ts).
   */
  handedOver: boolean;
}

export interface InvoiceLookup {
  byReference(reference: string): readonly IndexedInvoice[];
  byReferenceBody(body: string): readonly IndexedInvoice[];
  byNumberKey(key: string): readonly IndexedInvoice[];
  byCompactNumber(compact: string): readonly IndexedInvoice[];
  /** The customer's open invoices in that currency, sorted by amount due, then invoice id. */
  ofCustomer(customerId: string, currency: string): readonly IndexedInvoice[];
  /** The customer's invoices in that currency whose starting amount due is within [from, to]. */
  ofCustomerDueBetween(customerId: string, currency: string, from: number, to: number): readonly IndexedInvoice[];
  /** Up to `limit` invoices in the currency closest in amount due to `amount` (ties: invoice id). */
  nearAmount(currency: string, amount: number, limit: number): readonly IndexedInvoice[];
  customer(customerId: string): MatchableCustomer | undefined;
  customersNamed(key: string): readonly string[];
  customersWithNameToken(token: string): readonly string[];
  customerOfIban(iban: string): string | undefined;
}

export const normaliseIban = (raw: string): string => electronicFormatIBAN(raw) ?? raw.replace(/\s+/g, '').toUpperCase();

export const referenceBody = (normalisedReference: string): string | undefined =>
  /^RF\d{2}[0-9A-Z]+$/.test(normalisedReference) ? normalisedReference.slice(4) : undefined;

export const byInvoiceId = (a: IndexedInvoice, b: IndexedInvoice): number => (a.invoice.invoiceId < b.invoice.invoiceId ? -1 : a.invoice.invoiceId > b.invoice.invoiceId ? 1 : 0);
export const byDueThenId = (a: IndexedInvoice, b: IndexedInvoice): number => a.due - b.due || byInvoiceId(a, b);

/** Payable invoices with something due, each once (the first by invoice id wins), in invoice-id order. */
export const payableInvoices = (invoices: readonly MatchableInvoice[]): IndexedInvoice[] => {
  const seen = new Set<string>();
  const out: IndexedInvoice[] = [];
  for (const invoice of [...invoices].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : a.invoiceId > b.invoiceId ? 1 : 0))) {
    const due = amountDue(invoice);
    if (seen.has(invoice.invoiceId) || NOT_PAYABLE.has(invoice.status) || due <= 0) continue;
    seen.add(invoice.invoiceId);
    const reference = invoice.paymentReference ? normaliseCreditorReference(invoice.paymentReference) : undefined;
    const numberKeys = invoiceNumberKeys(invoice.number);
    out.push({
      invoice,
      due,
      reference,
      referenceBody: reference ? referenceBody(reference) : undefined,
      numberKeys,
      compactComparable: numberKeys !== undefined && numberKeys.key.includes('-'),
      handedOver: invoice.status === 'escalated',
    });
  }
  return out;
};

const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

const NONE: readonly never[] = Object.freeze([]);

/** First index in `sorted` (by due) whose due is >= amount. */
const lowerBound = (sorted: readonly IndexedInvoice[], amount: number): number => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.due < amount) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** The `limit` entries of a due-sorted list closest to `amount`, ties broken by invoice id. */
export const closestByDue = (sorted: readonly IndexedInvoice[], amount: number, limit: number): IndexedInvoice[] => {
  let right = lowerBound(sorted, amount);
  let left = right - 1;
  const picked: IndexedInvoice[] = [];
  // Take a few extra on each side so that ties in distance are broken by id, not by position.
  while (picked.length < limit * 2 && (left >= 0 || right < sorted.length)) {
    const l = left >= 0 ? amount - sorted[left]!.due : Infinity;
    const r = right < sorted.length ? sorted[right]!.due - amount : Infinity;
    if (l <= r) picked.push(sorted[left--]!);
    else picked.push(sorted[right++]!);
  }
  return picked.sort((a, b) => Math.abs(a.due - amount) - Math.abs(b.due - amount) || byInvoiceId(a, b)).slice(0, limit);
};

export const indexOpenInvoices = (
  invoices: readonly MatchableInvoice[],
  customers: readonly MatchableCustomer[],
  knownDebtorIbans: ReadonlyMap<string, string>,
): InvoiceLookup => {
  const byReference = new Map<string, IndexedInvoice[]>();
  const byBody = new Map<string, IndexedInvoice[]>();
  const byKey = new Map<string, IndexedInvoice[]>();
  const byCompact = new Map<string, IndexedInvoice[]>();
  const byCustomer = new Map<string, IndexedInvoice[]>();
  const byCurrency = new Map<string, IndexedInvoice[]>();
  for (const inv of payableInvoices(invoices)) {
    if (inv.reference) push(byReference, inv.reference, inv);
    if (inv.referenceBody) push(byBody, inv.referenceBody, inv);
    if (inv.numberKeys) {
      push(byKey, inv.numberKeys.key, inv);
      if (inv.compactComparable) push(byCompact, inv.numberKeys.compact, inv);
    }
    if (inv.handedOver) continue;
    push(byCustomer, `${inv.invoice.customerId}|${inv.invoice.currency}`, inv);
    push(byCurrency, inv.invoice.currency, inv);
  }
  for (const list of byCustomer.values()) list.sort(byDueThenId);
  for (const list of byCurrency.values()) list.sort(byDueThenId);

  const directory = new Map<string, MatchableCustomer>();
  for (const c of [...customers].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0))) {
    if (!directory.has(c.customerId)) directory.set(c.customerId, c);
  }
  const byName = new Map<string, string[]>();
  const byToken = new Map<string, string[]>();
  for (const c of directory.values()) {
    const key = nameKey(c.name);
    if (key !== '') push(byName, key, c.customerId);
    for (const token of new Set(nameTokens(c.name))) if (token.length >= 3) push(byToken, token, c.customerId);
  }
  const ibans = new Map<string, string>();
  for (const [iban, customerId] of knownDebtorIbans) ibans.set(normaliseIban(iban), customerId);

  return {
    byReference: (ref) => byReference.get(ref) ?? NONE,
    byReferenceBody: (body) => byBody.get(body) ?? NONE,
    byNumberKey: (key) => byKey.get(key) ?? NONE,
    byCompactNumber: (compact) => byCompact.get(compact) ?? NONE,
    ofCustomer: (customerId, currency) => byCustomer.get(`${customerId}|${currency}`) ?? NONE,
    ofCustomerDueBetween: (customerId, currency, from, to) => {
      const list = byCustomer.get(`${customerId}|${currency}`);
      if (!list) return NONE;
      const out: IndexedInvoice[] = [];
      for (let i = lowerBound(list, from); i < list.length && list[i]!.due <= to; i++) out.push(list[i]!);
      return out;
    },
    nearAmount: (currency, amount, limit) => closestByDue(byCurrency.get(currency) ?? NONE, amount, limit),
    customer: (customerId) => directory.get(customerId),
    customersNamed: (key) => byName.get(key) ?? NONE,
    customersWithNameToken: (token) => byToken.get(token) ?? NONE,
    customerOfIban: (iban) => ibans.get(normaliseIban(iban)),
  };
};
