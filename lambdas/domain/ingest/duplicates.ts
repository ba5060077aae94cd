/**
 * One invoice identity once per file (issue 20, item 7). Numbers are trimmed, so `" =1+1"` and
 * `"\t=1+1"` are the same invoice: two records of it in one file would supersede each other on
 * every upload, restarting the chase each time. The second and every later one is rejected, with
 * the row of the first. Pure.
 */
import type { Parsed, ParsedInvoice, RecordLocation } from '../parsers/types.js';
import { rejected } from '../parsers/types.js';

const where = (l: RecordLocation): string => (l.row !== undefined ? `row ${l.row}` : l.element ? l.element : 'an earlier record');

/** The identity of a record as the file states it: its customer (code or tax id), kind, number and instalment. */
const identityOf = (r: ParsedInvoice): string =>
  JSON.stringify([r.customerId ?? '', r.buyer?.vatId ?? '', r.buyer?.fiscalCode ?? '', r.documentKind, r.number.trim(), r.instalment?.index ?? null]);

/** The records of one file, a repeated identity turned into a rejection naming the first. */
export async function* oncePerIdentity(records: AsyncIterable<Parsed<ParsedInvoice>>): AsyncGenerator<Parsed<ParsedInvoice>> {
  const first = new Map<string, RecordLocation>();
  for await (const p of records) {
    if (!p.ok) {
      yield p;
      continue;
    }
    const id = identityOf(p.value);
    const seen = first.get(id);
    if (!seen) {
      first.set(id, { ...(p.value.row !== undefined ? { row: p.value.row } : {}), ...(p.value.element ? { element: p.value.element } : {}) });
      yield p;
      continue;
    }
    yield rejected({
      ...(p.value.row !== undefined ? { row: p.value.row } : {}),
      ...(p.value.element ? { element: p.value.element } : {}),
      field: 'number',
      value: p.value.number,
      reason: `the same invoice as ${where(seen)} of this file (same customer, number and kind): a file may hold each invoice once`,
    });
  }
}
