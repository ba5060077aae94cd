/**
 * Opening the copy of the invoice ("view the invoice" link).
 * 1. No document stored for the invoice: record the view; there is nothing to show.
 * 2. Pre-sign a short-lived URL of the original document.
 * 3. A FatturaPA (XML, or signed .p7m): read it and hand back a readable view of it, with the
 *    original's URL beside it; a file that cannot be read that way is served as it is.
 * 4. Record the view, count it.
 */
import { fatturaView, type FatturaView } from '../../domain/parsers/fatturapa-view.js';
import { unwrapSigned } from '../../domain/parsers/p7m.js';
import { FileRejected } from '../../domain/parsers/types.js';
import { xmlDecoder } from '../../domain/parsers/xml-encoding.js';
import type { Blobs } from '../ports/blobs.js';
import { linkIds, type OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';
import { recordLinkView } from './record-link-view.js';

export type InvoiceCopy =
  | { kind: 'document'; url: string }
  | { kind: 'rendered'; view: FatturaView; originalUrl: string; link: OpenedLink }
  | { kind: 'no-document'; link: OpenedLink };

const DOCUMENT_URL_SECONDS = 300;

const isFatturaPA = (l: OpenedLink, key: string): boolean => l.invoice.source?.format === 'fatturapa' && /\.(xml|p7m)$/i.test(key);

/** The FatturaPA's readable view; undefined when the stored file cannot be read as one. */
const viewOf = async (documents: Pick<Blobs, 'get'>, key: string, number: string): Promise<FatturaView | undefined> => {
  try {
    let bytes = await documents.get(key);
    if (/\.p7m$/i.test(key)) bytes = unwrapSigned(bytes);
    return fatturaView(xmlDecoder(bytes).decode(bytes), number);
  } catch (err) {
    if (err instanceof FileRejected) return undefined;
    throw err;
  }
};

export const openInvoiceCopy = async (
  deps: Pick<CustomerAnswersDeps, 'documents' | 'documentUrlSeconds' | 'invoices' | 'now' | 'logger' | 'count'>,
  l: OpenedLink,
): Promise<InvoiceCopy> => {
  // 1. No document
  const key = l.invoice.documentKey;
  if (!key) {
    await recordLinkView(deps, l, { document: false });
    return { kind: 'no-document', link: l };
  }
  // 2. Pre-sign
  const documents = deps.documents();
  const url = await documents.presignGet(key, deps.documentUrlSeconds ?? DOCUMENT_URL_SECONDS);
  // 3. A FatturaPA, readable
  const view = isFatturaPA(l, key) ? await viewOf(documents, key, l.invoice.number) : undefined;
  // 4. Record the view
  await recordLinkView(deps, l, { document: true });
  deps.count('InvoiceDocumentViews');
  deps.logger.info('invoice document shown', { ...linkIds(l), rendered: view !== undefined });
  return view ? { kind: 'rendered', view, originalUrl: url, link: l } : { kind: 'document', url };
};
