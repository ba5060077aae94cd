/**
 * AWS SDK errors read for what they mean to the state machine (statemachines/dunning.asl.json):
 * throttling, 5xx and busy transactions are transient (the Task's Retry tries again), a timeout
 * after the request left has an unknown outcome. Lambda reports a thrown error's `name` as the
 * Step Functions error, so the names in app/task-errors.ts are part of the ASL contract.
 */

import { SendOutcomeUnknownError, SenderBlockedError, TransientError } from '../app/task-errors.js';

// The error classes are the use cases' (app/task-errors.ts); this file reads the SDK's errors.
export { DeferredError, InvoiceClosedError, SendOutcomeUnknownError, SenderBlockedError, TransientError } from '../app/task-errors.js';

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
 * SESv2 SendEmail errors about the sending account rather than the message or its recipient
 * (SendEmail's documented errors): sending paused (by SES or by us), the account suspended, the
 * MAIL FROM domain no longer verified. Each stays until someone acts on the account.
 */
const ACCOUNT_REFUSALS = new Set(['SendingPausedException', 'AccountSuspendedException', 'MailFromDomainNotVerifiedException']);
/**
 * SES's MessageRejected also answers a sandbox account writing to an address it has not verified
 * ("Email address is not verified. The following identities failed the check in region …"): the
 * account's state, not the recipient's. Any other MessageRejected (content refused) is the message's.
 */
const SANDBOX_REJECTION = /not verified|sandbox/i;

/** True when SES refused the call for the sending account's state, not for this message or recipient. */
export const isAccountLevelRefusal = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  if (ACCOUNT_REFUSALS.has(err.name)) return true;
  return err.name === 'MessageRejected' && SANDBOX_REJECTION.test(err.message);
};

/**
 * For calls that deliver a message: throttling and 5xx answers mean nothing left (retry later);
 * an account-level refusal means nothing left and nothing will until the account is fixed (retry
 * much later, Sollecito.SenderBlocked); a timeout or a dropped connection leaves the outcome
 * unknown. Other errors (a refusal of this recipient or this content) pass unchanged.
 */
export const classifySendError = (what: string, err: unknown): unknown => {
  if (!(err instanceof Error)) return err;
  if (isAccountLevelRefusal(err)) return new SenderBlockedError(`${what}: ${err.name} (the sending account is refused, not the recipient)`, { cause: err });
  const code = (err as { code?: string }).code ?? '';
  if (UNKNOWN_OUTCOME.has(err.name) || UNKNOWN_CODES.has(code)) {
    return new SendOutcomeUnknownError(`${what}: ${err.name}${code ? ` ${code}` : ''}`, { cause: err });
  }
  return asTransient(what, err);
};
