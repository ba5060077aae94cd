/**
 * GET /s/{code}: the short link of an SMS, a 303 to the signed link it stands for (`/c/<token>`,
 * on this same site). An unknown, expired or malformed code gets the page of an expired link (410).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { followShortLink, type FollowShortLinkDeps } from '../../app/customer-answers/follow-short-link.js';
import { linkUrl } from '../../domain/messages/links.js';
import { ProblemAnswer } from '../errors.js';
import { redirectTo } from '../headers.js';

export const followShortLinkRoute =
  (deps: FollowShortLinkDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const out = await followShortLink(deps, event.pathParameters?.code ?? '');
    if (out.kind === 'refused') throw new ProblemAnswer(410, 'expired');
    return redirectTo(303, linkUrl('', out.token));
  };

/** Any other method on a short link: 405. */
export const shortLinkOtherMethodsRoute = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  throw new ProblemAnswer(405, 'invalid', undefined, { allow: 'GET' });
};
