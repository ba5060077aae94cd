/**
 * What every signed token of Sollecito shares (customer links, their CSRF tokens, the agency's
 * dossier links): base64url parts, an HMAC-SHA256 under a label of the token's kind (so no kind of
 * token passes for another), a keyring that signs with its current key and verifies with any, and
 * only the canonical spelling of a part accepted. Pure (node:crypto only).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Secrets the tokens are signed with: `current` signs, every key verifies (rotation without broken links). */
export interface LinkKeyring {
  current: Uint8Array;
  previous?: readonly Uint8Array[];
}

export const b64 = (b: Uint8Array | string): string => Buffer.from(b).toString('base64url');

/**
 * The bytes of a base64url text that is the one encoding of them; undefined otherwise. A last
 * character whose spare bits were changed decodes to the same bytes, so a MAC compared on bytes
 * would take the respelled token for the signed one.
 */
export const canonicalBytes = (s: string): Buffer | undefined => {
  if (!/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const bytes = Buffer.from(s, 'base64url');
  return b64(bytes) === s ? bytes : undefined;
};

export const mac = (key: Uint8Array, label: string, data: string): Buffer => createHmac('sha256', key).update(label).update(data).digest();

/** Constant-time equality of a presented MAC with the one any key of the ring would make. */
export const macMatches = (ring: LinkKeyring, label: string, data: string, presented: Buffer): boolean => {
  let ok = false;
  // Every key is tried even after a match, so timing does not tell which key (or whether any) matched.
  for (const key of [ring.current, ...(ring.previous ?? [])]) {
    const expected = mac(key, label, data);
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) ok = true;
  }
  return ok;
};
