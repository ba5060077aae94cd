/**
 * The collection agency's link to a dossier too large to attach (issue 20, item 5): signed with the
 * customer links' keyring under a label of its own, so no customer link is ever a dossier link or the
 * other way round, and carrying its own expiry, which GET /d/{token} checks. A pre-signed S3 URL
 * made from a Lambda role's temporary credentials died with them, in hours, not the 7 days promised.
 * Pure (node:crypto only).
 */
import { b64, canonicalBytes, mac as hmac, macMatches, type LinkKeyring } from '../shared/signed-token.js';

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

const mac = (key: Uint8Array, payload: string): Buffer => hmac(key, LABEL, payload);

export const signDossierLink = (claims: DossierLinkClaims, ring: LinkKeyring): string => {
  if (!Number.isSafeInteger(claims.expiresAt)) throw new RangeError('expiresAt must be whole epoch seconds');
  const payload = b64(JSON.stringify([VERSION, claims.tenantId, claims.invoiceId, claims.expiresAt]));
  return `${payload}.${b64(mac(ring.current, payload))}`;
};

/** The claims of a well-formed, signed, unexpired token; DossierLinkError otherwise. */
export const verifyDossierLink = (token: string, ring: LinkKeyring, now: Date): DossierLinkClaims => {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new DossierLinkError('malformed', 'empty or oversized token');
  const [payload = '', sig = '', ...rest] = token.split('.');
  const presented = canonicalBytes(sig);
  if (rest.length > 0 || !canonicalBytes(payload) || !presented || presented.length !== MAC_BYTES) throw new DossierLinkError('malformed', 'not payload.signature in canonical base64url');
  if (!macMatches(ring, LABEL, payload, presented)) throw new DossierLinkError('tampered', 'signature does not match');
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
