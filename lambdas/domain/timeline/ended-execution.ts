/**
 * What an ended execution of the dunning state machine means for its invoice (issue 19).
 *
 * Step Functions reports every ended execution (EventBridge "Step Functions Execution Status
 * Change"). Most endings are the product's own: a timeline that ran to its end or closed itself
 * (SUCCEEDED), or one Sollecito stopped after a payment, promise, dispute or restart (ABORTED with
 * the error `Sollecito.Stopped`, adapters/sfn-workflow.ts). Every other FAILED, TIMED_OUT or
 * ABORTED leaves an invoice that looks chased while nothing chases it: its chase is interrupted,
 * and the invoice carries that as its `failure` (state `Execution`), so the finance team sees it
 * where it sees every stopped timeline and restarts it with resume.
 */
import * as z from 'zod/mini';
import { ACTIVE_STATUSES, type ContactEvent, type Invoice } from '../model.js';
import { contactEvent } from '../shared/contact-event.js';
import { executionName } from './execution-name.js';
import { lazySchema } from '../shared/lazy-schema.js';

/** The EventBridge event Step Functions sends when an execution changes status. */
export const STATUS_CHANGE_SOURCE = 'aws.states';
export const STATUS_CHANGE_DETAIL_TYPE = 'Step Functions Execution Status Change';
/** The endings that may interrupt a chase: the rule in AWS and the local stack deliver only these. */
export const ENDED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
export type EndedStatus = (typeof ENDED_STATUSES)[number];

/** The error Sollecito's own StopExecution carries (adapters/sfn-workflow.ts). */
export const SOLLECITO_STOPPED = 'Sollecito.Stopped';
/** The state named in the failure: the execution itself ended, not one of its states. */
export const ENDED_EXECUTION_STATE = 'Execution';

export const ERROR_LIMIT = 200;
export const CAUSE_LIMIT = 500;

/** An ended execution, as the status-change event tells it. */
export interface EndedExecution {
  /** The execution's name (executionName() for a chase). */
  name: string;
  status: EndedStatus | 'SUCCEEDED' | 'RUNNING';
  /** The execution's input as a JSON string; absent when the event left it out (over 256 KiB). */
  input?: string | null;
  error?: string | null;
  cause?: string | null;
  /** When it ended (ISO). */
  at: string;
}

/** Which run of which invoice's timeline an execution was. */
const ChaseInput = lazySchema(() => z.object({
  tenantId: z.string().check(z.minLength(1)),
  invoiceId: z.string().check(z.minLength(1)),
  revision: z.int(),
  run: z.int(),
}));

export interface Interruption {
  at: string;
  state: typeof ENDED_EXECUTION_STATE;
  status: EndedStatus;
  error: string;
  cause: string;
  /** The execution that ended: the invoice's run it was. */
  execution: string;
}

export type EndedExecutionMeaning =
  | { kind: 'ignored'; reason: 'succeeded' | 'still-running' | 'stopped-by-sollecito' | 'mailbox-run' | 'not-a-chase' }
  | { kind: 'interrupted'; tenantId: string; invoiceId: string; revision: number; run: number; interruption: Interruption; event: ContactEvent };

const parsedInput = (input: string | null | undefined): unknown => {
  if (!input) return undefined;
  try {
    return JSON.parse(input);
  } catch {
    return undefined;
  }
};

/**
 * Text of an error or cause that may stand on an invoice and go to every finance user: control
 * characters and runs of blanks collapsed, anything that may name a person (e-mail addresses,
 * phone numbers, IBANs, long digit runs, quoted JSON such as a state's input) replaced, trimmed.
 */
export const safeText = (text: string | null | undefined, limit: number): string => {
  const cleaned = (text ?? '')
    // A state's input or output quoted whole (States.Runtime causes do): it holds the invoice's data.
    .replace(/[{[][\s\S]*[}\]]/g, '[data]')
    .replace(/[^\s@'"<>(),;:]+@[^\s@'"<>(),;:]+/g, '[address]')
    .replace(/\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b/g, '[iban]')
    .replace(/\+?\d[\d\s./()-]{7,}\d/g, '[number]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length <= limit ? cleaned : `${cleaned.slice(0, limit - 1).trimEnd()}…`;
};

/** The rule: what the ended execution means for the invoice whose chase it was. */
export const meaningOf = (ended: EndedExecution): EndedExecutionMeaning => {
  if (ended.status === 'SUCCEEDED') return { kind: 'ignored', reason: 'succeeded' };
  if (ended.status === 'RUNNING') return { kind: 'ignored', reason: 'still-running' };
  if (ended.status === 'ABORTED' && ended.error === SOLLECITO_STOPPED) return { kind: 'ignored', reason: 'stopped-by-sollecito' };
  const input = parsedInput(ended.input);
  // A thank-you or digest waiting for its moment (app/messaging/mailbox-runs.ts): no chase to interrupt.
  if (input && typeof input === 'object' && 'mailbox' in input) return { kind: 'ignored', reason: 'mailbox-run' };
  const chase = z.safeParse(ChaseInput, input);
  if (!chase.success) return { kind: 'ignored', reason: 'not-a-chase' };
  const { tenantId, invoiceId, revision, run } = chase.data;
  // The name is a function of the run (execution-name.ts): another name is not this invoice's chase.
  if (executionName(tenantId, invoiceId, revision, run) !== ended.name) return { kind: 'ignored', reason: 'not-a-chase' };

  const interruption: Interruption = {
    at: ended.at,
    state: ENDED_EXECUTION_STATE,
    status: ended.status,
    error: safeText(ended.error, ERROR_LIMIT) || defaultError[ended.status],
    cause: safeText(ended.cause, CAUSE_LIMIT) || defaultCause[ended.status],
    execution: ended.name,
  };
  return {
    kind: 'interrupted',
    tenantId,
    invoiceId,
    revision,
    run,
    interruption,
    event: contactEvent({
      tenantId,
      invoiceId,
      // One entry per execution: a redelivered event finds it written.
      eventId: `ended-${ended.name}`,
      at: ended.at,
      type: 'failure',
      channel: 'system',
      actor: 'system',
      outcome: 'recorded',
      details: { state: ENDED_EXECUTION_STATE, status: ended.status, error: interruption.error, execution: ended.name, revision, run },
    }),
  };
};

const defaultError: Record<EndedStatus, string> = { FAILED: 'States.Failed', TIMED_OUT: 'States.Timeout', ABORTED: 'States.Aborted' };
const defaultCause: Record<EndedStatus, string> = {
  FAILED: 'The execution failed outside any step of the timeline.',
  TIMED_OUT: 'The execution reached its time limit.',
  ABORTED: 'The execution was stopped from outside Sollecito.',
};

/**
 * Whether the interruption is the invoice's to carry: the execution is the invoice's current run
 * (a newer revision or run has its own execution), the invoice still looks chased, and it carries
 * no failure yet (a step's own failure, written by RecordFailure before the execution failed, says more).
 */
export const interruptsInvoice = (inv: Pick<Invoice, 'status' | 'revision' | 'run' | 'failure'>, m: { revision: number; run: number }): boolean =>
  inv.revision === m.revision && inv.run === m.run && ACTIVE_STATUSES.includes(inv.status) && inv.failure === undefined;
