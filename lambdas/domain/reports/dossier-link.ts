/**
 * The collection agency's link to a dossier too large to attach (issue 20, item 5): signed with the
 * customer links' keyring under a label of its own, so no customer link is ever a dossier link or the
 * other way round, and carrying its own expiry, which GET /d/{token} checks. A pre-signed S3 URL
 * made from a Lambda role's temporary credentials died with them, in hours, not the 7 days promised.
 * Pure (node:crypto only).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LinkKeyring } from '../messages/links.js';

const LABEL = 'sollecito/dossier/v1\u0000';
const VERSION = 'd1';
const MAC_BYTES = 32;
const MAX_TOKEN_LENGTH = 600;

export interface DossierLinkClaims {
  tenantId: string;
  invoiceId: string;
  /** Epoch seconds after which the link no longer works. */
  expiresAt: number;
}

export type DossierLinkProblem = 'malformed' | 'tampered' | 'expired';

export class DossierLinkError extends Error {
  override readonly name = 'DossierLinkError';
  constructor(
    readonly problem: DossierLinkProblem,
    message: string,
  ) {
    super(message);
  }
}

const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url');
const mac = (key: Uint8Array, payload: string): Buffer => createHmac('sha256', key).update(LABEL).update(payload).digest();
/**
 * base64url that decodes to bytes which encode back to the very same text: the spare bits of a last
 * character changed make another text of the same bytes, which must not pass for the link.
 */
const canonical = (s: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return b64(bytes) === s ? bytes : undefined;
};

export const signDossierLink = (claims: DossierLinkClaims, ring: LinkKeyring): string => {
  if (!Number.isSafeInteger(claims.expiresAt)) throw new RangeError('expiresAt must be whole epoch seconds');
  const payload = b64(JSON.stringify([VERSION, claims.tenantId, claims.invoiceId, claims.expiresAt]));
  return `${payload}.${b64(mac(ring.current, payload))}`;
};

/** The claims of a well-formed, signed, unexpired token; DossierLinkError otherwise. */
export const verifyDossierLink = (token: string, ring: LinkKeyring, now: Date): DossierLinkClaims => {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new DossierLinkError('malformed', 'empty or oversized token');
  const [payload = '', sig = '', ...rest] = token.split('.');
  const presented = canonical(sig);
  if (rest.length > 0 || !canonical(payload) || !presented || presented.length !== MAC_BYTES) throw new DossierLinkError('malformed', 'not payload.signature in canonical base64url');
  let ok = false;
  // Every key of the ring is tried, so the timing does not tell which one matched.
  for (const key of [ring.current, ...(ring.previous ?? [])]) if (timingSafeEqual(presented, mac(key, payload))) ok = true;
  if (!ok) throw new DossierLinkError('tampered', 'signature does not match');
  const fields: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  if (!Array.isArray(fields) || fields.length !== 4) throw new DossierLinkError('malformed', 'payload is not a dossier link');
  const [version, tenantId, invoiceId, expiresAt] = fields as unknown[];
  if (version !== VERSION || typeof tenantId !== 'string' || typeof invoiceId !== 'string' || !Number.isSafeInteger(expiresAt)) {
    throw new DossierLinkError('malformed', 'payload fields are not a dossier link');
  }
  if ((expiresAt as number) * 1000 <= now.getTime()) throw new DossierLinkError('expired', 'link expired');
  return { tenantId, invoiceId, expiresAt: expiresAt as number };
};

/** The public URL of a dossier link: `<base>/d/<token>` (the customer-pages function serves it). */
export const dossierLinkUrl = (baseUrl: string, token: string): string => `${baseUrl.replace(/\/+$/, '')}/d/${token}`;
