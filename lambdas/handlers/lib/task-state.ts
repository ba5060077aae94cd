/**
 * Names of the Task states in statemachines/dunning.asl.json, and the annotation that lets
 * RecordFailure tell which state failed: a Catch hands on only {Error, Cause}, so every task
 * handler prefixes its error message with its state name ("SendDueDate: …").
 */
import { stateSuffix, type Stage } from '../../domain/stages.js';

const ACTION_STATE: Partial<Record<Stage, string>> = {
  phoneCall: 'PlacePhoneCall',
  creditHold: 'PlaceCreditHold',
  escalation: 'EscalateToAgency',
};

export const stageTaskState = (stage: Stage): string => ACTION_STATE[stage] ?? `Send${stateSuffix(stage)}`;

/** Runs a task body; an error leaves it with the state name in front of its message (name unchanged). */
export const inTaskState = async <T>(state: string, body: () => Promise<T>): Promise<T> => {
  try {
    return await body();
  } catch (err) {
    if (err instanceof Error && !err.message.startsWith(`${state}: `)) err.message = `${state}: ${err.message}`;
    throw err;
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
