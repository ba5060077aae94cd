/**
 * The body of an answer: middy's urlencoded parser, for a form of at most MAX_FORM_BYTES. Any other
 * body (another content type, a bigger one) is left unparsed rather than refused here, so the use
 * case refuses it in its own order: an expired or tampered link says so whatever was posted.
 */
import type { MiddlewareObj } from '@middy/core';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const MAX_FORM_BYTES = 16 * 1024;

const parser = httpUrlencodeBodyParser({ disableContentTypeError: true });

export const formBody = (maxBytes = MAX_FORM_BYTES): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  before: (request) => {
    const { body, isBase64Encoded } = request.event;
    if (body !== undefined && Buffer.byteLength(isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body) > maxBytes) return;
    return parser.before!(request as never);
  },
});

/** The parsed form, one value per field (the first of a repeated one wins), or undefined when the body was not one. */
export const formOf = (body: unknown): Record<string, string> | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  return Object.fromEntries(Object.entries(body as Record<string, string | string[]>).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? '') : v]));
};
