import { DeferredError } from '../task-errors.js';
import type { StageRequest } from './execution.js';
import type { TimelinePorts } from './ports.js';

/**
 * A stage that may not act now (the customer's gate, the bank truth): the deferral written on the
 * invoice with its log entry (the planner places the stage at `until`), then Sollecito.Deferred,
 * which the state map routes back to PlanTimeline.
 */
export const deferStage = async (
  deps: Pick<TimelinePorts, 'invoices' | 'count' | 'logger'>,
  input: StageRequest,
  held: { until: string; reason: string; waitsForContact?: boolean; forgetDone?: string },
  now: Date,
): Promise<never> => {
  await deps.invoices.deferStage({ tenantId: input.tenantId, invoiceId: input.invoiceId, revision: input.revision, run: input.run, stage: input.stage, until: held.until, reason: held.reason, at: now.toISOString(), ...(held.waitsForContact ? { needsContact: true } : {}), ...(held.forgetDone ? { forgetDone: held.forgetDone } : {}) });
  deps.count('StagesDeferred');
  deps.logger.info('stage deferred', { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage, until: held.until });
  throw new DeferredError(`${input.stage} deferred to ${held.until}: ${held.reason}`);
};

/** The deferral's date: the plan closes the execution on it (the invoice needs a contact) and a fixed contact starts the next run. */
export const NOTICE_RECHECK_MS = 14 * 86_400_000;

/**
 * The credit hold or the hand-off withheld because the notice it rests on did not leave: the
 * stage is deferred with the reason (the invoice's log and its deferral say why), waiting for a
 * working contact, and counted. The notice's done mark goes with it: the run a fixed contact starts
 * sends the notice again, to the new address, before the hold or the hand-off.
 */
export const noticeDidNotLeave = async (deps: Pick<TimelinePorts, 'invoices' | 'count' | 'logger' | 'clock'>, input: StageRequest, step: 'credit hold' | 'hand-off', why: string, guardKey: string): Promise<never> => {
  const now = deps.clock.now();
  deps.count(step === 'credit hold' ? 'CreditHoldsWithheld' : 'HandOffsWithheld');
  deps.logger.warn(`${step} withheld: its notice did not leave`, { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage });
  return deferStage(deps, input, { until: new Date(now.getTime() + NOTICE_RECHECK_MS).toISOString(), reason: `${step} withheld: its notice to the customer did not leave (${why}); waiting for a working contact`, waitsForContact: true, forgetDone: guardKey }, now);
};
