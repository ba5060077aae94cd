/**
 * PlacePhoneCall: one call per customer per day in the finance team's queue (tenant time zone),
 * with the number, the customer's office hours and the talking points. The call covers every
 * invoice of the customer whose call is due that day (their phoneCall stages are claimed with this
 * one, like the companions of a consolidated e-mail, and their executions find the stage done) and
 * mentions the customer's other overdue invoices and the totals per currency (domain/calls.ts).
 * The customer is called by a person, so nothing leaves here: the call, its invoices' lines and
 * their log entries (each pointing at the call's id) are written once, with the guard claims.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { ContactEvent, Invoice } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { decideReminder } from '../domain/messages/reminder.js';
import { customerCallSheet } from '../domain/timeline/calls.js';
import { callTaskId } from '../domain/commands/tasks.js';
import type { MessageLine } from '../domain/messages/rendering/types.js';
import { clock } from '../adapters/clock.js';
import type { CallBasis, CallTask, CustomerCall } from '../domain/timeline/call-records.js';
import { InvoiceClosedError } from '../adapters/workflow-errors.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase } from './lib/load.js';
import { inTaskState } from './lib/task-state.js';
import { findCallGroup } from './lib/companions.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';
import { localDay } from '../domain/shared/days.js';

export interface CallResult {
  stage: 'phoneCall';
  outcome: 'skipped' | 'queued' | 'alreadyQueued';
  day?: string;
  /** The customer's call of the day (domain/tasks.ts callTaskId). */
  callId?: string;
  /** The customer's other invoices this call also covers (their phoneCall stage is done by it). */
  covers?: string[];
}

