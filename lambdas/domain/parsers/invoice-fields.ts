/**
 * One invoice record from named fields (a mapped CSV row or a JSON object) -> ParsedInvoice, with
 * one rejection per bad field: the finance team fixes a row in one go.
 */
import type { InvoiceField } from './columns.js';
import { parseAmount, type DecimalMark } from './money.js';
import { parseDate } from './dates.js';
import { customerIdProblem, isIsoCurrency } from '../model.js';
import { normaliseTaxId, taxIdKeys } from './tax-ids.js';
import { accepted, rejected, type BuyerParty, type InvoiceFormat, type ParsedInvoice, type RecordLocation, type Rejection, type Parsed } from './types.js';
import { shown, text } from './field-values.js';
import { notChasedFor, tipoDocumento } from './document-types.js';

export interface InvoiceFieldOptions {
  format: InvoiceFormat;
  decimalMark?: DecimalMark;
  /** For files without a currency column (config/csv-mapping.json). */
  defaultCurrency?: string;
}

const CURRENCY_SYMBOLS: Record<string, string> = { '€': 'EUR', '£': 'GBP', $: 'USD', LEI: 'RON', 'CHF.': 'CHF' };

const CREDIT_NOTE = /^(td04|td08|381|cn|nc|credit|credit ?note|nota (di )?credito|nota de credit|storno)$/i;


export const parseCurrency = (raw: string | undefined): string | undefined => {
  if (!raw) return undefined;
  const up = raw.trim().toUpperCase();
  const c = CURRENCY_SYMBOLS[up] ?? up;
  return isIsoCurrency(c) ? c : undefined;
};

/** What a JSON invoice's nested customer object adds to the buyer (json.ts), and its bad fields. */
export interface NestedBuyer {
  buyer: Omit<BuyerParty, 'taxIds'> & { taxIds?: string[] };
  rejections: Rejection[];
}

export const invoiceFromFields = (
  fields: Partial<Record<InvoiceField, unknown>>,
  at: RecordLocation,
  opts: InvoiceFieldOptions,
  nested?: NestedBuyer,
): Parsed<ParsedInvoice> => {
  const errors: Rejection[] = [...(nested?.rejections ?? [])];
  const bad = (field: InvoiceField, reason: string) => errors.push({ ...at, field, value: shown(fields[field]), reason });

  const number = text(fields.number);
  if (!number) bad('number', 'required: the invoice number');
  else if (number.length > 100) bad('number', 'longer than 100 characters');

  const customerId = text(fields.customerId);
  const taxId = text(fields.customerTaxId);
  const nestedIds = nested?.buyer.taxIds ?? [];
  if (!customerId && !taxId && nestedIds.length === 0 && !nested?.buyer.name) errors.push({ ...at, field: 'customerId', reason: 'required: a customer code, or the customer\'s VAT number / codice fiscale' });
  const idProblem = customerId ? customerIdProblem(customerId) : undefined;
  if (idProblem) bad('customerId', idProblem);
  if (taxId && (normaliseTaxId(taxId).length < 4 || normaliseTaxId(taxId).length > 30)) bad('customerTaxId', 'not a VAT number or codice fiscale');

  const issue = parseDate(text(fields.issueDate));
  if (!text(fields.issueDate)) bad('issueDate', 'required: the issue date');
  else if (!issue.ok) bad('issueDate', issue.reason);

  let dueDate: string | undefined;
  if (text(fields.dueDate)) {
    const due = parseDate(text(fields.dueDate));
    if (!due.ok) bad('dueDate', due.reason);
    else if (issue.ok && due.date < issue.date) bad('dueDate', `before the issue date ${issue.date}`);
    else dueDate = due.date;
  }

  const currencyText = text(fields.currency);
  const currency = currencyText ? parseCurrency(currencyText) : opts.defaultCurrency;
  if (currencyText && !currency) bad('currency', 'not an ISO 4217 currency code (e.g. EUR, RON, GBP)');
  else if (!currency) bad('currency', 'required: the currency (or a defaultCurrency in config/csv-mapping.json)');

  let amount: number | undefined;
  const rawAmount = typeof fields.amount === 'number' ? fields.amount : text(fields.amount);
  if (rawAmount === undefined) bad('amount', 'required: the amount due');
  else if (currency) {
    const a = parseAmount(rawAmount, currency, opts.decimalMark);
    if (!a.ok) bad('amount', a.reason);
    else amount = a.minor;
  }

  const paymentReference = text(fields.paymentReference);
  if (paymentReference && paymentReference.length > 140) bad('paymentReference', 'longer than 140 characters');

  let instalment: ParsedInvoice['instalment'];
  const instText = text(fields.instalment);
  if (instText) {
    const index = Number(instText);
    const countText = text(fields.instalmentCount);
    const count = countText === undefined ? index : Number(countText);
    if (!Number.isInteger(index) || index < 1 || index > 120) bad('instalment', 'not an instalment number (1, 2, …)');
    else if (!Number.isInteger(count) || count < index || count > 120) bad('instalmentCount', `not a number of instalments of at least ${index}`);
    else instalment = { index, count };
  }

  const documentType = text(fields.documentType);
  const customerName = text(fields.customerName);
  const documentKind = documentType && CREDIT_NOTE.test(documentType) ? 'credit_note' : 'invoice';
  // A FatturaPA type written in a column (TD17, TD27…) is read as the XML reader reads it.
  const tipo = documentType && /^TD\d{2}$/i.test(documentType) ? documentType.toUpperCase() : undefined;
  const notChased = tipo ? notChasedFor(tipo, tipoDocumento(tipo), false) : undefined;
  const corrects = (text(fields.correctsInvoice) ?? '')
    .split(/\s*[;,]\s*/)
    .filter(Boolean)
    .map((n) => ({ number: n.slice(0, 100) }));
  if (errors.length > 0) return rejected(...errors);
  const buyer = buyerOf(customerId, taxId, customerName, nested);
  return accepted({
    ...at,
    format: opts.format,
    documentKind,
    number: number!,
    ...(customerId ? { customerId } : {}),
    ...(buyer ? { buyer } : {}),
    issueDate: (issue as { date: string }).date,
    ...(dueDate ? { dueDate } : {}),
    currency: currency!,
    amount: amount!,
    ...(paymentReference ? { paymentReference } : {}),
    ...(instalment ? { instalment } : {}),
    ...(documentType ? { documentType } : {}),
    ...(notChased ? { notChased } : {}),
    ...(corrects.length > 0 && (documentKind === 'credit_note' || amount! < 0) ? { corrects } : {}),
  });
};

/** The buyer a row names: a tax-id column, a name column, and whatever a nested customer object adds. */
const buyerOf = (customerId: string | undefined, taxId: string | undefined, customerName: string | undefined, nested: NestedBuyer | undefined): BuyerParty | undefined => {
  if (!taxId && !customerName && !nested) return undefined;
  const { taxIds: nestedIds = [], ...extra } = nested?.buyer ?? {};
  const unique = [...new Set([...(taxId ? taxIdKeys({ vatId: taxId, fiscalCode: taxId }) : []), ...nestedIds])];
  const name = customerName?.slice(0, 200) ?? extra.name;
  return {
    ...extra,
    ...(name ? { name } : {}),
    ...(taxId ? { vatId: normaliseTaxId(taxId) } : {}),
    taxIds: unique,
    ...(unique.length === 0 && name && !customerId ? { nameOnly: true as const } : {}),
  };
};
