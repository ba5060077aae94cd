/**
 * RecordFailure: a step of the timeline failed beyond its retries.
 * 1. Read which state failed, and why, from the Catch's error.
 * 2. Write the failure on the invoice (the finance team sees it in the API) and in its log.
 * 3. The execution then ends in Failed, and the ExecutionsFailed alarm fires.
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { TimelinePorts } from './ports.js';
import type { ExecutionRef } from './execution.js';

export type RecordFailureDeps = Pick<TimelinePorts, 'invoices' | 'clock' | 'logger' | 'count'>;

export interface FailureResult {
  recorded: boolean;
  state: string;
  error: string;
}

/** `state`: the failed state, read off the error's message by the handler (task-state.ts failedStateOf). */
export const recordFailure = async (deps: RecordFailureDeps, input: ExecutionRef & { state: string; error: { Error?: string; Cause?: string } }): Promise<FailureResult> => {
  // 1. Which state, why
  const at = deps.clock.now().toISOString();
  const { state } = input;
  const error = (input.error.Error ?? 'Unknown').slice(0, 200);
  const cause = (input.error.Cause ?? '').slice(0, 2000);
  // 2. On the invoice and in its log; false when the invoice itself is gone: nothing to write it on
  const recorded = await deps.invoices.recordFailure(
    input.tenantId,
    input.invoiceId,
    { at, state, error, cause },
    contactEvent({
      tenantId: input.tenantId,
      invoiceId: input.invoiceId,
      at,
      type: 'failure',
      channel: 'system',
      actor: 'system',
      outcome: 'recorded',
      details: { state, error, revision: input.revision, run: input.run },
    }),
  );
  if (!recorded) return { recorded: false, state, error };
  deps.count('TimelineFailures');
  // The cause may quote a provider's message (which can name an address): it stays in DynamoDB, not in the logs.
  deps.logger.error('timeline step failed', { tenantId: input.tenantId, invoiceId: input.invoiceId, state, error });
  return { recorded: true, state, error };
};
