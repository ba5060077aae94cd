/**
 * The headers of every customer page: nothing cached, nothing framed, no referrer leaking the link,
 * and a Content-Security-Policy that allows the page's one inline style and one inline script by
 * their hashes (no 'unsafe-inline').
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { CSS, SCRIPT } from './pages/style.js';

const sha256 = (s: string) => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy': [
    "default-src 'none'",
    `style-src ${sha256(CSS)}`,
    `script-src ${sha256(SCRIPT)}`,
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'x-robots-tag': 'noindex, nofollow',
};

/** A page as the gateway's answer. */
export const htmlPage = (status: number, body: string, extra: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { ...PAGE_HEADERS, ...extra },
  body,
});

/** A redirect with the pages' headers: not cached, no referrer, the token in `location` leaks nowhere. */
export const redirectTo = (status: 302 | 303, location: string): APIGatewayProxyStructuredResultV2 => {
  const { 'content-type': _none, ...headers } = PAGE_HEADERS;
  return { statusCode: status, headers: { ...headers, location }, body: '' };
};
