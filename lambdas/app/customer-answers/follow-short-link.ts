/**
 * Following the short link of an SMS (GET /s/<code>): changes nothing.
 * 1. Look the code up, in this deployment's tenant only (a code of any other shape is looked up nowhere).
 * 2. Refuse an unknown or expired code, the same way for both (domain/messages/short-links.ts):
 *    the answer says found or not found, nothing more. Logged by its problem only, never the code.
 * 3. Sign the link it stands for: its page then opens, and logs the view, like any other link.
 */
import { signLink } from '../../domain/messages/links.js';
import { isShortCode, resolveShortLink } from '../../domain/messages/short-links.js';
import type { ShortLinkStore } from '../ports/message-links.js';
import type { CustomerAnswersDeps } from './ports.js';

export type FollowShortLinkDeps = Pick<CustomerAnswersDeps, 'tenantId' | 'keyring' | 'now' | 'logger' | 'count'> & {
  shortLinks: Pick<ShortLinkStore, 'find'>;
};

export type FollowedShortLink = { kind: 'refused' } | { kind: 'link'; token: string };

export const followShortLink = async (deps: FollowShortLinkDeps, code: string): Promise<FollowedShortLink> => {
  // 1. Look the code up
  const found = isShortCode(code) ? await deps.shortLinks.find(deps.tenantId, code) : undefined;

  // 2. Unknown or expired
  const claims = resolveShortLink(found, deps.tenantId, deps.now());
  if (typeof claims === 'string') {
    deps.logger.warn('short link refused', { problem: claims });
    deps.count(claims === 'expired' ? 'LinksExpired' : 'LinksRefused');
    return { kind: 'refused' };
  }

  // 3. The signed link
  deps.count('ShortLinksFollowed');
  return { kind: 'link', token: signLink(claims, await deps.keyring()) };
};
