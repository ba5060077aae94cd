import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

/**
 * The event as the route handlers see it, after the header normaliser, the body parser (POST and
 * PATCH) and the router (path parameters).
 */
export type ApiEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };
