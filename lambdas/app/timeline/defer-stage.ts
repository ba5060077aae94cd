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
  held: { until: string; reason: string; waitsForContact?: boolean },
  now: Date,
): Promise<never> => {
  await deps.invoices.deferStage({ tenantId: input.tenantId, invoiceId: input.invoiceId, revision: input.revision, run: input.run, stage: input.stage, until: held.until, reason: held.reason, at: now.toISOString(), ...(held.waitsForContact ? { needsContact: true } : {}) });
  deps.count('StagesDeferred');
  deps.logger.info('stage deferred', { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage, until: held.until });
  throw new DeferredError(`${input.stage} deferred to ${held.until}: ${held.reason}`);
};

/** How long a step whose notice did not leave waits before it looks again, should nobody fix the contact first. */
export const NOTICE_RECHECK_MS = 14 * 86_400_000;

/**
 * The credit hold or the hand-off withheld because the notice it rests on did not leave: the
 * stage is deferred with the reason (the invoice's log and its deferral say why), waiting for a
 * working contact, and counted.
 */
export const noticeDidNotLeave = async (deps: Pick<TimelinePorts, 'invoices' | 'count' | 'logger' | 'clock'>, input: StageRequest, step: 'credit hold' | 'hand-off', why: string): Promise<never> => {
  const now = deps.clock.now();
  deps.count(step === 'credit hold' ? 'CreditHoldsWithheld' : 'HandOffsWithheld');
  deps.logger.warn(`${step} withheld: its notice did not leave`, { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage });
  return deferStage(deps, input, { until: new Date(now.getTime() + NOTICE_RECHECK_MS).toISOString(), reason: `${step} withheld: its notice to the customer did not leave (${why}); waiting for a working contact`, waitsForContact: true }, now);
};
