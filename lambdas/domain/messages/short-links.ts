/**
 * Short links for SMS (docs/customer-links.md): `<base>/s/<code>`, where the code is 10 random
 * base62 characters (about 59.5 bits) standing for one message's signed link. The code carries
 * nothing: the table maps it to the claims of the link, which the site signs again and redirects
 * to. Pure but for the random draw (which a test may replace).
 */
import { randomBytes } from 'node:crypto';
import type { LinkAction, LinkClaims } from './links.js';

export const SHORT_CODE_LENGTH = 10;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SHORT_CODE = new RegExp(`^[0-9A-Za-z]{${SHORT_CODE_LENGTH}}$`);
/** Bytes from here up are drawn again: 256 is no multiple of 62, and `b % 62` over them would favour the first letters. */
const UNBIASED_BELOW = 256 - (256 % ALPHABET.length);

/**
 * Most characters a short link may have: the SMS keeps it whole (the body gives way), and a
 * signed link (200+ characters) never fits. The API's own endpoint
 * (https://<id>.execute-api.<region>.amazonaws.com) gives about 70.
 */
export const SHORT_LINK_MAX_LENGTH = 80;

/** The page a short link opens: "I have paid" shows the payment details, every other answer is one tap from it. */
export const SHORT_LINK_ACTION: LinkAction = 'paid';

/** One message's short link: its code and what the link it stands for is signed from. */
export interface ShortLink {
  code: string;
  tenantId: string;
  invoiceId: string;
  /** The invoice's run: the message of a later run gets a code of its own. */
  run: number;
  /** The reminder (stage or message key), as in the signed links. */
  ref: string;
  /** The message's nonce: the short link and the e-mail's links are one reminder's. */
  nonce: string;
  /** Epoch seconds, the message links' expiry. */
  expiresAt: number;
}

/** A fresh code: uniformly random over the alphabet, never derived from anything. */
export const newShortCode = (random: (bytes: number) => Uint8Array = randomBytes): string => {
  let code = '';
  while (code.length < SHORT_CODE_LENGTH) {
    for (const b of random(SHORT_CODE_LENGTH)) if (b < UNBIASED_BELOW && code.length < SHORT_CODE_LENGTH) code += ALPHABET[b % ALPHABET.length];
  }
  return code;
};

/** Whether `s` has the shape of a code (anything else is looked up nowhere). */
export const isShortCode = (s: unknown): s is string => typeof s === 'string' && SHORT_CODE.test(s);

/** The public URL of a short link: `<base>/s/<code>` (the customer-pages route). */
export const shortLinkUrl = (baseUrl: string, code: string): string => `${baseUrl.replace(/\/+$/, '')}/s/${code}`;

/** Whether short links under `baseUrl` fit in an SMS. */
export const shortLinksFit = (baseUrl: string): boolean => shortLinkUrl(baseUrl, 'x'.repeat(SHORT_CODE_LENGTH)).length <= SHORT_LINK_MAX_LENGTH;

/** Why a presented code opens nothing. The customer sees the same "expired" page for both; the log says which. */
export type ShortLinkProblem = 'unknown' | 'expired';

/** What a code that was looked up opens: the claims of the link to sign, or why not. */
export const resolveShortLink = (found: ShortLink | undefined, tenantId: string, now: Date): LinkClaims | ShortLinkProblem => {
  if (!found || found.tenantId !== tenantId) return 'unknown';
  if (found.expiresAt * 1000 <= now.getTime()) return 'expired';
  const { invoiceId, expiresAt, nonce, ref } = found;
  return { tenantId, invoiceId, action: SHORT_LINK_ACTION, expiresAt, nonce, ref };
};
