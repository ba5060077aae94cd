import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { linkExpiry, signLink, verifyLink, type LinkKeyring } from '../../lambdas/domain/messages/links.js';
import {
  SHORT_CODE_LENGTH,
  SHORT_LINK_ACTION,
  SHORT_LINK_MAX_LENGTH,
  isShortCode,
  newShortCode,
  resolveShortLink,
  shortLinkUrl,
  shortLinksFit,
  type ShortLink,
} from '../../lambdas/domain/messages/short-links.js';

const NOW = new Date('2026-03-10T09:00:00Z');
const ring: LinkKeyring = { current: new TextEncoder().encode('k1-0123456789abcdef0123456789abcdef') };
const link: ShortLink = {
  code: 'a1B2c3D4e5',
  tenantId: 'acme',
  invoiceId: 'INV-7',
  run: 0,
  ref: 'dueDate',
  nonce: 'n0nce-AAAAAAAAAAAAAAAAAA',
  expiresAt: linkExpiry(NOW, 60),
};

describe('newShortCode', () => {
  it('draws 10 base62 characters', () => {
    for (let i = 0; i < 200; i++) {
      const code = newShortCode();
      expect(code).toMatch(/^[0-9A-Za-z]{10}$/);
      expect(isShortCode(code)).toBe(true);
    }
    expect(SHORT_CODE_LENGTH).toBe(10);
  });

  it('never repeats itself in 20,000 draws (no counter, no clock behind it)', () => {
    const codes = new Set(Array.from({ length: 20_000 }, () => newShortCode()));
    expect(codes.size).toBe(20_000);
  });

  it('maps each random byte below 248 to one character and draws again for the others (no modulo bias)', () => {
    // 248 = 4 x 62: the bytes 248..255 would favour '0'..'7'.
    const bytes = [255, 248, 0, 61, 62, 123, 247, 249, 10, 35, 36, 1, 2, 3];
    let at = 0;
    const random = (n: number) => Uint8Array.from({ length: n }, () => bytes[at++ % bytes.length]!);
    // 255, 248 and 249 are drawn again; 0 62 -> '0', 61 123 247 -> 'z', 10 -> 'A', 35 -> 'Z', 36 -> 'a'.
    expect(newShortCode(random)).toBe('0z0zzAZa12');
  });

  it('spreads the characters evenly over the alphabet', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 6_200; i++) for (const c of newShortCode()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 1,000 expected per character, standard deviation about 31: the band is six of them each way.
    for (const [c, n] of counts) {
      expect(n, c).toBeGreaterThan(800);
      expect(n, c).toBeLessThan(1_200);
    }
  });
});

describe('isShortCode', () => {
  it('accepts only the exact shape', () => {
    for (const bad of ['', 'a1B2c3D4e', 'a1B2c3D4e5f', 'a1B2c3D4e-', 'a1B2c3D4e_', 'a1B2c3D4é5', '../c/x.y12', 'a1B2c3D4e5\n', undefined, 42]) {
      expect(isShortCode(bad), String(bad)).toBe(false);
    }
  });
});

describe('shortLinkUrl', () => {
  it('is <base>/s/<code>, without a doubled slash', () => {
    expect(shortLinkUrl('https://pay.example', link.code)).toBe('https://pay.example/s/a1B2c3D4e5');
    expect(shortLinkUrl('https://pay.example/', link.code)).toBe('https://pay.example/s/a1B2c3D4e5');
  });

  it('fits an SMS under the API endpoint of any region, and a signed link never does', () => {
    const apiEndpoint = 'https://a1b2c3d4e5.execute-api.ap-southeast-4.amazonaws.com';
    expect(shortLinksFit(apiEndpoint)).toBe(true);
    expect(shortLinkUrl(apiEndpoint, link.code).length).toBeLessThanOrEqual(SHORT_LINK_MAX_LENGTH);
    const signed = `https://pay.example/c/${signLink({ ...link, action: 'paid' }, ring)}`;
    expect(signed.length).toBeGreaterThan(SHORT_LINK_MAX_LENGTH);
    expect(shortLinksFit(`https://${'x'.repeat(70)}.example`)).toBe(false);
  });
});

describe('resolveShortLink', () => {
  it("gives the claims of the message's link, for the page with the payment details", () => {
    const claims = resolveShortLink(link, 'acme', NOW);
    expect(claims).toEqual({ tenantId: 'acme', invoiceId: 'INV-7', action: SHORT_LINK_ACTION, expiresAt: link.expiresAt, nonce: link.nonce, ref: 'dueDate' });
    expect(SHORT_LINK_ACTION).toBe('paid');
    // Signed, it is a link like any other of the message.
    if (typeof claims === 'string') throw new Error(claims);
    expect(verifyLink(signLink(claims, ring), ring, NOW)).toEqual(claims);
  });

  it('refuses nothing found and another tenant alike, and an expired one from its expiry on', () => {
    expect(resolveShortLink(undefined, 'acme', NOW)).toBe('unknown');
    expect(resolveShortLink(link, 'other', NOW)).toBe('unknown');
    expect(resolveShortLink(link, 'acme', new Date(link.expiresAt * 1000 - 1))).not.toBeTypeOf('string');
    expect(resolveShortLink(link, 'acme', new Date(link.expiresAt * 1000))).toBe('expired');
  });

  it('never opens a link of another tenant, whatever the stored record says', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ minLength: 1, maxLength: 20 }), (stored, deployment) => {
        fc.pre(stored !== deployment);
        expect(resolveShortLink({ ...link, tenantId: stored }, deployment, NOW)).toBe('unknown');
      }),
    );
  });
});
