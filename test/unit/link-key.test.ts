import { afterEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LinkKeyError, linkKeyring, linkLifetimeDays, parseLinkSecret, resetLinkKeyCache } from '../../lambdas/adapters/link-key.js';
import { TransientError } from '../../lambdas/adapters/workflow-errors.js';
import { linkExpiry, signLink, verifyLink } from '../../lambdas/domain/messages/links.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const NOW = new Date('2026-03-10T09:00:00Z');
const claims = { tenantId: 't', invoiceId: 'i', action: 'paid' as const, expiresAt: linkExpiry(NOW), nonce: 'n', ref: '' };

const env = { ...process.env };
afterEach(() => {
  process.env = { ...env };
  resetLinkKeyCache();
});

describe('the link secret', () => {
  it('is the key itself, or {current, previous} during a rotation', () => {
    expect(parseLinkSecret(A).previous).toBeUndefined();
    const ring = parseLinkSecret(JSON.stringify({ current: B, previous: [A] }));
    // A link signed before the rotation still verifies; new links are signed with the new key.
    expect(verifyLink(signLink(claims, parseLinkSecret(A)), ring, NOW)).toEqual(claims);
    expect(() => verifyLink(signLink(claims, ring), parseLinkSecret(A), NOW)).toThrow();
  });

  it('refuses keys too short to be secret, and malformed JSON, with a message that says which', () => {
    expect(() => parseLinkSecret('short')).toThrow(LinkKeyError);
    expect(() => parseLinkSecret('{"current": 1}')).toThrow(/"current" must be a string/);
    expect(() => parseLinkSecret(`{"current": "${A}", "previous": "${B}"}`)).toThrow(/"previous" must be a list/);
    expect(() => parseLinkSecret('{oops')).toThrow(/not valid JSON/);
  });

  it('locally comes from LINK_SECRET; without any configuration it is an error', async () => {
    delete process.env.LINK_SECRET_ARN;
    process.env.LINK_SECRET = A;
    expect(verifyLink(signLink(claims, await linkKeyring()), parseLinkSecret(A), NOW)).toEqual(claims);
    resetLinkKeyCache();
    delete process.env.LINK_SECRET;
    await expect(linkKeyring()).rejects.toThrow(/neither LINK_SECRET_ARN nor LINK_SECRET/);
  });

  it('in AWS is read from Secrets Manager once per container; a throttled read is transient', async () => {
    const sm = mockClient(SecretsManagerClient);
    try {
      process.env.LINK_SECRET_ARN = 'arn:aws:secretsmanager:eu-south-1:123456789012:secret:links';
      process.env.AWS_REGION = 'eu-south-1';
      sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ current: B, previous: [A] }) });
      const [r1, r2] = await Promise.all([linkKeyring(), linkKeyring()]);
      expect(r1).toBe(r2);
      await linkKeyring();
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
      expect(sm.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({ SecretId: process.env.LINK_SECRET_ARN });

      resetLinkKeyCache();
      sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
      await expect(linkKeyring()).rejects.toBeInstanceOf(TransientError);
    } finally {
      sm.restore();
    }
  });

  it('lifetime: LINK_TTL_DAYS, 60 days by default, refused outside 1–365', () => {
    delete process.env.LINK_TTL_DAYS;
    expect(linkLifetimeDays()).toBe(60);
    process.env.LINK_TTL_DAYS = '14';
    expect(linkLifetimeDays()).toBe(14);
    for (const bad of ['0', '400', 'soon']) {
      process.env.LINK_TTL_DAYS = bad;
      expect(() => linkLifetimeDays()).toThrow(LinkKeyError);
    }
  });
});
