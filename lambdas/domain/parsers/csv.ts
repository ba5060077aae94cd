/**
 * CSV: streamed through csv-parse, never held whole. The delimiter (`,` `;` or tab) is read off the
 * header line; the header is mapped to fields through columns.ts (defaults + config/csv-mapping.json).
 * A bad row is rejected with its row number and the file goes on; a row that breaks the parser's
 * limits (one record over 64 KB, a quote never closed) stops the file with the row where it happened.
 */
import { Readable } from 'node:stream';
import { parse, type CsvError } from 'csv-parse';
import {
  aliasLookup,
  DEFAULT_CUSTOMER_COLUMNS,
  DEFAULT_INVOICE_COLUMNS,
  mapHeader,
  type ColumnMap,
  type CsvMappingConfig,
  type CustomerField,
  type InvoiceField,
} from './columns.js';
import { INVALID_UTF8 } from './bytes.js';
import { invoiceFromFields } from './invoice-fields.js';
import type { DecimalMark } from './money.js';
import { FileRejected, LIMITS, rejected, type Parsed, type ParsedInvoice } from './types.js';

export type Delimiter = ',' | ';' | '\t';

/** The delimiter that splits the header line into the most fields (quotes respected); `,` on a tie. */
export const detectDelimiter = (headText: string): Delimiter => {
  const text = headText.replace(/^\uFEFF/, '');
  const end = text.search(/\r?\n/);
  const line = end < 0 ? text : text.slice(0, end);
  const counts: Record<Delimiter, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0]!;
  return best[1] > 0 ? best[0] : ',';
};

export type CsvRow = { row: number; values: string[] } | { row: number; error: string };

const FATAL: Record<string, (row: number) => string> = {
  CSV_MAX_RECORD_SIZE: (row) => `row ${row} is longer than ${LIMITS.maxRecordBytes / 1024} KB (wrong delimiter, or not a CSV file): rows from ${row} on were not read`,
  CSV_QUOTE_NOT_CLOSED: (row) => `row ${row} opens a quote (") that is never closed: rows from ${row} on were not read`,
};

/**
 * Rows as arrays of trimmed strings, 1-based like a spreadsheet (the header is row 1). Rows the
 * parser cannot split come out as `{ row, error }`.
 */
export async function* csvRows(text: AsyncIterable<string>, delimiter: Delimiter): AsyncGenerator<CsvRow> {
  const source = Readable.from(text, { objectMode: false });
  const skipped: CsvRow[] = [];
  let fatal: FileRejected | undefined;
  const parser = parse({
    delimiter,
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    max_record_size: LIMITS.maxRecordBytes,
    skip_records_with_error: true,
    info: true,
    on_skip: (err: CsvError | undefined) => {
      const row = Number((err as { lines?: number } | undefined)?.lines ?? 0);
      const code = err?.code ?? '';
      const describe = FATAL[code];
      if (describe && !fatal) {
        fatal = new FileRejected(describe(row), { row });
        // Stop reading now: whatever follows is not trusted, and it may be hundreds of MB.
        source.unpipe(parser);
        source.destroy();
        parser.end();
      } else if (!describe) {
        skipped.push({ row, error: `the row cannot be split into columns (${(err?.message ?? code).replace(/ at line.*$/i, '').slice(0, 160)})` });
      }
      return undefined;
    },
  });
  source.pipe(parser);
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { records: number; lines: number } }>) {
      while (skipped.length > 0) yield skipped.shift()!;
      yield { row: rec.info.lines, values: rec.record };
    }
    while (skipped.length > 0) yield skipped.shift()!;
    if (fatal) throw fatal;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

export interface CsvOptions {
  mapping?: CsvMappingConfig;
  /** Detected from the header when absent. */
  delimiter?: Delimiter;
}