export const placeCall = async (input: StageTaskInput): Promise<CallResult> => {
  if (isSkipped(input)) return { stage: 'phoneCall', outcome: 'skipped' };
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  const ids = { tenantId: inv.tenantId, invoiceId: inv.invoiceId };
  // Placed already, by the call of another invoice of this customer (or before a crash): move on.
  // The guard's transaction stays the authority.
  if (c.view.stagesDone.some((s) => s.stage === 'phoneCall')) {
    logger.info('call already placed', ids);
    return { stage: 'phoneCall', outcome: 'alreadyQueued' };
  }

  const now = clock.now();
  const day = localDay(now, c.tenant.timeZone);
  const callId = callTaskId(inv.customerId, day);
  const group = await findCallGroup({ invoice: inv, customer: c.customer, policy: c.policy, tenant: c.tenant }, now, day);
  const lineOf = (invoice: Invoice): MessageLine =>
    decideReminder({ invoice, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'phoneCall', now }).line;
  const own = lineOf(inv);
  const companions = group.onCall.map(lineOf);
  const mentioned = group.alsoOverdue.map(lineOf);
  const sheetWith = (onCall: MessageLine[]) => {
    const promiseDate = [own, ...onCall].find((l) => l.invoice.promise)?.invoice.promise?.date;
    return customerCallSheet({
      tenant: c.tenant,
      customer: c.customer,
      policy: c.policy,
      now,
      onCall: [own, ...onCall],
      alsoOverdue: mentioned,
      ...(promiseDate ? { promiseDate } : {}),
    });
  };
  const sheet = sheetWith(companions);

  const contact = c.customer.billingContact;
  const phone = contact?.phone ?? c.customer.phone;
  const callAt = input.plan.at.phoneCall;
  const basis: CallBasis = {
    customerName: c.customer.name,
    ...(contact ? { contactName: contact.name } : {}),
    ...(phone ? { phone } : {}),
    timeZone: c.customer.timeZone,
    officeHours: c.customer.officeHours,
    callAt,
    summary: sheet.summary,
    talkingPoints: sheet.talkingPoints,
    salesNotes: c.customer.salesNotes,
  };
  const lineTask = (l: MessageLine): CallTask => ({
    ...basis,
    tenantId: inv.tenantId,
    day,
    customerId: inv.customerId,
    invoiceId: l.invoice.invoiceId,
    invoiceNumber: l.invoice.number,
    currency: l.invoice.currency,
    amountDue: l.amountDue,
    daysPastDue: l.daysLate,
    createdAt: now.toISOString(),
    callId,
  });
  const mentions = mentioned.map((l) => ({
    invoiceId: l.invoice.invoiceId,
    invoiceNumber: l.invoice.number,
    currency: l.invoice.currency,
    amountDue: l.amountDue,
    daysPastDue: l.daysLate,
  }));
  const call: CustomerCall = {
    ...basis,
    tenantId: inv.tenantId,
    day,
    customerId: inv.customerId,
    callId,
    leadInvoiceId: inv.invoiceId,
    alsoOverdue: mentions,
    totals: sheet.totals,
    createdAt: now.toISOString(),
  };
  /** The call as each invoice's log tells it: the shared call id as the message id, its own amounts. */
  const logEntry = (l: MessageLine, extra: Record<string, unknown>): ContactEvent =>
    contactEvent({
      tenantId: inv.tenantId,
      invoiceId: l.invoice.invoiceId,
      at: now.toISOString(),
      type: 'call_task',
      channel: 'phone',
      actor: 'system',
      stage: 'phoneCall',
      ...(phone ? { to: phone } : {}),
      messageId: callId,
      outcome: 'recorded',
      details: { day, callId, callAt, currency: l.invoice.currency, amountDue: l.amountDue, daysLate: l.daysLate, ...extra, ...(phone ? {} : { warning: 'no phone number on file' }) },
    });

  const store = deps.sendGuard();
  const claim = await store.claimSend({
    ...ids,
    revision: input.revision,
    run: input.run,
    requiredStatus: 'open',
    guardKey: 'phoneCall',
    events: [logEntry(own, companions.length > 0 ? { coversInvoices: companions.map((l) => l.invoice.invoiceId) } : {})],
    alsoWrite: [deps.callQueue().customerCallWrite(call), deps.callQueue().callTaskWrite(lineTask(own))],
    companions: companions.map((l) => ({
      invoiceId: l.invoice.invoiceId,
      revision: l.invoice.revision,
      run: l.invoice.run,
      guardKey: 'phoneCall',
      events: [logEntry(l, { sentWith: inv.invoiceId })],
      alsoWrite: [deps.callQueue().callTaskWrite(lineTask(l))],
    })),
  });
  if (claim.outcome !== 'claimed') {
    logger.info('call already placed', { ...ids, day });
    return { stage: 'phoneCall', outcome: 'alreadyQueued', day, callId };
  }
  const kept = new Set(claim.lease.companions.map((k) => k.invoiceId));
  const dropped = companions.filter((l) => !kept.has(l.invoice.invoiceId));
  if (dropped.length > 0) {
    // A companion that could not be claimed with this call: still open (busy, or its own execution
    // claimed it at the same moment), it joins the call by itself and stays on the sheet; paid,
    // promised or disputed meanwhile, the sheet no longer talks about it.
    const fresh = await Promise.all(dropped.map((l) => deps.invoices().getInvoice(l.invoice.tenantId, l.invoice.invoiceId)));
    const gone = new Set(dropped.filter((l, i) => fresh[i]?.status !== 'open' || fresh[i]?.run !== l.invoice.run).map((l) => l.invoice.invoiceId));
    if (gone.size > 0) {
      const rewritten = sheetWith(companions.filter((l) => !gone.has(l.invoice.invoiceId)));
      await deps.callQueue().rewriteCallSheet({ ...call, summary: rewritten.summary, talkingPoints: rewritten.talkingPoints, totals: rewritten.totals });
    }
  }
  await store.completeSend(claim.lease, []);
  count('CallTasksCreated');
  if (kept.size > 0) count('InvoicesOnSharedCall', kept.size);
  logger.info('call task', { ...ids, day, covers: kept.size, mentions: mentions.length, hasPhone: Boolean(phone) });
  return { stage: 'phoneCall', outcome: 'queued', day, callId, ...(kept.size > 0 ? { covers: [...kept] } : {}) };
};

export const run = (event: unknown): Promise<CallResult> =>
  inTaskState('PlacePhoneCall', () => placeCall(parseTaskInput(StageTaskInput, event)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
