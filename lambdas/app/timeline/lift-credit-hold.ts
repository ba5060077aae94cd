/**
 * The credit hold lifted by itself once no invoice of the customer is past the policy's
 * threshold any more (domain/timeline/credit-release.ts):
 * 1. Find the customer's invoices still past the threshold; any left: the hold stays.
 * 2. Release it with the finance team's own command (customer record and both logs in one transaction).
 * 3. CreditHoldReleased on EventBridge (ids only), and the sales representative told.
 */
import { CommandRejected, releaseCreditHold } from '../../domain/commands/commands.js';
import { localDay } from '../../domain/shared/days.js';
import { holdCutoffDueDate, holdThresholdDays, invoicesHoldingCredit } from '../../domain/timeline/credit-release.js';
import { tellSalesRepHoldReleased, type NoticeDeps } from '../messaging/sales-rep-notices.js';
import type { InvoiceCase } from './invoice-case.js';
import type { TimelinePorts } from './ports.js';

export type LiftHoldDeps = NoticeDeps & Pick<TimelinePorts, 'invoices' | 'commands' | 'events' | 'clock'>;

export type HoldCheck = 'noHold' | 'kept' | 'released' | 'alreadyReleased';

/** Lifts the customer's credit hold when none of its invoices is past the threshold any more. */
export const liftCreditHoldIfClear = async (deps: LiftHoldDeps, c: InvoiceCase): Promise<HoldCheck> => {
  const { customer, tenant, policy } = c;
  const held = customer.creditHold;
  if (!held) return 'noHold';
  const now = deps.clock.now();
  const today = localDay(now, customer.timeZone);
  const threshold = holdThresholdDays(policy);
  const candidates = await deps.invoices.customerInvoicesDueBy(tenant.tenantId, customer.customerId, holdCutoffDueDate(today, threshold), (inv) =>
    invoicesHoldingCredit([inv], threshold, today).length > 0,
  );
  const holding = invoicesHoldingCredit(candidates, threshold, today);
  if (holding.length > 0) return 'kept';

  const reason = `no invoice more than ${threshold} days past due`;
  let released: NonNullable<typeof held>;
  try {
    const commands = deps.commands;
    const d = await commands.onCustomer(tenant.tenantId, customer.customerId, (cust) =>
      releaseCreditHold(cust, { reason }, { actor: 'system', now, timeZone: tenant.timeZone, channel: 'system' }),
    );
    released = d.released;
  } catch (err) {
    // Lifted in the meantime (by the finance team or a parallel record): nothing left to do.
    if (err instanceof CommandRejected && err.code === 'no_credit_hold') return 'alreadyReleased';
    throw err;
  }
  deps.count('CreditHoldsReleased');
  // Ids only: the event leaves our account, personal data does not.
  await deps.events
    .publish('CreditHoldReleased', {
      tenantId: tenant.tenantId,
      customerId: customer.customerId,
      invoiceId: released.invoiceId,
      placedAt: released.placedAt,
      releasedAt: now.toISOString(),
      releasedBy: 'system',
      manual: false,
      reason,
    })
    .catch((err: unknown) => {
      // The release is recorded; a retry of the record would find no hold and could not announce it again.
      deps.logger.error('CreditHoldReleased not published', { customerId: customer.customerId, error: (err as Error).name });
      deps.count('CreditHoldEventsLost');
    });
  await tellSalesRepHoldReleased(deps, customer, tenant, policy);
  deps.logger.info('credit hold lifted', { tenantId: tenant.tenantId, customerId: customer.customerId });
  return 'released';
};
