/**
 * One invoice record from named fields (a mapped CSV row or a JSON object) -> ParsedInvoice, with
 * one rejection per bad field: the finance team fixes a row in one go.
 */
import type { InvoiceField } from './columns.js';
import { parseAmount, type DecimalMark } from './money.js';
import { parseDate } from './dates.js';
import { isIsoCurrency } from '../model.js';
import { normaliseTaxId, taxIdKeys } from './tax-ids.js';
import { accepted, rejected, type InvoiceFormat, type ParsedInvoice, type RecordLocation, type Rejection, type Parsed } from './types.js';
import { shown, text } from './field-values.js';

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

export const invoiceFromFields = (
  fields: Partial<Record<InvoiceField, unknown>>,
  at: RecordLocation,
  opts: InvoiceFieldOptions,
): Parsed<ParsedInvoice> => {
  const errors: Rejection[] = [];
  const bad = (field: InvoiceField, reason: string) => errors.push({ ...at, field, value: shown(fields[field]), reason });

  const number = text(fields.number);
  if (!number) bad('number', 'required: the invoice number');
  else if (number.length > 100) bad('number', 'longer than 100 characters');

  const customerId = text(fields.customerId);
  const taxId = text(fields.customerTaxId);
  if (!customerId && !taxId) errors.push({ ...at, field: 'customerId', reason: 'required: a customer code, or the customer\'s VAT number / codice fiscale' });
  if (customerId && customerId.length > 100) bad('customerId', 'longer than 100 characters');
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
  if (errors.length > 0) return rejected(...errors);
  return accepted({
    ...at,
    format: opts.format,
    documentKind: documentType && CREDIT_NOTE.test(documentType) ? 'credit_note' : 'invoice',
    number: number!,
    ...(customerId ? { customerId } : {}),
    ...(taxId || customerName
      ? { buyer: { ...(customerName ? { name: customerName.slice(0, 200) } : {}), ...(taxId ? { vatId: normaliseTaxId(taxId) } : {}), taxIds: taxId ? taxIdKeys({ vatId: taxId, fiscalCode: taxId }) : [] } }
      : {}),
    issueDate: (issue as { date: string }).date,
    ...(dueDate ? { dueDate } : {}),
    currency: currency!,
    amount: amount!,
    ...(paymentReference ? { paymentReference } : {}),
    ...(instalment ? { instalment } : {}),
    ...(documentType ? { documentType } : {}),
  });
};