/** Header + rows -> field records; the header must name every required field. */
async function* fieldRecords<F extends string>(
  text: AsyncIterable<string>,
  delimiter: Delimiter,
  lookup: Map<string, F>,
  check: (map: ColumnMap<F>, header: string[]) => void,
): AsyncGenerator<{ row: number; fields: Partial<Record<F, string>> } | { row: number; error: string; field?: string; value?: string }> {
  let map: ColumnMap<F> | undefined;
  let width = 0;
  for await (const r of csvRows(text, delimiter)) {
    if ('error' in r) {
      if (!map) throw new FileRejected(`the header row cannot be read: ${r.error}`, { row: r.row });
      yield r;
      continue;
    }
    if (!map) {
      if (r.values.length > LIMITS.maxColumns) {
        throw new FileRejected(`the header has ${r.values.length} columns; at most ${LIMITS.maxColumns} are read`, { row: r.row });
      }
      map = mapHeader(r.values, lookup);
      width = r.values.length;
      check(map, r.values);
      continue;
    }
    if (r.values.length > width && r.values.slice(width).some((v) => v !== '')) {
      yield { row: r.row, error: `${r.values.length} columns where the header has ${width} (an unquoted "${delimiter === '\t' ? 'tab' : delimiter}" inside a value?)`, field: 'row' };
      continue;
    }
    const fields: Partial<Record<F, string>> = {};
    let broken: F | undefined;
    for (const [i, f] of map.byIndex) {
      const v = r.values[i];
      if (v === undefined || v === '') continue;
      if (v.includes(INVALID_UTF8)) broken ??= f;
      fields[f] = v;
    }
    if (broken) {
      yield { row: r.row, error: 'not valid UTF-8 text: save the file as UTF-8', field: broken, value: fields[broken] };
      continue;
    }
    yield { row: r.row, fields };
  }
  if (!map) throw new FileRejected('the file has no header row');
}

const headerError = (missing: string[], header: string[], defaults: Record<string, string[]>): never => {
  const names = missing.map((f) => `${f} (e.g. "${(defaults[f] ?? [f]).slice(0, 3).join('", "')}")`).join('; ');
  throw new FileRejected(
    `the header does not name ${names}. Columns found: ${header.slice(0, 30).map((h) => `"${h}"`).join(', ')}. Rename the columns or map them in config/csv-mapping.json`,
    { row: 1, field: 'header' },
  );
};

/** Invoices from a CSV export. */
export async function* invoicesFromCsv(text: AsyncIterable<string>, opts: CsvOptions & { headText: string }): AsyncGenerator<Parsed<ParsedInvoice>> {
  const delimiter = opts.delimiter ?? detectDelimiter(opts.headText);
  const cfg = opts.mapping?.invoices;
  // A `;` file comes from a locale that writes 1.234,56; a `,` file most likely from one that writes 1,234.56.
  const decimalMark: DecimalMark = cfg?.decimalMark ?? (delimiter === ';' ? ',' : '.');
  const lookup = aliasLookup<InvoiceField>(DEFAULT_INVOICE_COLUMNS, cfg?.columns);
  const check = (map: ColumnMap<InvoiceField>, header: string[]) => {
    const missing: string[] = [];
    for (const f of ['number', 'issueDate', 'amount'] as const) if (!map.fields.has(f)) missing.push(f);
    if (!map.fields.has('customerId') && !map.fields.has('customerTaxId')) missing.push('customerId');
    if (!map.fields.has('currency') && !cfg?.defaultCurrency) missing.push('currency');
    if (missing.length > 0) headerError(missing, header, DEFAULT_INVOICE_COLUMNS);
  };
  for await (const r of fieldRecords(text, delimiter, lookup, check)) {
    if ('error' in r) {
      yield rejected({ row: r.row, field: r.field ?? 'row', ...(r.value ? { value: r.value } : {}), reason: r.error });
      continue;
    }
    yield invoiceFromFields(r.fields, { row: r.row }, { format: 'csv', decimalMark, defaultCurrency: cfg?.defaultCurrency });
  }
}

/** Customer directory rows: named fields for customers.ts to validate. */
export async function* customerRowsFromCsv(
  text: AsyncIterable<string>,
  opts: CsvOptions & { headText: string },
): AsyncGenerator<{ row: number; fields: Partial<Record<CustomerField, string>> } | { row: number; error: string; field?: string; value?: string }> {
  const delimiter = opts.delimiter ?? detectDelimiter(opts.headText);
  const lookup = aliasLookup<CustomerField>(DEFAULT_CUSTOMER_COLUMNS, opts.mapping?.customers?.columns);
  const check = (map: ColumnMap<CustomerField>, header: string[]) => {
    const missing = (['customerId', 'name'] as const).filter((f) => !map.fields.has(f));
    if (missing.length > 0) headerError(missing, header, DEFAULT_CUSTOMER_COLUMNS);
  };
  yield* fieldRecords(text, delimiter, lookup, check);
}

