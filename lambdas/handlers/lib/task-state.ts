/**
 * Names of the Task states in statemachines/dunning.asl.json, and the annotation that lets
 * RecordFailure tell which state failed: a Catch hands on only {Error, Cause}, so every task
 * handler prefixes its error message with its state name ("SendDueDate: …").
 */
import { isExtraStep, stateSuffix, type Stage, type Step } from '../../domain/timeline/stages.js';
import { TransientError, isTransientAwsError } from '../../adapters/workflow-errors.js';

const ACTION_STATE: Partial<Record<Stage, string>> = {
  phoneCall: 'PlacePhoneCall',
  creditHold: 'PlaceCreditHold',
  escalation: 'EscalateToAgency',
};

export const stageTaskState = (stage: Step): string => (isExtraStep(stage) ? 'SendExtraReminder' : (ACTION_STATE[stage] ?? `Send${stateSuffix(stage)}`));

/**
 * Runs a task body; an error leaves it with the state name in front of its message. An AWS error
 * worth retrying (a throttled read before any claim, a 5xx) leaves as Sollecito.Transient, the
 * name the state machine's Retry lists; any other keeps its name.
 */
export const inTaskState = async <T>(state: string, body: () => Promise<T>): Promise<T> => {
  try {
    return await body();
  } catch (err) {
    const out = err instanceof Error && !(err instanceof TransientError) && isTransientAwsError(err) ? new TransientError(`${err.name}: ${err.message}`, { cause: err }) : err;
    if (out instanceof Error && !out.message.startsWith(`${state}: `)) out.message = `${state}: ${out.message}`;
    throw out;
  }
};

const KNOWN_STATE = /^([A-Z][A-Za-z]+): /;

/** The state a Catch's Cause names: Lambda wraps it as JSON {errorMessage}, the local engine passes the message. */
export const failedStateOf = (cause: string | undefined): string => {
  if (!cause) return 'unknown';
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // not JSON: the message itself
  }
  return KNOWN_STATE.exec(message)?.[1] ?? 'unknown';
};
