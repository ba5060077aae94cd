/**
 * Signed customer links (docs/customer-links.md). A link names one action on one invoice of one
 * tenant, carries its expiry and the nonce of the message it came in, and is signed with
 * HMAC-SHA256 under the tenant-wide link key:
 *
 *   token = base64url(JSON ["1", tenantId, invoiceId, action, expiresAtEpochSeconds, nonce, ref])
 *           "." base64url(HMAC-SHA256(key, "sollecito/link/v1\0" + payload))
 *
 * The MAC is over the encoded payload, so there is nothing to canonicalise. Verification checks
 * the shape (malformed), then the MAC in constant time against every key of the keyring
 * (tampered), and only then the expiry (expired): nothing about an unsigned token is believed.
 * The CSRF token of a page's form is a second HMAC of the link token under another purpose label,
 * so it is bound to that one link and cannot be made without the key. Pure: no I/O, `now` comes in.
 */
import { randomBytes } from 'node:crypto';
import { b64, canonicalBytes, mac, macMatches, type LinkKeyring } from '../shared/signed-token.js';
import type { CustomerLinks } from './rendering/types.js';

export const LINK_ACTIONS = ['paid', 'promise', 'dispute', 'plan', 'contact', 'view'] as const;
/** Signed like the others but never shown as a link: the open-tracking pixel. */
export const PIXEL_ACTION = 'open' as const;
export type LinkAction = (typeof LINK_ACTIONS)[number];
/** Every action a token may carry: the pages' and the pixel. */
export type SignedAction = LinkAction | typeof PIXEL_ACTION;
const SIGNED_ACTIONS: readonly string[] = [...LINK_ACTIONS, PIXEL_ACTION];

export const DEFAULT_LINK_LIFETIME_DAYS = 60;
/** Longest link accepted at all: anything longer is not one we issued. */
export const MAX_TOKEN_LENGTH = 1024;

const VERSION = '1';
const LINK_LABEL = 'sollecito/link/v1\u0000';
const CSRF_LABEL = 'sollecito/csrf/v1\u0000';
const MAC_BYTES = 32;

export type { LinkKeyring } from '../shared/signed-token.js';

export interface LinkClaims {
  tenantId: string;
  invoiceId: string;
  action: SignedAction;
  /** Epoch seconds after which the link no longer works. */
  expiresAt: number;
  /** One per message: which reminder the link came in, and what a POST consumes (once per action). */
  nonce: string;
  /** The reminder the link came in (stage or message key), for the contact log; '' when unknown. */
  ref: string;
}

export type LinkProblem = 'malformed' | 'tampered' | 'expired';

/** A link that cannot be honoured. The page shown for every reason is the same; the log says which. */
export class LinkError extends Error {
  override readonly name = 'LinkError';
  constructor(
    readonly problem: LinkProblem,
    message: string,
  ) {
    super(message);
  }
}

/** A fresh message nonce: 128 random bits, base64url. */
export const newNonce = (): string => b64(randomBytes(16));

/** The expiry (epoch seconds) of a link issued at `now` that lives `lifetimeDays`. */
export const linkExpiry = (now: Date, lifetimeDays: number = DEFAULT_LINK_LIFETIME_DAYS): number => {
  if (!Number.isFinite(lifetimeDays) || lifetimeDays <= 0) throw new RangeError(`link lifetime must be a positive number of days (got ${lifetimeDays})`);
  return Math.floor(now.getTime() / 1000) + Math.round(lifetimeDays * 86_400);
};

