/**
 * One uploaded file -> its records, whatever the format: sniff the first bytes, pick the parser,
 * stream CSV and NDJSON, read XML and JSON documents whole under the size limit. Pure of AWS: the
 * bytes come in as an async iterable (an S3 body, a file stream, a test buffer).
 */
import { limited, peek, readDocument, utf8Text } from './bytes.js';
import type { CsvMappingConfig } from './columns.js';
import { customerFromFields, customersFromJson, type DirectoryCustomer } from './customers.js';
import { customerRowsFromCsv, invoicesFromCsv } from './csv.js';
import { detectFormat, type DetectedFormat } from './detect.js';
import { parseFatturaPA } from './fatturapa.js';
import { parseFatturaSemplificata, SIMPLIFIED_ROOT } from './fatturapa-simplified.js';
import { documentItems, invoicesFromJson, ndjsonItems } from './json.js';
import { FileRejected, LIMITS, rejected, type Parsed, type ParsedInvoice } from './types.js';
import { parseUbl } from './ubl.js';
import { parseXml, rootOf } from './xml.js';
import { unwrapSigned } from './p7m.js';
import { xmlDecoder } from './xml-encoding.js';

export interface SourceFile {
  key: string;
  /** Bytes, when known (S3 tells): documents over the limit are refused before being read. */
  size?: number;
  body: AsyncIterable<Uint8Array>;
}

export interface ReadOptions {
  mapping?: CsvMappingConfig;
}

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

const refuseLargeDocument = (file: SourceFile) => {
  const name = file.key.toLowerCase();
  if (file.size !== undefined && file.size > LIMITS.maxDocumentBytes && (name.endsWith('.xml') || name.endsWith('.json'))) {
    throw new FileRejected(`the document is ${mb(file.size)}: XML and JSON documents are read up to ${mb(LIMITS.maxDocumentBytes)} (split it, or send NDJSON or CSV)`);
  }
};

const open = async (file: SourceFile): Promise<{ format: DetectedFormat; head: Uint8Array; headText: string; all: AsyncIterable<Uint8Array> }> => {
  refuseLargeDocument(file);
  const { head, complete, all } = await peek(file.body);
  let format: DetectedFormat;
  try {
    format = detectFormat(file.key, head, complete);
  } catch (err) {
    // Nothing more is read: the rest of a 200 MB file of garbage stays where it is.
    await all[Symbol.asyncIterator]().return?.(undefined);
    throw err;
  }
  return { format, head, headText: new TextDecoder('utf-8').decode(head), all };
};

const document = (all: AsyncIterable<Uint8Array>) => readDocument(all, LIMITS.maxDocumentBytes);
/** The raw bytes of a binary document (a signed envelope), under the same size limit. */
const documentBytes = async (all: AsyncIterable<Uint8Array>): Promise<Uint8Array> => {
  const chunks: Uint8Array[] = [];
  for await (const c of limited(all, LIMITS.maxDocumentBytes, 'the document')) chunks.push(c);
  return Buffer.concat(chunks);
};
const stream = (all: AsyncIterable<Uint8Array>) => utf8Text(limited(all, LIMITS.maxStreamBytes, 'the file'));

/** Invoices of a file under `invoices/`; throws FileRejected when the file as a whole is unusable. */
export async function* readInvoiceFile(file: SourceFile, opts: ReadOptions = {}): AsyncGenerator<Parsed<ParsedInvoice>> {
  const { format, head, headText, all } = await open(file);
  switch (format) {
    case 'csv':
      yield* invoicesFromCsv(stream(all), { headText, mapping: opts.mapping });
      return;
    case 'ndjson':
      yield* invoicesFromJson(ndjsonItems(stream(all)), { mapping: opts.mapping });
      return;
    case 'json':
      yield* invoicesFromJson(documentItems(await document(all), 'invoices'), { mapping: opts.mapping });
      return;
    case 'xml':
    case 'p7m': {
      let xml: string;
      if (format === 'p7m') {
        const content = unwrapSigned(await documentBytes(all));
        xml = xmlDecoder(content).decode(content);
      } else {
        xml = await readDocument(all, LIMITS.maxDocumentBytes, xmlDecoder(head));
      }
      const root = rootOf(parseXml(xml));
      if (root?.name === 'FatturaElettronica') yield* parseFatturaPA(root.node);
      else if (root?.name === SIMPLIFIED_ROOT) yield* parseFatturaSemplificata(root.node);
      else if (root?.name === 'Invoice' || root?.name === 'CreditNote') yield* parseUbl(root.name, root.node);
      else throw new FileRejected(`the XML root element <${root?.name ?? '?'}> is neither a FatturaPA (FatturaElettronica, FatturaElettronicaSemplificata) nor a UBL Invoice/CreditNote`, { element: root?.name });
      return;
    }
  }
}

/** Customers of a file under `customers/`. */
export async function* readCustomerFile(file: SourceFile, opts: ReadOptions = {}): AsyncGenerator<Parsed<DirectoryCustomer>> {
  const { format, headText, all } = await open(file);
  switch (format) {
    case 'csv':
      for await (const r of customerRowsFromCsv(stream(all), { headText, mapping: opts.mapping })) {
        if ('error' in r) yield rejected({ row: r.row, field: r.field ?? 'row', ...(r.value ? { value: r.value } : {}), reason: r.error });
        else yield customerFromFields(r.fields, { row: r.row });
      }
      return;
    case 'ndjson':
      yield* customersFromJson(ndjsonItems(stream(all)), opts);
      return;
    case 'json':
      yield* customersFromJson(documentItems(await document(all), 'customers'), opts);
      return;
    case 'xml':
      await all[Symbol.asyncIterator]().return?.(undefined);
      throw new FileRejected('a customer directory is a CSV or JSON file, not XML');
  }
}
