import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ProblemAnswer } from '../errors.js';
import { tokenOf } from './token.js';

/** Any other method on a link: 405 (and 404 first when the path is no link at all). */
export const otherMethodsRoute = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  tokenOf(event);
  throw new ProblemAnswer(405, 'invalid', undefined, { allow: 'GET, POST' });
};
