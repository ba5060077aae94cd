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

/** A route's answer that is not JSON (a CSV export): returned to the client as it is. */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Record<string, string>,
  ) {}

  toResult(): APIGatewayProxyStructuredResultV2 {
    return { statusCode: this.status, headers: { 'cache-control': 'no-store', ...this.headers }, body: this.body };
  }
}
