/**
 * The keyring customer links are signed with (domain/links.ts).
 * - In AWS: the Secrets Manager secret LINK_SECRET_ARN, read once per container and kept for an
 *   hour (a rotated secret is picked up without a cold start).
 * - Locally (no LINK_SECRET_ARN): LINK_SECRET from the environment; the local stack generates one
 *   on first start and keeps it in its data directory, so links in old e-mails keep working.
 * The secret is either the key itself (at least 32 characters) or JSON
 * {"current": "...", "previous": ["..."]} while a rotation is under way (old links still verify).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { LinkKeyring } from '../domain/messages/links.js';
import { asTransient } from './workflow-errors.js';

const MIN_SECRET_LENGTH = 32;
const CACHE_MS = 3_600_000;

let client: SecretsManagerClient | undefined;
let cached: { ring: LinkKeyring; until: number } | undefined;
let pending: Promise<LinkKeyring> | undefined;

/** The secret is missing or unusable: a deployment problem, never the customer's. */
export class LinkKeyError extends Error {
  override readonly name = 'LinkKeyError';
}

const bytes = (s: string, where: string): Uint8Array => {
  if (s.length < MIN_SECRET_LENGTH) throw new LinkKeyError(`${where}: a link key needs at least ${MIN_SECRET_LENGTH} characters`);
  return new TextEncoder().encode(s);
};

/** Parses the secret's text: a bare key, or {current, previous[]}. */
export const parseLinkSecret = (text: string, where = 'link secret'): LinkKeyring => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new LinkKeyError(`${where}: not valid JSON`);
    }
    const { current, previous } = (parsed ?? {}) as { current?: unknown; previous?: unknown };
    if (typeof current !== 'string') throw new LinkKeyError(`${where}: "current" must be a string`);
    if (previous !== undefined && (!Array.isArray(previous) || previous.some((p) => typeof p !== 'string'))) {
      throw new LinkKeyError(`${where}: "previous" must be a list of strings`);
    }
    return { current: bytes(current, where), previous: ((previous as string[] | undefined) ?? []).map((p) => bytes(p, where)) };
  }
  return { current: bytes(trimmed, where) };
};

const load = async (): Promise<LinkKeyring> => {
  const arn = process.env.LINK_SECRET_ARN;
  if (!arn) {
    const local = process.env.LINK_SECRET;
    if (!local) throw new LinkKeyError('neither LINK_SECRET_ARN nor LINK_SECRET is set');
    return parseLinkSecret(local, 'LINK_SECRET');
  }
  client ??= new SecretsManagerClient({ maxAttempts: 3 });
  let out;
  try {
    out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  } catch (err) {
    // Throttling or a service error: nothing was sent yet, the caller's retry reads it again.
    throw asTransient('Secrets Manager GetSecretValue', err);
  }
  if (!out.SecretString) throw new LinkKeyError('the link secret has no SecretString');
  return parseLinkSecret(out.SecretString, 'LINK_SECRET_ARN');
};

/** The keyring, cached per container; concurrent first calls share one read. */
export const linkKeyring = async (): Promise<LinkKeyring> => {
  if (cached && cached.until > Date.now()) return cached.ring;
  pending ??= load()
    .then((ring) => {
      cached = { ring, until: Date.now() + CACHE_MS };
      return ring;
    })
    .finally(() => {
      pending = undefined;
    });
  return pending;
};

/** Forgets the cached keyring (tests that change the secret). */
export const resetLinkKeyCache = (): void => {
  cached = undefined;
};

/** How long links live: LINK_TTL_DAYS, 60 days when unset. */
export const linkLifetimeDays = (): number => {
  const raw = process.env.LINK_TTL_DAYS;
  if (raw === undefined || raw === '') return 60;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0 || days > 365) throw new LinkKeyError(`LINK_TTL_DAYS must be a number of days from 1 to 365 (got ${raw})`);
  return days;
};

/** The public base URL of the customer pages (the API's custom domain): PUBLIC_BASE_URL. */
export const publicBaseUrl = (): string => {
  const url = process.env.PUBLIC_BASE_URL;
  if (!url) throw new LinkKeyError('PUBLIC_BASE_URL is not set');
  return url;
};
