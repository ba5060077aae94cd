import type { CustomerLinks } from '../../domain/messages/rendering/types.js';
import type { Invoice } from '../../domain/model.js';

/** The signed links one customer message carries, and the nonce they share (logged with the contact). */
export interface MessageLinks {
  links: CustomerLinks;
  nonce: string;
}

export interface MessageLinkSigner {
  /** Fresh links for one message about `invoice` (`ref`: the stage or message key); undefined where links are not configured. */
  linksFor(invoice: Invoice, ref: string, now: Date, openPixel?: boolean): Promise<MessageLinks | undefined>;
}
