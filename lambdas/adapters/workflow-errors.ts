/**
 * Errors the state machine reacts to by name (statemachines/dunning.asl.json): Lambda reports a
 * thrown error's `name` as the Step Functions error, so these names are part of the ASL contract.
 */

/** Throttling, 5xx, lease contention: the Task's Retry rule tries again with backoff. */
export class TransientError extends Error {
  override readonly name = 'Sollecito.Transient';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The invoice may no longer be chased by this execution (paid, other status, newer revision or run). */
/** A stage held back by the customer's contact limits: the state machine re-plans it (dunning.asl.json). */
export class DeferredError extends Error {
  override readonly name = 'Sollecito.Deferred';
}

export class InvoiceClosedError extends Error {
  override readonly name = 'Sollecito.InvoiceClosed';
  constructor(message: string) {
    super(message);
  }
}

/**
 * A message call timed out or lost its connection after the request went out: it may or may not
 * have been delivered, so the claim is kept (never two sends) and the log entry marked failed.
 */
export class SendOutcomeUnknownError extends Error {
  override readonly name = 'Sollecito.SendOutcomeUnknown';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalServerError',
  'InternalServerException',
  'InternalFailure',
  'TransactionInProgressException',
]);

/** Cancellation reasons of a DynamoDB transaction that say "too busy right now", not "the data said no". */
const BUSY_CANCELLATION = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'TransactionConflict']);

/**
 * A TransactionCanceledException cancelled only because of throttling or a concurrent
 * transaction: a 400 the SDK does not retry, yet nothing about the request was wrong.
 */
export const isBusyTransaction = (err: unknown): boolean => {
  const e = err as { name?: unknown; CancellationReasons?: { Code?: string }[] } | undefined;
  if (e?.name !== 'TransactionCanceledException' || !Array.isArray(e.CancellationReasons)) return false;
  const codes = e.CancellationReasons.map((r) => r.Code ?? 'None');
  return codes.some((c) => BUSY_CANCELLATION.has(c)) && codes.every((c) => c === 'None' || BUSY_CANCELLATION.has(c));
};

/** True for SDK errors worth retrying later: throttling, 5xx, timeouts and dropped connections. */
export const isTransientAwsError = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  const e = err as Error & { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string };
  if (THROTTLING.has(e.name) || isBusyTransaction(e)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return ['TimeoutError', 'RequestTimeout', 'AbortError'].includes(e.name) || ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE'].includes(e.code ?? '');
};

/** True when `err`, or an error it wraps (its `cause` chain), is transient: worth the same request again shortly. */
export const hasTransientCause = (err: unknown): boolean => {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (e instanceof TransientError || isTransientAwsError(e)) return true;
  }
  return false;
};

/** Re-throws transient SDK errors as Sollecito.Transient so the state machine retries them; others pass unchanged. */
export const asTransient = (what: string, err: unknown): unknown =>
  isTransientAwsError(err) ? new TransientError(`${what}: ${(err as Error).name}`, { cause: err }) : err;

const UNKNOWN_OUTCOME = new Set(['TimeoutError', 'RequestTimeout', 'AbortError']);
const UNKNOWN_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/**
 * For calls that deliver a message: throttling and 5xx answers mean nothing left (retry later);
 * a timeout or a dropped connection leaves the outcome unknown. Other errors pass unchanged.
 */
export const classifySendError = (what: string, err: unknown): unknown => {
  if (!(err instanceof Error)) return err;
  const code = (err as { code?: string }).code ?? '';
  if (UNKNOWN_OUTCOME.has(err.name) || UNKNOWN_CODES.has(code)) {
    return new SendOutcomeUnknownError(`${what}: ${err.name}${code ? ` ${code}` : ''}`, { cause: err });
  }
  return asTransient(what, err);
};
