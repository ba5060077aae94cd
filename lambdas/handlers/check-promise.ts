/**
 * CheckPromise: the day after a promised date (or the end of a pause, or of the grace given to a
 * payment the customer says they made). What it finds is domain/timeline/promise-check.ts; here
 * the status change is made under the send guard, the broken-promise reminder sent, and the
 * planner asked for the rest of the timeline.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { checkPromiseDue, type StatusTransition } from '../domain/timeline/promise-check.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import type { TimelinePlan } from '../domain/timeline/plan.js';
import { clock } from '../adapters/clock.js';
import type { ClaimRequest } from '../app/ports/send-guard.js';
import { PromiseTaskInput, parseTaskInput } from './lib/task-input.js';
import { closedPlan, isCurrent, loadCase, type InvoiceCase } from './lib/load.js';
import { sendGuardedMessage } from './lib/send-message.js';
import { inTaskState } from './lib/task-state.js';
import { planFor } from './plan-timeline.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

/** One guarded status change in the execution's own run: done once, a retry finds it done. */
const transition = async (c: InvoiceCase, exec: { revision: number; run: number }, t: StatusTransition): Promise<void> => {
  const inv = c.view.invoice;
  const req: ClaimRequest = {
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: t.from,
    thenStatus: t.to,
    removeFields: t.remove,
    guardKey: t.guardKey,
    events: [
      contactEvent({
        tenantId: inv.tenantId,
        invoiceId: inv.invoiceId,
        at: clock.now().toISOString(),
        type: t.event,
        channel: 'system',
        actor: 'system',
        outcome: 'recorded',
        details: t.details,
      }),
    ],
  };
  const store = deps.sendGuard();
  const claim = await store.claimSend(req);
  if (claim.outcome === 'claimed') await store.completeSend(claim.lease, []);
};

export const checkPromise = async (input: PromiseTaskInput): Promise<TimelinePlan> => {
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) return closedPlan(clock.now(), 'invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input)) return closedPlan(clock.now(), `superseded: the invoice is at revision ${inv.revision}, run ${inv.run}`);
  const exec = { revision: input.revision, run: input.run };
  const ids = { tenantId: inv.tenantId, invoiceId: inv.invoiceId };
  const checkDay = (input.plan.checkAt ?? clock.now().toISOString()).slice(0, 10);

  const check = checkPromiseDue(inv, checkDay);
  if (check.outcome !== 'nothingDue') await transition(c, exec, check.transition);
  if (check.outcome === 'kept') logger.info('promise kept', ids);
  if (check.outcome === 'broken') {
    count('PromisesBroken');
    const { kind, guardKey, promiseDate } = check.reminder;
    await sendGuardedMessage({
      invoice: { ...inv, status: 'open' },
      customer: c.customer,
      tenant: c.tenant,
      policy: c.policy,
      kind,
      guardKey,
      requiredStatus: 'open',
      ...exec,
      facts: { promiseDate },
    });
    logger.info('promise broken', { ...ids, kind });
  }
  // Whatever the status is now, the planner decides what comes next (closed, timeline, or another check).
  return planFor(input);
};

export const run = (event: unknown): Promise<TimelinePlan> =>
  inTaskState('CheckPromise', () => checkPromise(parseTaskInput(PromiseTaskInput, event)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
