import type { CustomerLinks } from '../../domain/messages/rendering/types.js';
import type { ShortLink } from '../../domain/messages/short-links.js';
import type { Invoice } from '../../domain/model.js';

/** The signed links one customer message carries, and the nonce they share (logged with the contact). */
export interface MessageLinks {
  links: CustomerLinks;
  nonce: string;
}

export interface LinkOptions {
  /** The open-tracking pixel (tenant.openTracking). */
  openPixel?: boolean;
  /**
   * The message goes by SMS too: add the short link (`links.short`). The message then keeps its
   * nonce and expiry across a retried send, so the retry carries the same code and links.
   */
  shortLink?: boolean;
}

export interface MessageLinkSigner {
  /** Links for one message about `invoice` (`ref`: the stage or message key); undefined where links are not configured. */
  linksFor(invoice: Invoice, ref: string, now: Date, options?: LinkOptions): Promise<MessageLinks | undefined>;
}

/** Where SMS short links are kept (domain/messages/short-links.ts). */
export interface ShortLinkStore {
  /**
   * Keeps `candidate` as the short link of its message (tenant, invoice, run, ref) unless that
   * message has one that is still live: answers the one kept (the candidate or the earlier one),
   * or undefined when the candidate's code is taken (draw another).
   */
  keep(candidate: ShortLink, now: Date): Promise<ShortLink | undefined>;
  /** The short link a code stands for in the tenant, expired or not; undefined when there is none. */
  find(tenantId: string, code: string): Promise<ShortLink | undefined>;
}
