import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_LINK_LIFETIME_DAYS,
  LINK_ACTIONS,
  LinkError,
  csrfToken,
  linkExpiry,
  messageLinks,
  answerKey,
  newNonce,
  signLink,
  verifyCsrf,
  verifyLink,
  type LinkClaims,
  type LinkKeyring,
  type LinkProblem,
} from '../../lambdas/domain/messages/links.js';

const key = (s: string) => new TextEncoder().encode(s);
const ring: LinkKeyring = { current: key('k1-0123456789abcdef0123456789abcdef') };
const otherRing: LinkKeyring = { current: key('k2-0123456789abcdef0123456789abcdef') };
const NOW = new Date('2026-03-10T09:00:00Z');

const claims: LinkClaims = {
  tenantId: 'acme',
  invoiceId: 'inv-2026/0042',
  action: 'promise',
  expiresAt: linkExpiry(NOW, 60),
  nonce: 'n0nce-AAAAAAAAAAAAAAAAAA',
  ref: 'firstOverdue',
};

const problemOf = (fn: () => unknown): LinkProblem | 'none' => {
  try {
    fn();
    return 'none';
  } catch (err) {
    if (err instanceof LinkError) return err.problem;
    throw err;
  }
};

/** The token with its payload re-encoded from `fields` but the original signature kept. */
const withPayload = (token: string, fields: unknown[]) =>
  `${Buffer.from(JSON.stringify(fields)).toString('base64url')}.${token.split('.')[1]}`;
const fieldsOf = (token: string): unknown[] => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));

describe('signing and verifying a link', () => {
  it('gives back exactly the claims it was signed with', () => {
    expect(verifyLink(signLink(claims, ring), ring, NOW)).toEqual(claims);
  });

  it('round-trips any ids, actions and nonces', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 60 }),
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.constantFrom(...LINK_ACTIONS),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (tenantId, invoiceId, action, nonce, ref) => {
          const c = { tenantId, invoiceId, action, nonce, ref, expiresAt: claims.expiresAt };
          expect(verifyLink(signLink(c, ring), ring, NOW)).toEqual(c);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is URL-safe as it is', () => {
    const token = signLink(claims, ring);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });

  it('is refused when signed with another key, and accepted by a ring that still holds the old key', () => {
    const token = signLink(claims, otherRing);
    expect(problemOf(() => verifyLink(token, ring, NOW))).toBe('tampered');
    const rotated: LinkKeyring = { current: ring.current, previous: [otherRing.current] };
    expect(verifyLink(token, rotated, NOW)).toEqual(claims);
  });
});

describe('tampering with any field is detected', () => {
  const token = signLink(claims, ring);
  const original = fieldsOf(token);
  const changes: [string, number, unknown][] = [
    ['tenant', 1, 'other-tenant'],
    ['invoice', 2, 'inv-2026/0043'],
    ['action', 3, 'paid'],
    ['expiry (extended by a second)', 4, claims.expiresAt + 1],
    ['expiry (extended by a year)', 4, claims.expiresAt + 365 * 86_400],
    ['nonce', 5, 'n0nce-BBBBBBBBBBBBBBBBBB'],
    ['reminder reference', 6, 'secondOverdue'],
  ];
  it.each(changes)('%s', (_what, index, value) => {
    const fields = [...original];
    fields[index] = value;
    expect(problemOf(() => verifyLink(withPayload(token, fields), ring, NOW))).toBe('tampered');
  });

  it('a flipped bit anywhere in the signature', () => {
    const [payload, sig] = token.split('.') as [string, string];
    const bytes = Buffer.from(sig, 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const copy = Buffer.from(bytes);
      copy[i]! ^= 0x01;
      expect(problemOf(() => verifyLink(`${payload}.${copy.toString('base64url')}`, ring, NOW))).toBe('tampered');
    }
  });

  it('the signature of one link on the payload of another', () => {
    const other = signLink({ ...claims, action: 'dispute' }, ring);
    const swapped = `${other.split('.')[0]}.${token.split('.')[1]}`;
    expect(problemOf(() => verifyLink(swapped, ring, NOW))).toBe('tampered');
  });
});

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const respelled = (token: string): string => {
  const [payload, sig] = token.split('.') as [string, string];
  const last = ALPHABET[ALPHABET.indexOf(sig.at(-1)!) ^ 1]!;
  const other = `${sig.slice(0, -1)}${last}`;
  // The same bytes: only the spelling differs.
  expect(Buffer.from(other, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
  return `${payload}.${other}`;
};

describe('malformed tokens', () => {
  const token = signLink(claims, ring);
  const cases: [string, string][] = [
    ['empty', ''],
    ['no signature', token.split('.')[0]!],
    ['three parts', `${token}.x`],
    ['not base64url', token.replace(/^./, '%')],
    ['short signature', `${token.split('.')[0]}.${Buffer.alloc(16).toString('base64url')}`],
    ['payload not JSON', `${Buffer.from('hello').toString('base64url')}.${token.split('.')[1]}`],
    ['unknown version', withPayload(token, ['2', ...fieldsOf(token).slice(1)])],
    ['unknown action', withPayload(token, fieldsOf(token).map((f, i) => (i === 3 ? 'delete' : f)))],
    ['expiry not a number', withPayload(token, fieldsOf(token).map((f, i) => (i === 4 ? 'never' : f)))],
    ['missing field', withPayload(token, fieldsOf(token).slice(0, 6))],
    ['oversized', 'a'.repeat(5000)],
    // 32 bytes in 43 characters leave 2 spare bits in the last: another spelling of the same MAC.
    ['signature respelled (spare bits of its last character)', respelled(token)],
  ];
  it.each(cases)('%s', (_what, bad) => {
    expect(problemOf(() => verifyLink(bad, ring, NOW))).toBe('malformed');
  });

  it('any random string is refused, never accepted and never a crash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        expect(problemOf(() => verifyLink(s, ring, NOW))).not.toBe('none');
      }),
      { numRuns: 300 },
    );
  });
});

