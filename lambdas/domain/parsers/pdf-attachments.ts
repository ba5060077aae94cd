/**
 * The e-invoice a Factur-X / ZUGFeRD / XRechnung PDF (PDF/A-3) carries as an embedded file:
 * factur-x.xml (Factur-X, ZUGFeRD 2.1+), zugferd-invoice.xml (ZUGFeRD 2.0), ZUGFeRD-invoice.xml
 * (ZUGFeRD 1), xrechnung.xml (XRechnung in a PDF). Read with @cantoo/pdf-lib (the maintained fork
 * of pdf-lib) through the document catalog: the EmbeddedFiles name tree (its Kids too) and the
 * PDF/A-3 associated files (/AF). Loaded only when a PDF arrives (read-file.ts imports this module
 * on demand), so the ingest function pays for the library only then.
 *
 * The embedded stream is inflated with fflate under the document size limit: a file that
 * decompresses to more is refused instead of filling the Lambda's memory.
 */
import { Unzlib } from 'fflate';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRawStream, PDFRef, PDFString, decodePDFRawStream, type PDFObject } from '@cantoo/pdf-lib';
import { FileRejected, LIMITS } from './types.js';

/** Embedded file names of the e-invoice, the current ones first (compared case-insensitively). */
export const EMBEDDED_INVOICE_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'xrechnung.xml'] as const;

export interface EmbeddedFile {
  name: string;
  afRelationship?: string;
  bytes: () => Uint8Array;
}

const textOf = (o: PDFObject | undefined): string | undefined =>
  o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : o instanceof PDFName ? o.decodeText() : undefined;

const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** The stream's bytes: FlateDecode inflated here under the limit, other filters by the library. */
const decoded = (stream: PDFRawStream, name: string): Uint8Array => {
  const filter = stream.dict.lookup(PDFName.of('Filter'));
  const filters = filter instanceof PDFArray ? filter.asArray() : filter ? [filter] : [];
  const params = stream.dict.lookup(PDFName.of('DecodeParms'));
  const tooLarge = () => new FileRejected(`the embedded ${name} is larger than ${mb(LIMITS.maxDocumentBytes)} once decompressed: refused`, { field: name });
  if (filters.length === 0) {
    if (stream.contents.byteLength > LIMITS.maxDocumentBytes) throw tooLarge();
    return stream.contents;
  }
  if (filters.length === 1 && filters[0] === PDFName.of('FlateDecode') && !params) {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const inflate = new Unzlib((chunk) => {
      total += chunk.byteLength;
      if (total > LIMITS.maxDocumentBytes) throw tooLarge();
      chunks.push(chunk);
    });
    try {
      inflate.push(stream.contents, true);
    } catch (err) {
      if (err instanceof FileRejected) throw err;
      throw new FileRejected(`the embedded ${name} cannot be decompressed: ${(err as Error).message.slice(0, 120)}`, { field: name });
    }
    return Buffer.concat(chunks);
  }
  try {
    const out = decodePDFRawStream(stream).decode();
    if (out.byteLength > LIMITS.maxDocumentBytes) throw tooLarge();
    return out;
  } catch (err) {
    if (err instanceof FileRejected) throw err;
    throw new FileRejected(`the embedded ${name} cannot be decoded: ${(err as Error).message.slice(0, 120)}`, { field: name });
  }
};

/** A file specification's name and embedded stream; undefined when it embeds nothing. */
const fromSpec = (doc: PDFDocument, spec: PDFObject | undefined, treeName?: string): EmbeddedFile | undefined => {
  const dict = spec instanceof PDFRef ? doc.context.lookup(spec) : spec;
  if (!(dict instanceof PDFDict)) return undefined;
  const ef = dict.lookup(PDFName.of('EF'));
  if (!(ef instanceof PDFDict)) return undefined;
  const stream = ef.lookup(PDFName.of('UF')) ?? ef.lookup(PDFName.of('F'));
  if (!(stream instanceof PDFRawStream)) return undefined;
  const name = textOf(dict.lookup(PDFName.of('UF'))) ?? textOf(dict.lookup(PDFName.of('F'))) ?? treeName ?? '';
  const afRelationship = textOf(dict.lookup(PDFName.of('AFRelationship')));
  return { name, ...(afRelationship ? { afRelationship } : {}), bytes: () => decoded(stream, name || 'attachment') };
};