export const signLink = (claims: LinkClaims, ring: LinkKeyring): string => {
  if (!SIGNED_ACTIONS.includes(claims.action)) throw new RangeError(`not a link action: ${String(claims.action)}`);
  if (!Number.isSafeInteger(claims.expiresAt)) throw new RangeError('expiresAt must be whole epoch seconds');
  const payload = b64(JSON.stringify([VERSION, claims.tenantId, claims.invoiceId, claims.action, claims.expiresAt, claims.nonce, claims.ref]));
  const token = `${payload}.${b64(mac(ring.current, LINK_LABEL, payload))}`;
  if (token.length > MAX_TOKEN_LENGTH) throw new RangeError(`link token too long (${token.length} characters): shorten the ids`);
  return token;
};

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Reads a token's claims when it is well formed and signed by the keyring; throws LinkError otherwise. */
export const verifyLink = (token: string, ring: LinkKeyring, now: Date): LinkClaims => {
  if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new LinkError('malformed', 'empty or oversized token');
  const parts = token.split('.');
  const presented = parts.length === 2 && canonicalBytes(parts[0]!) ? canonicalBytes(parts[1]!) : undefined;
  if (!presented) throw new LinkError('malformed', 'not payload.signature in canonical base64url');
  const payload = parts[0]!;
  if (presented.length !== MAC_BYTES) throw new LinkError('malformed', 'signature of the wrong length');

  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new LinkError('malformed', 'payload is not JSON');
  }
  if (!Array.isArray(fields) || fields.length !== 7) throw new LinkError('malformed', 'payload is not a link');
  const [version, tenantId, invoiceId, action, expiresAt, nonce, ref] = fields as unknown[];
  if (
    version !== VERSION ||
    !isStr(tenantId, 200) ||
    !isStr(invoiceId, 128) ||
    !SIGNED_ACTIONS.includes(action as SignedAction) ||
    !Number.isSafeInteger(expiresAt) ||
    !isStr(nonce, 64) ||
    !isStr(ref, 200) ||
    tenantId === '' ||
    invoiceId === '' ||
    nonce === ''
  ) {
    throw new LinkError('malformed', 'payload fields are not a link');
  }

  if (!macMatches(ring, LINK_LABEL, payload, presented)) throw new LinkError('tampered', 'signature does not match');
  if ((expiresAt as number) * 1000 <= now.getTime()) throw new LinkError('expired', 'link expired');
  return { tenantId, invoiceId, action: action as SignedAction, expiresAt: expiresAt as number, nonce, ref };
};

/** The CSRF token of the form behind `linkToken`: only the holder of the key can make it. */
export const csrfToken = (linkToken: string, ring: LinkKeyring): string => b64(mac(ring.current, CSRF_LABEL, linkToken));

/** Whether `presented` is the CSRF token of `linkToken` (constant time, any key of the ring). */
export const verifyCsrf = (linkToken: string, presented: unknown, ring: LinkKeyring): boolean => {
  const bytes = typeof presented === 'string' ? canonicalBytes(presented) : undefined;
  if (!bytes || bytes.length !== MAC_BYTES) return false;
  return macMatches(ring, CSRF_LABEL, linkToken, bytes);
};

/**
 * What an action POST consumes, once: the message nonce and the action. A second POST of the same
 * form (a replay, a double click) finds it taken; another action of the same reminder does not.
 */
export const answerKey = (c: Pick<LinkClaims, 'nonce' | 'action'>): string => `${c.nonce}#${c.action}`;

/** The public URL of a link: `<base>/c/<token>` (the customer-pages route). */
export const linkUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/c/${token}`;

export interface MessageLinksInput {
  baseUrl: string;
  tenantId: string;
  invoiceId: string;
  /** One nonce for every link of one message. */
  nonce: string;
  ref: string;
  expiresAt: number;
  /** 'view' is left out when there is no document to show. */
  hasDocument: boolean;
  /** The open-tracking pixel (tenant.openTracking). */
  openPixel?: boolean;
}

/** Every link one message carries for one invoice, as the renderer shows them. */
export const messageLinks = (input: MessageLinksInput, ring: LinkKeyring): CustomerLinks => {
  const links: CustomerLinks = {};
  for (const action of LINK_ACTIONS) {
    if (action === 'view' && !input.hasDocument) continue;
    const token = signLink(
      { tenantId: input.tenantId, invoiceId: input.invoiceId, action, expiresAt: input.expiresAt, nonce: input.nonce, ref: input.ref },
      ring,
    );
    links[action] = linkUrl(input.baseUrl, token);
  }
  if (input.openPixel) {
    const { tenantId, invoiceId, expiresAt, nonce, ref } = input;
    links.open = linkUrl(input.baseUrl, signLink({ tenantId, invoiceId, action: PIXEL_ACTION, expiresAt, nonce, ref }, ring));
  }
  return links;
};
