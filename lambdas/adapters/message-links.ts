/**
 * The signed links one customer message carries for its invoice (domain/messages/links.ts), with
 * one fresh nonce per message so an answer says which reminder it came from. Links need the public
 * base URL and the signing key: where neither is configured (a handler test that does not exercise
 * links) the message goes out without them; a key that is configured but cannot be read fails the
 * send before anything is claimed, so the state machine's retry sends it with its links.
 * Config: PUBLIC_BASE_URL, LINK_SECRET_ARN (LINK_SECRET locally), LINK_LIFETIME_DAYS.
 */
import type { Invoice } from '../domain/model.js';
import { linkExpiry, messageLinks, newNonce } from '../domain/messages/links.js';
import type { MessageLinkSigner, MessageLinks } from '../app/ports/message-links.js';
import { linkKeyring, linkLifetimeDays } from './link-key.js';

const configured = (): boolean => Boolean(process.env.PUBLIC_BASE_URL && (process.env.LINK_SECRET_ARN || process.env.LINK_SECRET));

export const linksForMessage = async (invoice: Invoice, ref: string, now: Date, openPixel = false): Promise<MessageLinks | undefined> => {
  if (!configured()) return undefined;
  const ring = await linkKeyring();
  const nonce = newNonce();
  const links = messageLinks(
    {
      baseUrl: process.env.PUBLIC_BASE_URL!,
      tenantId: invoice.tenantId,
      invoiceId: invoice.invoiceId,
      nonce,
      ref,
      expiresAt: linkExpiry(now, linkLifetimeDays()),
      hasDocument: Boolean(invoice.documentKey),
      openPixel,
    },
    ring,
  );
  return { links, nonce };
};

export const envMessageLinks: MessageLinkSigner = { linksFor: linksForMessage };
