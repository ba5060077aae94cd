/**
 * Opening the copy of the invoice ("view the invoice" link).
 * 1. No document stored for the invoice: record the view; there is nothing to show.
 * 2. Pre-sign a short-lived URL of the original document.
 * 3. Record the view, count it.
 */
import { linkIds, type OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';
import { recordLinkView } from './record-link-view.js';

export type InvoiceCopy = { kind: 'document'; url: string } | { kind: 'no-document'; link: OpenedLink };

const DOCUMENT_URL_SECONDS = 300;

export const openInvoiceCopy = async (
  deps: Pick<CustomerAnswersDeps, 'documents' | 'documentUrlSeconds' | 'invoices' | 'now' | 'logger' | 'count'>,
  l: OpenedLink,
): Promise<InvoiceCopy> => {
  // 1. No document
  if (!l.invoice.documentKey) {
    await recordLinkView(deps, l, { document: false });
    return { kind: 'no-document', link: l };
  }
  // 2. Pre-sign
  const url = await deps.documents().presignGet(l.invoice.documentKey, deps.documentUrlSeconds ?? DOCUMENT_URL_SECONDS);
  // 3. Record the view
  await recordLinkView(deps, l, { document: true });
  deps.count('InvoiceDocumentViews');
  deps.logger.info('invoice document shown', linkIds(l));
  return { kind: 'document', url };
};
