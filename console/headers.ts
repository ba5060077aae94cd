/**
 * The console's response headers, one definition for both places that serve it: CloudFront's
 * response-headers policy in AWS (infra/constructs/console.ts) and the local stack's static server
 * (local/services/http-api.ts), so a CSP violation shows up in the browser tests before AWS.
 *
 * The CSP is strict: scripts and styles only from the console's own origin (Vite emits no inline
 * script or style; Preact and uPlot set styles through the CSSOM, which style-src does not govern),
 * API calls to the same origin (CloudFront forwards /v1/* to the HTTP API; locally it is one port),
 * and the token endpoint of the sign-in domain (Cognito managed login) when it is another origin.
 */

export interface ConsoleHeaderOptions {
  /** The sign-in domain's origin (https://<prefix>.auth.<region>.amazoncognito.com) when not the console's own. */
  readonly authOrigin?: string;
  /** Served over HTTPS (CloudFront): HSTS and upgrade-insecure-requests apply. Not on the laptop's http://127.0.0.1. */
  readonly https: boolean;
}

export const contentSecurityPolicy = (o: ConsoleHeaderOptions): string =>
  [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src 'self'${o.authOrigin ? ` ${o.authOrigin}` : ''}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    `form-action 'self'${o.authOrigin ? ` ${o.authOrigin}` : ''}`,
    "frame-ancestors 'none'",
    "object-src 'none'",
    ...(o.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');

/** Two years, subdomains included (the distribution's own host name and below). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** Headers besides the CSP and HSTS: no sniffing, no framing, no referrer (the sign-in code is in the URL), isolation. */
export const OTHER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Every security header as one record (the local server sends exactly these). */
export const consoleSecurityHeaders = (o: ConsoleHeaderOptions): Record<string, string> => ({
  'content-security-policy': contentSecurityPolicy(o),
  ...OTHER_SECURITY_HEADERS,
  ...(o.https ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
});