describe('expiry', () => {
  it('a link lives 60 days by default and not a second more', () => {
    const token = signLink({ ...claims, expiresAt: linkExpiry(NOW) }, ring);
    expect(DEFAULT_LINK_LIFETIME_DAYS).toBe(60);
    const lastValid = new Date(NOW.getTime() + 60 * 86_400_000 - 1000);
    expect(verifyLink(token, ring, lastValid).action).toBe('promise');
    expect(problemOf(() => verifyLink(token, ring, new Date(NOW.getTime() + 60 * 86_400_000)))).toBe('expired');
  });

  it('the lifetime is configurable', () => {
    const token = signLink({ ...claims, expiresAt: linkExpiry(NOW, 7) }, ring);
    expect(verifyLink(token, ring, new Date(NOW.getTime() + 6 * 86_400_000)).invoiceId).toBe(claims.invoiceId);
    expect(problemOf(() => verifyLink(token, ring, new Date(NOW.getTime() + 8 * 86_400_000)))).toBe('expired');
    expect(() => linkExpiry(NOW, 0)).toThrow(RangeError);
  });

  it('an expired link signed with a foreign key is "tampered", not "expired": nothing unsigned is believed', () => {
    const token = signLink({ ...claims, expiresAt: 1 }, otherRing);
    expect(problemOf(() => verifyLink(token, ring, NOW))).toBe('tampered');
  });
});

describe('the CSRF token of a form', () => {
  const token = signLink(claims, ring);

  it('verifies for the link it was made for', () => {
    expect(verifyCsrf(token, csrfToken(token, ring), ring)).toBe(true);
  });

  it('is bound to that link: another link of the same message (same nonce) has another token', () => {
    const dispute = signLink({ ...claims, action: 'dispute' }, ring);
    expect(csrfToken(dispute, ring)).not.toBe(csrfToken(token, ring));
    expect(verifyCsrf(dispute, csrfToken(token, ring), ring)).toBe(false);
  });

  it('is not the link signature (a separate purpose label), and cannot be made without the key', () => {
    const csrf = csrfToken(token, ring);
    expect(csrf).not.toBe(token.split('.')[1]);
    expect(verifyCsrf(token, token.split('.')[1], ring)).toBe(false);
    expect(verifyCsrf(token, csrfToken(token, otherRing), ring)).toBe(false);
  });

  it('refuses missing, empty, truncated and non-string values', () => {
    const csrf = csrfToken(token, ring);
    for (const bad of [undefined, '', csrf.slice(0, -2), `${csrf}AA`, 42, ['x'], '%%%']) expect(verifyCsrf(token, bad, ring)).toBe(false);
  });
});

describe('the links of one message', () => {
  it('has one link per action, all sharing the message nonce, each for its own action', () => {
    const nonce = newNonce();
    const links = messageLinks(
      { baseUrl: 'https://pay.example/', tenantId: 'acme', invoiceId: 'inv-1', nonce, ref: 'dueDate', expiresAt: claims.expiresAt, hasDocument: true },
      ring,
    );
    expect(Object.keys(links).sort()).toEqual([...LINK_ACTIONS].sort());
    for (const [action, url] of Object.entries(links)) {
      expect(url.startsWith('https://pay.example/c/')).toBe(true);
      const c = verifyLink(url.slice('https://pay.example/c/'.length), ring, NOW);
      expect(c).toMatchObject({ action, nonce, invoiceId: 'inv-1', tenantId: 'acme', ref: 'dueDate' });
    }
  });

  it('leaves out "view the invoice" when there is no document', () => {
    const links = messageLinks(
      { baseUrl: 'https://pay.example', tenantId: 'acme', invoiceId: 'inv-1', nonce: newNonce(), ref: '', expiresAt: claims.expiresAt, hasDocument: false },
      ring,
    );
    expect(links.view).toBeUndefined();
    expect(links.paid).toBeDefined();
  });

  it('nonces do not repeat', () => {
    const seen = new Set(Array.from({ length: 1000 }, newNonce));
    expect(seen.size).toBe(1000);
  });
});

describe('replay protection', () => {
  it('a replayed form consumes the same answer key; another action of the same reminder, or another reminder, does not', () => {
    const token = signLink(claims, ring);
    const first = answerKey(verifyLink(token, ring, NOW));
    const replay = answerKey(verifyLink(token, ring, NOW));
    expect(replay).toBe(first);
    expect(answerKey(verifyLink(signLink({ ...claims, action: 'dispute' }, ring), ring, NOW))).not.toBe(first);
    expect(answerKey(verifyLink(signLink({ ...claims, nonce: newNonce() }, ring), ring, NOW))).not.toBe(first);
  });
});
