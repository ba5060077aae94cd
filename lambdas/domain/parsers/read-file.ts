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
import { parseXml, rootElement, rootOf } from './xml.js';
import { CII_NAMESPACE, CII_ROOT, parseCii, ZUGFERD1_ROOT } from './cii.js';
import { isSdiReceiptRoot, parseSdiReceipt, SDI_MESSAGES_NAMESPACE, type SdiReceipt } from './sdi-receipts.js';
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
  if (file.size !== undefined && file.size > LIMITS.maxDocumentBytes && /\.(xml|json|pdf|p7m)$/.test(name)) {
    throw new FileRejected(`the document is ${mb(file.size)}: XML and JSON documents are read up to ${mb(LIMITS.maxDocumentBytes)}, PDFs too (split it, or send NDJSON or CSV)`);
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

/** What a file under `invoices/` holds: invoice records, or one SdI notification about an invoice sent. */
export type IncomingFile =
  | { kind: 'invoices'; records: AsyncIterable<Parsed<ParsedInvoice>> }
  | { kind: 'sdiReceipt'; receipt: SdiReceipt };

const UBL_NAMESPACES: Record<string, 'Invoice' | 'CreditNote'> = {
  'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2': 'Invoice',
  'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2': 'CreditNote',
};
const FATTURAPA_NAMESPACE = /^http:\/\/ivaservizi\.agenziaentrate\.gov\.it\/docs\/xsd\/fatture\/v1\.\d+$/;

async function* each<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

/**
 * An XML document by its root's namespace (UBL, CII, FatturaPA, SdI messages) and, for senders
 * that leave it out, its root's name. `inPdf`: the XML came out of a PDF (no SdI notification there).
 */
const readXml = (xml: string, inPdf?: string): IncomingFile => {
  const declared = rootElement(xml);
  const root = rootOf(parseXml(xml));
  const name = root?.name;
  const ns = declared?.namespace;
  const invoices = (records: Parsed<ParsedInvoice>[]): IncomingFile => ({ kind: 'invoices', records: each(records) });
  if (!root) throw new FileRejected('the XML has no root element');
  if (!inPdf && (ns === SDI_MESSAGES_NAMESPACE || isSdiReceiptRoot(name))) {
    if (!isSdiReceiptRoot(name)) throw new FileRejected(`<${name}> is an SdI message Sollecito does not read (it reads RC, MC, NS, NE, DT and AT)`, { element: name });
    return { kind: 'sdiReceipt', receipt: parseSdiReceipt(name, root.node) };
  }
  if (ns === CII_NAMESPACE || name === CII_ROOT) return invoices(parseCii(root.node));
  if (name === ZUGFERD1_ROOT) {
    throw new FileRejected('a ZUGFeRD 1.0 invoice (CrossIndustryDocument) is not read: export it as ZUGFeRD 2 / Factur-X (CrossIndustryInvoice), UBL or CSV', { element: name });
  }
  const ublRoot = ns ? UBL_NAMESPACES[ns] : undefined;
  if (ublRoot && ublRoot === name) return invoices(parseUbl(name, root.node));
  if (name === 'FatturaElettronica') return invoices(parseFatturaPA(root.node));
  if (name === SIMPLIFIED_ROOT) return invoices(parseFatturaSemplificata(root.node));
  if (name === 'Invoice' || name === 'CreditNote') return invoices(parseUbl(name, root.node));
  const where = inPdf ? `the ${inPdf} embedded in the PDF: its` : 'the XML';
  throw new FileRejected(
    `${where} root element <${name}>${ns && !FATTURAPA_NAMESPACE.test(ns) ? ` (namespace ${ns.slice(0, 120)})` : ''} is neither a FatturaPA (FatturaElettronica, FatturaElettronicaSemplificata), a UBL Invoice/CreditNote, a CII CrossIndustryInvoice nor an SdI notification`,
    { element: name },
  );
};

/** The e-invoice a Factur-X / ZUGFeRD PDF embeds, read as the XML it is; the PDF library is loaded only now. */
const readPdf = async (bytes: Uint8Array): Promise<IncomingFile> => {
  const { embeddedInvoice } = await import('./pdf-attachments.js');
  const { name, xml } = await embeddedInvoice(bytes);
  return readXml(xmlDecoder(xml).decode(xml), name);
};

/** Reads a file under `invoices/`; throws FileRejected when the file as a whole is unusable. */
export const readIncomingFile = async (file: SourceFile, opts: ReadOptions = {}): Promise<IncomingFile> => {
  const { format, head, headText, all } = await open(file);
  switch (format) {
    case 'csv':
      return { kind: 'invoices', records: invoicesFromCsv(stream(all), { headText, mapping: opts.mapping }) };
    case 'ndjson':
      return { kind: 'invoices', records: invoicesFromJson(ndjsonItems(stream(all)), { mapping: opts.mapping }) };
    case 'json':
      return { kind: 'invoices', records: invoicesFromJson(documentItems(await document(all), 'invoices'), { mapping: opts.mapping }) };
    case 'pdf':
      return readPdf(await documentBytes(all));
    case 'xml':
    case 'p7m': {
      let xml: string;
      if (format === 'p7m') {
        const content = unwrapSigned(await documentBytes(all));
        xml = xmlDecoder(content).decode(content);
      } else {
        xml = await readDocument(all, LIMITS.maxDocumentBytes, xmlDecoder(head));
      }
      return readXml(xml);
    }
  }
};

/** Invoices of a file under `invoices/`; throws FileRejected when the file as a whole is unusable (an SdI notification too). */
export async function* readInvoiceFile(file: SourceFile, opts: ReadOptions = {}): AsyncGenerator<Parsed<ParsedInvoice>> {
  const incoming = await readIncomingFile(file, opts);
  if (incoming.kind === 'sdiReceipt') {
    throw new FileRejected(`this is an SdI notification (${incoming.receipt.root}), not an invoice`, { element: incoming.receipt.root });
  }
  yield* incoming.records;
}

const NOT_A_DIRECTORY = { xml: 'XML', p7m: 'a signed (.p7m) document', pdf: 'a PDF' } as const;

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
    case 'p7m':
    case 'pdf':
      await all[Symbol.asyncIterator]().return?.(undefined);
      throw new FileRejected(`a customer directory is a CSV or JSON file, not ${NOT_A_DIRECTORY[format]}`);
  }
}