/** Every file embedded in the PDF: the EmbeddedFiles name tree, then the catalog's associated files. */
export const embeddedFiles = async (pdf: Uint8Array): Promise<EmbeddedFile[]> => {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
  } catch (err) {
    throw new FileRejected(`the PDF cannot be read: ${(err as Error).message.slice(0, 160)}`);
  }
  if (doc.isEncrypted) throw new FileRejected('the PDF is encrypted (a PDF/A-3 e-invoice never is): upload it unencrypted, or the e-invoice XML');
  try {
    return filesOf(doc);
  } catch (err) {
    if (err instanceof FileRejected) throw err;
    throw new FileRejected(`the PDF cannot be read: ${(err as Error).message.slice(0, 160)}`);
  }
};

const filesOf = (doc: PDFDocument): EmbeddedFile[] => {
  if (!(doc.catalog instanceof PDFDict)) throw new FileRejected('the PDF has no document catalog: it is damaged or cut short');
  const out: EmbeddedFile[] = [];
  const seen = new Set<PDFObject>();
  const add = (spec: PDFObject | undefined, treeName?: string) => {
    if (!spec || seen.has(spec)) return;
    seen.add(spec);
    const f = fromSpec(doc, spec, treeName);
    if (f) out.push(f);
  };
  const walk = (node: PDFObject | undefined, depth: number) => {
    const dict = node instanceof PDFRef ? doc.context.lookup(node) : node;
    if (!(dict instanceof PDFDict) || depth > 16 || seen.has(dict)) return;
    seen.add(dict);
    const names = dict.lookup(PDFName.of('Names'));
    if (names instanceof PDFArray) {
      for (let i = 0; i + 1 < names.size(); i += 2) add(names.get(i + 1), textOf(names.lookup(i)));
    }
    const kids = dict.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) for (const k of kids.asArray()) walk(k, depth + 1);
  };
  const catalogNames = doc.catalog.lookup(PDFName.of('Names'));
  if (catalogNames instanceof PDFDict) walk(catalogNames.get(PDFName.of('EmbeddedFiles')), 0);
  const af = doc.catalog.lookup(PDFName.of('AF'));
  if (af instanceof PDFArray) for (const spec of af.asArray()) add(spec);
  return out;
};

/**
 * The XML e-invoice the PDF carries, by its standard name, else the one XML file it associates as
 * the invoice's data or alternative form; FileRejected (with what it does carry) otherwise.
 */
export const embeddedInvoice = async (pdf: Uint8Array): Promise<{ name: string; xml: Uint8Array }> => {
  const read = (f: EmbeddedFile): Uint8Array => {
    try {
      return f.bytes();
    } catch (err) {
      if (err instanceof FileRejected) throw err;
      throw new FileRejected(`the embedded ${f.name} cannot be read: ${(err as Error).message.slice(0, 160)}`);
    }
  };
  const files = await embeddedFiles(pdf);
  const byName = (n: string) => files.find((f) => f.name.toLowerCase() === n);
  const chosen =
    EMBEDDED_INVOICE_NAMES.map(byName).find(Boolean) ??
    (() => {
      const xml = files.filter((f) => f.name.toLowerCase().endsWith('.xml') && /^(Alternative|Data|Source)$/i.test(f.afRelationship ?? ''));
      return xml.length === 1 ? xml[0] : undefined;
    })();
  if (!chosen) {
    const carried = files.length > 0 ? ` (it carries ${files.slice(0, 5).map((f) => f.name || 'an unnamed file').join(', ')})` : '';
    throw new FileRejected(
      `this PDF carries no embedded e-invoice${carried}: a Factur-X / ZUGFeRD PDF embeds ${EMBEDDED_INVOICE_NAMES.join(', ')}. Upload the e-invoice XML, or a CSV export, instead`,
      { field: 'EmbeddedFiles' },
    );
  }
  return { name: chosen.name, xml: read(chosen) };
};
