import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ProblemAnswer } from '../errors.js';

/** A link token's shape (payload.signature, base64url): anything else is no link of ours. */
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a base64url text is the one encoding of its bytes. A last character whose spare bits
 * were changed decodes to the same bytes, so a MAC compared on bytes would take the respelled
 * token for the signed one: only the canonical spelling is a link (issue 20, item 7).
 */
const isCanonical = (part: string): boolean => Buffer.from(part, 'base64url').toString('base64url') === part;

/** The {token} of /c/{token} or /d/{token}, as the router matched it; a 404 page when it cannot be a link. */
export const tokenOf = (event: APIGatewayProxyEventV2): string => {
  const token = event.pathParameters?.token ?? '';
  if (!TOKEN.test(token) || !token.split('.').every(isCanonical)) throw new ProblemAnswer(404, 'invalid');
  return token;
};
