import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ProblemAnswer } from '../errors.js';

/** A link token's shape (payload.signature, base64url): anything else is no link of ours. */
const TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** The {token} of /c/{token} or /d/{token}, as the router matched it; a 404 page when it cannot be a link. */
export const tokenOf = (event: APIGatewayProxyEventV2): string => {
  const token = event.pathParameters?.token ?? '';
  if (!TOKEN.test(token)) throw new ProblemAnswer(404, 'invalid');
  return token;
};
