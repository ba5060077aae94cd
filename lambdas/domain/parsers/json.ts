/**
 * JSON: one invoice (an object), an array of them (or `{ "invoices": [...] }`), or NDJSON (one object
 * per line, streamed). Keys go through the same names as CSV headers (columns.ts), so
 * `{"Numero fattura": …}` and `{"number": …}` both work; a nested `customer` object is read with the
 * directory's names (nested-customer.ts). A document is parsed whole under the 50 MB
 * limit; NDJSON is read line by line and never held whole.
 */
import { aliasLookup, DEFAULT_INVOICE_COLUMNS, normaliseName, type CsvMappingConfig, type InvoiceField } from './columns.js';
import { INVALID_UTF8 } from './bytes.js';
import { invoiceFromFields } from './invoice-fields.js';
import { nestedBuyer, nestedCustomerOf } from './nested-customer.js';
import { FileRejected, LIMITS, rejected, type Parsed, type ParsedInvoice } from './types.js';
import { isRecordObject, shown } from './field-values.js';

export type JsonItem = { row: number; value: unknown } | { row: number; error: string };

/** NDJSON lines, 1-based; a line over the record limit stops the file (it is not NDJSON). */
export async function* ndjsonItems(text: AsyncIterable<string>): AsyncGenerator<JsonItem> {
  let buffer = '';
  let row = 0;
  const line = (raw: string): JsonItem | undefined => {
    row++;
    const s = raw.trim();
    if (s === '') return undefined;
    if (s.includes(INVALID_UTF8)) return { row, error: 'not valid UTF-8 text: save the file as UTF-8' };
    try {
      return { row, value: JSON.parse(s) as unknown };
    } catch (err) {
      return { row, error: `not valid JSON (${(err as Error).message.slice(0, 120)})` };
    }
  };
  for await (const chunk of text) {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const item = line(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      if (item) yield item;
    }
    if (buffer.length > LIMITS.maxRecordBytes) {
      throw new FileRejected(`line ${row + 1} is longer than ${LIMITS.maxRecordBytes / 1024} KB: lines from ${row + 1} on were not read`, { row: row + 1 });
    }
  }
  const last = line(buffer);
  if (last) yield last;
}

/** A whole JSON document -> its items (index + 1 as the row). */
export const documentItems = (doc: string, listKey: 'invoices' | 'customers'): JsonItem[] => {
  let value: unknown;
  try {
    value = JSON.parse(doc.replace(/^\uFEFF/, ''));
  } catch (err) {
    const message = (err as Error).message;
    throw new FileRejected(
      /end of JSON input|Unterminated/i.test(message) ? `the JSON is truncated (${message.slice(0, 160)})` : `not valid JSON (${message.slice(0, 160)})`,
    );
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as Record<string, unknown>)[listKey])) {
    value = (value as Record<string, unknown>)[listKey];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => ({ row: i + 1, value: v }));
};

/** An object's keys -> fields (first key naming a field wins); other keys are ignored. */
export const fieldsOf = <F extends string>(obj: Record<string, unknown>, lookup: Map<string, F>): Partial<Record<F, unknown>> => {
  const fields: Partial<Record<F, unknown>> = {};
  for (const [k, v] of Object.entries(obj)) {
    const f = lookup.get(normaliseName(k));
    if (f && !(f in fields)) fields[f] = v;
  }
  return fields;
};

/** Invoices from JSON items (document or NDJSON). Amounts as strings or numbers in major units. */
export async function* invoicesFromJson(items: AsyncIterable<JsonItem> | Iterable<JsonItem>, opts: { mapping?: CsvMappingConfig } = {}): AsyncGenerator<Parsed<ParsedInvoice>> {
  const cfg = opts.mapping?.invoices;
  const lookup = aliasLookup<InvoiceField>(DEFAULT_INVOICE_COLUMNS, cfg?.columns);
  for await (const item of items) {
    if ('error' in item) {
      yield rejected({ row: item.row, field: 'row', reason: item.error });
      continue;
    }
    const v = item.value;
    if (!isRecordObject(v)) {
      yield rejected({ row: item.row, field: 'row', value: shown(v), reason: 'expected an invoice object' });
      continue;
    }
    const fields = fieldsOf(v, lookup);
    const customer = nestedCustomerOf(v);
    const nested = customer ? nestedBuyer(customer, { row: item.row }, opts.mapping) : undefined;
    if (nested?.customerId && fields.customerId === undefined) fields.customerId = nested.customerId;
    yield invoiceFromFields(
      fields,
      { row: item.row },
      { format: 'json', decimalMark: cfg?.decimalMark ?? '.', defaultCurrency: cfg?.defaultCurrency },
      nested?.nested,
    );
  }
}
