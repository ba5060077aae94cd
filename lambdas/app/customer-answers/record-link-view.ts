/**
 * Recording that a link was followed: one `link_view` entry in the invoice's contact log per
 * message (its nonce), whichever of its links and however often: 200 GETs of a page write one entry,
 * not 200. Nothing else changes, and a view is no engagement (domain/timeline/engagement.ts): mail
 * scanners prefetch links. A view that cannot be logged is no reason to refuse the page: it is only warned about.
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';

export const recordLinkView = async (
  deps: Pick<CustomerAnswersDeps, 'invoices' | 'now' | 'logger'>,
  l: OpenedLink,
  details: Record<string, unknown>,
): Promise<void> => {
  try {
    await deps.invoices.appendEventOnce(
      contactEvent({
        tenantId: l.claims.tenantId,
        invoiceId: l.claims.invoiceId,
        at: deps.now().toISOString(),
        type: 'link_view',
        channel: 'link',
        actor: 'customer',
        outcome: 'recorded',
        details: { action: l.claims.action, ref: l.claims.ref, nonce: l.claims.nonce, ...details },
      }),
      `viewed#${l.claims.nonce}`,
    );
  } catch (err) {
    deps.logger.warn('link view not logged', { invoiceId: l.claims.invoiceId, error: (err as Error).name });
  }
};
