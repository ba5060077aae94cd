/**
 * What the table stream does with an invoice change besides starting and stopping executions
 * (called by table-stream.ts for every invoice record):
 * - the activity feed the weekly report reads (domain/activity.ts): issued, paid, promised,
 *   broken, closed;
 * - the credit hold lifted by itself once no invoice of the customer is past the policy's
 *   threshold any more: the customer record and both logs updated in one transaction (the same
 *   command the finance team's "release" runs), CreditHoldReleased on EventBridge, the sales rep told.
 * Both are idempotent: a retried record writes the same activity items, and finds the hold gone.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { activityFromChange, activityId } from '../../domain/reports/activity.js';
import { CommandRejected, releaseCreditHold } from '../../domain/commands/commands.js';
import { holdCutoffDueDate, holdThresholdDays, invoicesHoldingCredit } from '../../domain/timeline/credit-release.js';
import { Invoice } from '../../domain/model.js';
import { mayLiftHold, mayMoveActivity } from '../../domain/timeline/invoice-reactions.js';
import { clock } from '../../adapters/clock.js';
import { MissingDataError, loadCase, type InvoiceCase } from './load.js';
import { tellSalesRepHoldReleased } from './sales-rep.js';
import * as deps from './deps.js';
import { count, logger } from './powertools.js';
import { localDay } from '../../domain/shared/days.js';

const STRIP = new Set(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity', 'sendingUntil', 'ttl']);

const invoiceOf = (raw: Record<string, unknown> | undefined): Invoice | undefined => {
  if (!raw) return undefined;
  const item = unmarshall(raw as Record<string, AttributeValue>);
  const out = Invoice.safeParse(Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.has(k))));
  return out.success ? out.data : undefined;
};

export type HoldCheck = 'noHold' | 'kept' | 'released' | 'alreadyReleased';

export const afterInvoiceChange = async (record: DynamoDBRecord): Promise<{ activity: number; hold?: HoldCheck }> => {
  const after = invoiceOf(record.dynamodb?.NewImage);
  if (!after) return { activity: 0 };
  const before = invoiceOf(record.dynamodb?.OldImage);
  if (!mayMoveActivity(before, after)) return { activity: 0 };
  if (!before && after.status === 'open' && after.amountPaid === 0) {
    // A new invoice: only its issue, which needs nothing but the image (ingest writes thousands at once).
    const items = activityFromChange({ after, stagesDone: [], payments: [], policy: '', timeZone: 'UTC' });
    await deps.reports().recordActivity(items);
    return { activity: items.length };
  }
  let c: InvoiceCase | undefined;
  try {
    c = await loadCase(after.tenantId, after.invoiceId);
  } catch (err) {
    if (!(err instanceof MissingDataError)) throw err;
    // The customer or tenant record is missing: a data problem for a person, not for a retry.
    logger.warn('invoice activity not recorded', { invoiceId: after.invoiceId, error: err.message });
    return { activity: 0 };
  }
  if (!c) return { activity: 0 };

  const items = activityFromChange({
    before,
    after,
    stagesDone: c.view.stagesDone,
    payments: c.view.payments,
    policy: c.policy.id,
    timeZone: c.tenant.timeZone,
  });
  if (items.length > 0) await deps.reports().recordActivity(items);
  if (before && before.issueDate !== after.issueDate) {
    await deps.reports().forgetActivity(before.tenantId, before.issueDate, activityId({ ...before, kind: 'issued', date: before.issueDate }));
  }
  const hold = c.customer.creditHold && mayLiftHold(before, after) ? await liftHoldIfClear(c) : undefined;
  return { activity: items.length, ...(hold ? { hold } : {}) };
};

/** Lifts the customer's credit hold when none of its invoices is past the threshold any more. */
export const liftHoldIfClear = async (c: InvoiceCase): Promise<HoldCheck> => {
  const { customer, tenant, policy } = c;
  const held = customer.creditHold;
  if (!held) return 'noHold';
  const now = clock.now();
  const today = localDay(now, customer.timeZone);
  const threshold = holdThresholdDays(policy);
  const candidates = await deps.invoices().customerInvoicesDueBy(tenant.tenantId, customer.customerId, holdCutoffDueDate(today, threshold), (inv) =>
    invoicesHoldingCredit([inv], threshold, today).length > 0,
  );
  const holding = invoicesHoldingCredit(candidates, threshold, today);
  if (holding.length > 0) return 'kept';

  const reason = `no invoice more than ${threshold} days past due`;
  let released: NonNullable<typeof held>;
  try {
    const commands = deps.commands();
    const d = await commands.onCustomer(tenant.tenantId, customer.customerId, (cust) =>
      releaseCreditHold(cust, { reason }, { actor: 'system', now, timeZone: tenant.timeZone, channel: 'system' }),
    );
    released = d.released;
  } catch (err) {
    // Lifted in the meantime (by the finance team or a parallel record): nothing left to do.
    if (err instanceof CommandRejected && err.code === 'no_credit_hold') return 'alreadyReleased';
    throw err;
  }
  count('CreditHoldsReleased');
  // Ids only: the event leaves our account, personal data does not.
  await deps
    .events()
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
      logger.error('CreditHoldReleased not published', { customerId: customer.customerId, error: (err as Error).name });
      count('CreditHoldEventsLost');
    });
  await tellSalesRepHoldReleased(customer, tenant, policy);
  logger.info('credit hold lifted', { tenantId: tenant.tenantId, customerId: customer.customerId });
  return 'released';
};
