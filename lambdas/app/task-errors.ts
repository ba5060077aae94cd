/**
 * What a timeline task tells the state machine when it does not complete: the error names its
 * Retry and Catch list (statemachines/dunning.asl.json). Use cases throw these; the handler's
 * inTaskState puts the state name in front of the message.
 */

/** Worth retrying: nothing left the building (a throttled read, a lease too short for the call). */
export class TransientError extends Error {
  override readonly name = 'Sollecito.Transient';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The e-mail provider refused the call for the account's sending rate (SES: 429
 * TooManyRequestsException, "Maximum sending rate exceeded."; or its daily quota): nothing left.
 * Still Sollecito.Transient to the state machine, whose Retry sends it again; on the last attempt
 * the Retry allows, the guarded send defers the message instead (domain/timeline/rate-deferral.ts).
 */
export class SendingRateExceededError extends TransientError {
  /** SES said its daily quota is spent, not only the per-second rate. */
  readonly daily: boolean;
  constructor(message: string, options: { cause?: unknown; daily: boolean }) {
    super(message, { cause: options.cause });
    this.daily = options.daily;
  }
}

/** The stage is held back (contact limits, an answer waiting, the call coming forward): PlanTimeline again. */
export class DeferredError extends Error {
  override readonly name = 'Sollecito.Deferred';
}

/** The invoice is no longer this execution's to chase (paid, superseded, gone): the execution ends. */
export class InvoiceClosedError extends Error {
  override readonly name = 'Sollecito.InvoiceClosed';
  constructor(message: string) {
    super(message);
  }
}

/** A provider call timed out after the request may have left: never retried, so nothing leaves twice. */
export class SendOutcomeUnknownError extends Error {
  override readonly name = 'Sollecito.SendOutcomeUnknown';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The provider refused the message for the sender's account, not for this recipient: SES sending
 * paused or the account suspended, a sandbox account writing to an unverified address, an
 * unverified MAIL FROM domain. Nothing left and nothing is used up: the claim is given back and the
 * state machine retries after a long interval, then parks the stage (WaitSenderUnblocked) and
 * re-plans, so the timeline never advances on a notice that did not leave.
 */
export class SenderBlockedError extends Error {
  override readonly name = 'Sollecito.SenderBlocked';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The execution re-planned more often than domain/timeline/replan-bound.ts allows: it fails into
 * RecordFailure (the invoice shows it; POST /v1/invoices/{id}/resume starts a new run) well before
 * Step Functions' history limit would fail it without a record.
 */
export class TooManyReplansError extends Error {
  override readonly name = 'Sollecito.TooManyReplans';
}

/** The metric counted for every account-level refusal (alarmed in infra/constructs/alarms.ts). */
export const ACCOUNT_REFUSAL_METRIC = 'SesAccountRefusals';

/**
 * The plan's walk alone waits longer than one execution may last (domain/timeline/execution-year.ts
 * 'tooLong': a policy whose stages lie nearly a year apart): it fails into RecordFailure, with a
 * record, instead of timing out a year later without one.
 */
export class ExecutionLimitError extends Error {
  override readonly name = 'Sollecito.ExecutionLimit';
}
