/**
 * Every failure the admin API can report, and the middleware that turns thrown errors into JSON
 * answers: 400 with field-level messages for bad input, 401/403, 404, 409/422 with the business
 * reason, 503 with Retry-After when a send holds the invoice too long or DynamoDB stays throttled.
 * Anything else is a 500 with no detail (the log has the error name, never the request body).
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { IdempotencyAlreadyInProgressError, IdempotencyValidationError } from '@aws-lambda-powertools/idempotency';
import type { Logger } from '@aws-lambda-powertools/logger';
import type * as z from 'zod/mini';
import { CommandRejected } from '../domain/commands/commands.js';
import { REJECTION_STATUS } from '../http/rejection-status.js';
import { InvoiceBusyError, NotFoundError } from '../app/ports/commands.js';
import { InvalidCursorError, UnsupportedFilterError } from '../app/ports/invoice-list.js';
import { hasTransientCause } from '../adapters/workflow-errors.js';
import { json } from './http.js';

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Turns zod issues into one message per field, named by its path ("instalments.1.date"). */
export const validationError = (issues: readonly z.core.$ZodIssue[], where: 'body' | 'query' | 'path'): ApiError => {
  const errors = issues.flatMap((i): FieldError[] => {
    const field = i.path.length ? i.path.map(String).join('.') : where;
    if (i.code === 'unrecognized_keys') return i.keys.map((k) => ({ field: i.path.length ? `${field}.${k}` : k, message: 'unknown field' }));
    return [{ field, message: i.message }];
  });
  const n = errors.length;
  return new ApiError(400, 'validation_failed', `The ${where === 'body' ? 'request body' : where === 'query' ? 'query string' : 'path'} has ${n} invalid field${n === 1 ? '' : 's'}.`, errors);
};

const problem = (e: ApiError): APIGatewayProxyStructuredResultV2 =>
  json(e.status, { code: e.code, message: e.message, ...(e.errors ? { errors: e.errors } : {}) }, e.headers);

/** Maps a thrown error to the answer a client can act on; undefined for errors that are our fault. */
export const toApiError = (err: unknown): ApiError | undefined => {
  if (err instanceof ApiError) return err;
  if (err instanceof CommandRejected) {
    return new ApiError(REJECTION_STATUS[err.kind], err.code, err.message, err.field ? [{ field: err.field, message: err.message }] : undefined);
  }
  if (err instanceof NotFoundError) return new ApiError(404, `${err.entity}_not_found`, `No ${err.entity} with id ${err.id}.`);
  if (err instanceof InvalidCursorError) return new ApiError(400, 'invalid_cursor', err.message, [{ field: 'cursor', message: err.message }]);
  if (err instanceof UnsupportedFilterError) return new ApiError(400, 'unsupported_filter', err.message, [{ field: err.field, message: err.message }]);
  if (err instanceof InvoiceBusyError) {
    return new ApiError(503, 'invoice_busy', 'A reminder for this invoice is being sent right now; nothing was recorded. Retry in a few seconds.', undefined, {
      'Retry-After': '5',
    });
  }
  // DynamoDB throttling or a 5xx that outlasted the SDK's retries (also when wrapped by a command or
  // by the idempotency layer): the client's retry is the remedy, so it is a 503 with Retry-After, not a 500.
  if (hasTransientCause(err)) {
    return new ApiError(503, 'service_busy', 'The service is busy right now. Retry in a few seconds (with the same Idempotency-Key for a POST).', undefined, {
      'Retry-After': '2',
    });
  }
  if (err instanceof IdempotencyAlreadyInProgressError) {
    return new ApiError(409, 'request_in_progress', 'A request with this Idempotency-Key is still being processed; retry once it has answered.');
  }
  if (err instanceof IdempotencyValidationError) {
    return new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with a different request body.', [
      { field: 'Idempotency-Key', message: 'already used with a different request body' },
    ]);
  }
  // middy's own HTTP errors: router (404), body parser (415, 422 malformed JSON).
  const e = err as { statusCode?: number; expose?: boolean; message?: string };
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    if (e.statusCode === 404) return new ApiError(404, 'route_not_found', 'No such route (check the method and the path).');
    if (e.statusCode === 415) return new ApiError(415, 'unsupported_media_type', 'Send the request body as JSON with Content-Type: application/json.');
    if (e.statusCode === 422) {
      return new ApiError(400, 'invalid_json', 'The request body is not valid JSON.', [{ field: 'body', message: 'not valid JSON' }]);
    }
    return new ApiError(e.statusCode, 'bad_request', e.message ?? 'Bad request');
  }
  return undefined;
};

/** onError: known errors become their answer; unknown ones are logged and left to http-error-handler (500). */
export const errorResponses = (logger: Logger): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> => ({
  onError: (request) => {
    const api = toApiError(request.error);
    if (api) {
      logger.info('request refused', { status: api.status, code: api.code });
      request.response = problem(api);
      return;
    }
    const err = request.error as Error | undefined;
    logger.error('request failed', { errorName: err?.name, errorMessage: err?.message, stack: err?.stack });
    request.response = json(500, { code: 'internal_error', message: 'Something went wrong on our side; nothing you sent caused it. Retry, or ask the administrator to check the logs.' });
  },
});
