/**
 * Following a customer link (GET): changes nothing but the contact log.
 * 1. Open the link (verify it, load the invoice).
 * 2. By the link's action:
 *    - the open pixel: record the message's first open;
 *    - "view the invoice": open the invoice copy;
 *    - an answer: show its page.
 */
import { PIXEL_ACTION } from '../../domain/messages/links.js';
import { isRefused, openLink, type LinkRefused } from './open-link.js';
import { openInvoiceCopy, type InvoiceCopy } from './open-invoice-copy.js';
import type { CustomerAnswersDeps } from './ports.js';
import { recordMessageOpen } from './record-message-open.js';
import { showAnswerPage, type AnswerPage } from './show-answer-page.js';

export type FollowedLink = LinkRefused | { kind: 'pixel' } | InvoiceCopy | AnswerPage;

export const followLink = async (deps: CustomerAnswersDeps, token: string): Promise<FollowedLink> => {
  // 1. Open the link
  const l = await openLink(deps, token);
  if (isRefused(l)) return l;

  // 2. By its action
  const action = l.claims.action;
  if (action === PIXEL_ACTION) {
    await recordMessageOpen(deps, l);
    return { kind: 'pixel' };
  }
  if (action === 'view') return openInvoiceCopy(deps, l);
  return showAnswerPage(deps, l, action);
};
