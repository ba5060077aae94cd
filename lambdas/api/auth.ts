/**
 * Who is calling, from the claims API Gateway's JWT authorizer verified (Cognito user pool in AWS,
 * the local stack's bearer tokens on a laptop). Users in the `finance` or `admin` group may change things,
 * `viewer` may only read. The handler checks again what the authorizer already enforced, so a
 * route wired without an authorizer by mistake still refuses everyone.
 */
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { ApiError } from './errors.js';
import type { ApiEvent } from './http.js';

export type Access = 'public' | 'read' | 'write';

export interface User {
  /** The token's `sub`: stable, not personal. */
  id: string;
  /**
   * Who acts, in the contact log and every audit field: the token's `sub`. Never the e-mail: a user
   * can change their own e-mail attribute, so it cannot identify them.
   */
  actor: string;
  /** The e-mail, recorded beside the actor for people to read, only when the token says it is verified. */
  actorEmail?: string;
  groups: string[];
}

/** `admin`: everything `finance` may (the team's lead; the company's own configuration will be theirs alone). */
const WRITERS = ['finance', 'admin'];
const READERS = ['finance', 'admin', 'viewer'];

/** `cognito:groups` arrives as a JSON-ish string ("[finance viewer]" or "[finance, viewer]") or as an array. */
const parseGroups = (raw: unknown): string[] => {
  if (Array.isArray(raw)) return raw.map(String);
  if (typeof raw !== 'string') return [];
  return raw
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .map((g) => g.replace(/^"|"$/g, ''))
    .filter(Boolean);
};

export const userOf = (event: ApiEvent): User | undefined => {
  const claims = (event.requestContext as APIGatewayProxyEventV2WithJWTAuthorizer['requestContext']).authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const email = typeof claims?.email === 'string' && claims.email ? claims.email : undefined;
  // API Gateway's JWT authorizer hands every claim over as a string: `email_verified` is "true".
  const verified = claims?.email_verified === true || claims?.email_verified === 'true';
  return { id: sub, actor: sub, ...(email && verified ? { actorEmail: email } : {}), groups: parseGroups(claims?.['cognito:groups']) };
};

export const authorize = (event: ApiEvent, access: Exclude<Access, 'public'>): User => {
  const user = userOf(event);
  if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in: this route needs a valid bearer token.');
  const allowed = access === 'write' ? WRITERS : READERS;
  if (!user.groups.some((g) => allowed.includes(g))) {
    throw new ApiError(
      403,
      'forbidden',
      access === 'write' ? 'Only members of the finance or admin group may change invoices and customers.' : 'Your account is in no group that may read this API.',
    );
  }
  return user;
};
