/**
 * Recording that a reminder was opened (its open pixel was fetched).
 * 1. Append `message_opened` once per message (its nonce): a mail client fetching the image again writes nothing new.
 * 2. Count the first open.
 * Never fails the image: a failed write is only warned about.
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';

export const recordMessageOpen = async (deps: Pick<CustomerAnswersDeps, 'invoices' | 'now' | 'logger' | 'count'>, l: OpenedLink): Promise<void> => {
  try {
    const first = await deps.invoices.appendEventOnce(
      contactEvent({
        tenantId: l.claims.tenantId,
        invoiceId: l.claims.invoiceId,
        at: deps.now().toISOString(),
        type: 'message_opened',
        channel: 'email',
        actor: 'customer',
        outcome: 'recorded',
        details: { ref: l.claims.ref, nonce: l.claims.nonce },
      }),
      `opened#${l.claims.nonce}`,
    );
    if (first) deps.count('MessagesOpened');
  } catch (err) {
    deps.logger.warn('open not logged', { invoiceId: l.claims.invoiceId, error: (err as Error).name });
  }
};
