/**
 * RecordFailure: a step of the timeline failed beyond its retries. The failure is written on the
 * invoice (so the finance team sees it in the API) and in its contact log, then the execution
 * ends in Failed (and the ExecutionsFailed alarm fires).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { contactEvent } from '../domain/shared/contact-event.js';
import { clock } from '../adapters/clock.js';
import { asTransient } from '../adapters/workflow-errors.js';
import { FailureTaskInput, parseTaskInput } from './lib/task-input.js';
import { failedStateOf } from './lib/task-state.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

export interface FailureResult {
  recorded: boolean;
  state: string;
  error: string;
}

export const recordFailure = async (input: FailureTaskInput): Promise<FailureResult> => {
  const at = clock.now().toISOString();
  const state = failedStateOf(input.error.Cause);
  const error = (input.error.Error ?? 'Unknown').slice(0, 200);
  const cause = (input.error.Cause ?? '').slice(0, 2000);
  try {
    await deps.invoices().recordFailure(
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
  } catch (err) {
    // The invoice itself is gone: nothing to write it on.
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      return { recorded: false, state, error };
    }
    if (err instanceof ConditionalCheckFailedException) return { recorded: false, state, error };
    throw asTransient('recordFailure', err);
  }
  count('TimelineFailures');
  // The cause may quote a provider's message (which can name an address): it stays in DynamoDB, not in the logs.
  logger.error('timeline step failed', { tenantId: input.tenantId, invoiceId: input.invoiceId, state, error });
  return { recorded: true, state, error };
};

export const run = (event: unknown): Promise<FailureResult> => recordFailure(parseTaskInput(FailureTaskInput, event));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
