/**
 * The signed links one customer message carries for its invoice (domain/messages/links.ts), with
 * one fresh nonce per message so an answer says which reminder it came from. Links need the public
 * base URL and the signing key: where neither is configured (a handler test that does not exercise
 * links) the message goes out without them; a key that is configured but cannot be read fails the
 * send before anything is claimed, so the state machine's retry sends it with its links.
 * A message that goes by SMS also gets a short link (domain/messages/short-links.ts), kept in the
 * table (dynamo-short-links.ts) under its invoice, run and reminder: a retried send finds it and
 * reuses its code, nonce and expiry, so the retry's links are the very same.
 * Config: PUBLIC_BASE_URL, LINK_SECRET_ARN (LINK_SECRET locally), LINK_TTL_DAYS, TABLE_NAME.
 */
import type { Invoice } from '../domain/model.js';
import { linkExpiry, messageLinks, newNonce } from '../domain/messages/links.js';
import { newShortCode, shortLinkUrl, shortLinksFit, type ShortLink } from '../domain/messages/short-links.js';
import type { LinkOptions, MessageLinkSigner, MessageLinks, ShortLinkStore } from '../app/ports/message-links.js';
import { tableFromEnv } from './dynamo/client.js';
import { DynamoShortLinks } from './dynamo-short-links.js';
import { linkKeyring, linkLifetimeDays } from './link-key.js';
import { TransientError } from './workflow-errors.js';

const configured = (): boolean => Boolean(process.env.PUBLIC_BASE_URL && (process.env.LINK_SECRET_ARN || process.env.LINK_SECRET));

let store: ShortLinkStore | undefined;
/** The short links in the table named by TABLE_NAME: the senders keep them, the customer pages read them. */
export const envShortLinks = (): ShortLinkStore => (store ??= new DynamoShortLinks(tableFromEnv()));

/** A taken code is drawn again; three taken in a row is no coincidence (something else is wrong). */
const MAX_DRAWS = 3;

/** The message's short link: the one kept from an earlier attempt, or a new one with `fresh`'s nonce and expiry. */
const shortLinkFor = async (invoice: Invoice, ref: string, fresh: Pick<ShortLink, 'nonce' | 'expiresAt'>, now: Date): Promise<ShortLink> => {
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const candidate = { code: newShortCode(), tenantId: invoice.tenantId, invoiceId: invoice.invoiceId, run: invoice.run, ref, ...fresh };
    const kept = await envShortLinks().keep(candidate, now);
    if (kept) return kept;
  }
  throw new TransientError(`no short link kept for ${invoice.invoiceId} ${ref} after ${MAX_DRAWS} draws`);
};

export const linksForMessage = async (invoice: Invoice, ref: string, now: Date, options: LinkOptions = {}): Promise<MessageLinks | undefined> => {
  if (!configured()) return undefined;
  const ring = await linkKeyring();
  const baseUrl = process.env.PUBLIC_BASE_URL!;
  const fresh = { nonce: newNonce(), expiresAt: linkExpiry(now, linkLifetimeDays()) };
  // A base URL too long for a text gets no short link: render would leave it out anyway.
  const short = options.shortLink && shortLinksFit(baseUrl) ? await shortLinkFor(invoice, ref, fresh, now) : undefined;
  const { nonce, expiresAt } = short ?? fresh;
  const links = messageLinks(
    {
      baseUrl,
      tenantId: invoice.tenantId,
      invoiceId: invoice.invoiceId,
      nonce,
      ref,
      expiresAt,
      hasDocument: Boolean(invoice.documentKey),
      openPixel: options.openPixel ?? false,
    },
    ring,
  );
  return { links: short ? { ...links, short: shortLinkUrl(baseUrl, short.code) } : links, nonce };
};

export const envMessageLinks: MessageLinkSigner = { linksFor: linksForMessage };
