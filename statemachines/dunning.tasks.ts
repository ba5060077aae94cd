/**
 * Every Task state of dunning.asl.json and what serves it, written out: the CDK builds one function
 * per entry and fills its `${…FunctionArn}` substitution, the local stack loads the entry's handler
 * for its states, and test/infra/dunning-tasks.test.ts checks this list and the ASL agree both ways.
 * A new Task state is added here, next to its handler file.
 */
export interface DunningTaskFunction {
  /** The construct id of the function; renaming it replaces the deployed function. */
  readonly id: `${string}Function`;
  /** The placeholder the ASL writes as `"Resource": "${…}"`, filled by DefinitionSubstitutions. */
  readonly substitution: `${string}FunctionArn`;
  /** The Task states whose Resource is this function. */
  readonly states: readonly string[];
  /** lambdas/handlers/<handler>.ts, exporting `handler`. */
  readonly handler: string;
  /** The use case the handler calls, as a path from the repository root. */
  readonly useCase: string;
  /** Beyond the Lambda defaults, where a task does more than a few reads and one send. */
  readonly memorySize?: number;
  readonly timeoutSeconds?: number;
}

export const DUNNING_TASKS: readonly DunningTaskFunction[] = [
  {
    id: 'PlanTimelineFunction',
    substitution: 'PlanTimelineFunctionArn',
    states: ['PlanTimeline'],
    handler: 'plan-timeline',
    useCase: 'lambdas/app/timeline/plan-timeline.ts',
  },
  {
    id: 'CheckPromiseFunction',
    substitution: 'CheckPromiseFunctionArn',
    states: ['CheckPromise'],
    handler: 'check-promise',
    useCase: 'lambdas/app/timeline/check-promise.ts',
  },
  {
    id: 'SendReminderFunction',
    substitution: 'SendReminderFunctionArn',
    states: ['SendReceiptCheck', 'SendPreDue', 'SendDueDate', 'SendFirstOverdue', 'SendSecondOverdue', 'SendExtraReminder'],
    handler: 'send-reminder',
    useCase: 'lambdas/app/timeline/send-stage-reminder.ts',
  },
  {
    id: 'PlaceCallFunction',
    substitution: 'PlaceCallFunctionArn',
    states: ['PlacePhoneCall'],
    handler: 'place-call',
    useCase: 'lambdas/app/timeline/place-call.ts',
  },
  {
    id: 'CreditHoldFunction',
    substitution: 'CreditHoldFunctionArn',
    states: ['PlaceCreditHold'],
    handler: 'credit-hold',
    useCase: 'lambdas/app/timeline/place-credit-hold.ts',
  },
  {
    id: 'EscalateFunction',
    substitution: 'EscalateFunctionArn',
    states: ['EscalateToAgency'],
    handler: 'escalate',
    useCase: 'lambdas/app/timeline/escalate-to-agency.ts',
    // Builds the collection dossier (zip with the invoice copies) before the hand-over e-mail.
    timeoutSeconds: 60,
  },
  {
    id: 'DeliverMailboxFunction',
    substitution: 'DeliverMailboxFunctionArn',
    states: ['DeliverMailbox'],
    handler: 'deliver-mailbox',
    useCase: 'lambdas/app/messaging/deliver-mailbox.ts',
  },
  {
    id: 'RecordFailureFunction',
    substitution: 'RecordFailureFunctionArn',
    states: ['RecordFailure'],
    handler: 'record-failure',
    useCase: 'lambdas/app/timeline/record-failure.ts',
  },
];

/** The function serving a Task state, by the state's name. */
export const dunningTaskOf = (state: string): DunningTaskFunction | undefined => DUNNING_TASKS.find((t) => t.states.includes(state));
