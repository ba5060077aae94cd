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
