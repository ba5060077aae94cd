/**
 * CheckPromise: the day after a promised date (or the end of a pause, or of the grace given to a
 * payment the customer says they made). Kept: the invoice goes on as the payments say. Broken:
 * back to 'open' in the same run, 'promise_broken' in the log, the broken-promise reminder (the
 * missed-instalment one for a plan), and a fresh plan for the rest of the timeline.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { amountDue, type ContactEventType, type Invoice, type InvoiceStatus } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { guardKeyFor } from '../domain/messages/reminder.js';
import type { TimelinePlan } from '../domain/timeline/plan.js';
import { clock } from '../adapters/clock.js';
import type { ClaimRequest } from '../adapters/dynamo-guard.js';
import { PromiseTaskInput, parseTaskInput } from './lib/task-input.js';
import { closedPlan, isCurrent, loadCase, type InvoiceCase } from './lib/load.js';
import { sendGuardedMessage } from './lib/send-message.js';
import { inTaskState } from './lib/task-state.js';
import { planFor } from './plan-timeline.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

/** model.ts: the promise is kept once amountPaid reaches its expectedPaid (everything, when it names no amount). */
const promiseKept = (inv: Invoice): boolean => inv.promise !== undefined && inv.amountPaid >= (inv.promise.expectedPaid ?? inv.amount);

interface Transition {
  guardKey: string;
  from: InvoiceStatus;
  to: InvoiceStatus;
  remove: ('promise' | 'plan' | 'pause')[];
  event: ContactEventType;
  details: Record<string, unknown>;
}

/** One guarded status change in the execution's own run: done once, a retry finds it done. */
const transition = async (c: InvoiceCase, exec: { revision: number; run: number }, t: Transition): Promise<void> => {
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
  const store = deps.store();
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

  if (inv.status === 'promised') {
    const promise = inv.promise;
    const promisedDate = promise?.date ?? checkDay;
    if (promise && promiseKept(inv)) {
      // A payment normally settles this through the API; this catches one that kept the promise without doing so.
      await transition(c, exec, {
        guardKey: `promiseKept#${promisedDate}`,
        from: 'promised',
        to: amountDue(inv) <= 0 ? 'paid' : 'open',
        remove: ['promise'],
        event: 'promise_kept',
        details: { promisedDate, amountPaid: inv.amountPaid },
      });
      logger.info('promise kept', ids);
    } else {
      const kind = inv.plan ? 'instalmentMissed' : 'brokenPromise';
      await transition(c, exec, {
        guardKey: `promiseBroken#${promisedDate}`,
        from: 'promised',
        to: 'open',
        remove: ['promise', 'plan'],
        event: 'promise_broken',
        details: { promisedDate, expectedPaid: promise?.expectedPaid ?? inv.amount, amountPaid: inv.amountPaid, currency: inv.currency },
      });
      count('PromisesBroken');
      const reopened: Invoice = { ...inv, status: 'open' };
      await sendGuardedMessage({
        invoice: reopened,
        customer: c.customer,
        tenant: c.tenant,
        policy: c.policy,
        kind,
        guardKey: guardKeyFor(kind, promisedDate),
        requiredStatus: 'open',
        ...exec,
        facts: { promiseDate: promisedDate },
      });
      logger.info('promise broken', { ...ids, kind });
    }
  } else if (inv.status === 'payment_claimed') {
    await transition(c, exec, {
      guardKey: `claimExpired#${checkDay}`,
      from: 'payment_claimed',
      to: 'open',
      remove: [],
      event: 'resume',
      details: { reason: 'the payment the customer reported has not arrived within the grace period' },
    });
  } else if (inv.status === 'paused' && inv.pause?.until) {
    await transition(c, exec, {
      guardKey: `pauseEnded#${inv.pause.until}`,
      from: 'paused',
      to: 'open',
      remove: ['pause'],
      event: 'resume',
      details: { reason: `pause ended on ${inv.pause.until}` },
    });
  }
  // Whatever the status is now, the planner decides what comes next (closed, timeline, or another check).
  return planFor(input);
};

export const run = (event: unknown): Promise<TimelinePlan> =>
  inTaskState('CheckPromise', () => checkPromise(parseTaskInput(PromiseTaskInput, event) as PromiseTaskInput));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
