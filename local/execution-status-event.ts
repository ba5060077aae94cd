/**
 * What EventBridge delivers to ended-executions in AWS: the "Step Functions Execution Status Change"
 * event of an ended execution, built from the local engine's report, and the rule's filter
 * (infra/constructs/ended-executions.ts) as a predicate, so the local stack routes exactly what the
 * rule would.
 */
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import type { ExecutionStatusChange } from './services/sfn-emulator.js';
import { ENDED_STATUSES, STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from '../lambdas/domain/timeline/ended-execution.js';

const ACCOUNT = '000000000000';

/** The rule's pattern: detail.status in FAILED/TIMED_OUT/ABORTED (the local stack runs one state machine). */
export const routedByEndedExecutionsRule = (change: ExecutionStatusChange): boolean => (ENDED_STATUSES as readonly string[]).includes(change.status);

export const executionStatusChangeEvent = (
  change: ExecutionStatusChange,
  stateMachineArn: string,
  region: string,
): EventBridgeEvent<typeof STATUS_CHANGE_DETAIL_TYPE, Record<string, unknown>> => ({
  version: '0',
  id: randomUUID(),
  'detail-type': STATUS_CHANGE_DETAIL_TYPE,
  source: STATUS_CHANGE_SOURCE,
  account: ACCOUNT,
  time: new Date(change.stopDate).toISOString(),
  region,
  resources: [change.executionArn],
  detail: {
    executionArn: change.executionArn,
    stateMachineArn,
    name: change.name,
    status: change.status,
    startDate: change.startDate,
    stopDate: change.stopDate,
    input: change.input,
    inputDetails: { included: true },
    output: null,
    outputDetails: null,
    error: change.error ?? null,
    cause: change.cause ?? null,
  },
});
