/**
 * PlacePhoneCall: one call per customer per day in the finance team's queue (tenant time zone).
 * 1. A stage the plan skips returns at once; an invoice no longer open for this execution ends it.
 * 2. Placed already (by the call of another invoice of this customer, or before a crash): move on.
 *    Held by the bank truth (app/timeline/bank-truth.ts): a credit that could be the customer's
 *    payment is waiting for the finance team; nobody is asked to call about money that arrived.
 * 3. The customer's other invoices: those whose call is due today ride on this call, the other
 *    overdue ones are talked about (domain/timeline/calls.ts); the call sheet and its records
 *    (domain/timeline/customer-call.ts).
 * 4. Claim the phoneCall stage of every invoice on the call with the call's records, under the send guard.
 * 5. A companion that could not be claimed and is no longer open leaves the sheet (rewritten).
 * The customer is called by a person, so nothing leaves here.
 */
import { callTaskId } from '../../domain/commands/tasks.js';
import type { Invoice } from '../../domain/model.js';
import type { MessageLine } from '../../domain/messages/rendering/types.js';
import { decideReminder } from '../../domain/messages/reminder.js';
import { localDay } from '../../domain/shared/days.js';
import { customerCallSheet } from '../../domain/timeline/calls.js';
import { callRecords } from '../../domain/timeline/customer-call.js';
import { findCallGroup } from '../messaging/companions.js';
import { InvoiceClosedError } from '../task-errors.js';
import { isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCase } from './invoice-case.js';
import { deferUnlessBankAgrees, type BankTruthDeps } from './bank-truth.js';
import type { TimelinePorts } from './ports.js';

export type PlaceCallDeps = BankTruthDeps & Pick<TimelinePorts, 'sendGuard' | 'callQueue' | 'clock'>;

export interface CallResult {
  stage: 'phoneCall';
  outcome: 'skipped' | 'queued' | 'alreadyQueued';
  day?: string;
  /** The customer's call of the day (domain/commands/tasks.ts callTaskId). */
  callId?: string;
  /** The customer's other invoices this call also covers (their phoneCall stage is done by it). */
  covers?: string[];
}

export const placeCall = async (deps: PlaceCallDeps, input: StageRequest): Promise<CallResult> => {
  // 1. Skipped, or no longer this execution's
  if (isSkipped(input)) return { stage: 'phoneCall', outcome: 'skipped' };
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  const ids = { tenantId: inv.tenantId, invoiceId: inv.invoiceId };
  // 2. Placed already; the guard's transaction stays the authority
  if (c.view.stagesDone.some((s) => s.stage === 'phoneCall')) {
    deps.logger.info('call already placed', ids);
    return { stage: 'phoneCall', outcome: 'alreadyQueued' };
  }
  const now = deps.clock.now();
  await deferUnlessBankAgrees(deps, c, input, now);

  // 3. Who is on the call, what to say
  const day = localDay(now, c.tenant.timeZone);
  const callId = callTaskId(inv.customerId, day);
  const group = await findCallGroup(deps, { invoice: inv, customer: c.customer, policy: c.policy, tenant: c.tenant }, now, day);
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
  const records = callRecords({ tenant: c.tenant, customer: c.customer, lead: own, day, callId, callAt: input.plan.at.phoneCall, sheet: sheetWith(companions), mentioned, now });

  // 4. Claimed with its records
  const claim = await deps.sendGuard.claimSend({
    ...ids,
    revision: input.revision,
    run: input.run,
    requiredStatus: 'open',
    guardKey: 'phoneCall',
    events: [records.logEntryFor(own, companions.length > 0 ? { coversInvoices: companions.map((l) => l.invoice.invoiceId) } : {})],
    alsoWrite: [deps.callQueue.customerCallWrite(records.call), deps.callQueue.callTaskWrite(records.taskFor(own))],
    companions: companions.map((l) => ({
      invoiceId: l.invoice.invoiceId,
      revision: l.invoice.revision,
      run: l.invoice.run,
      guardKey: 'phoneCall',
      events: [records.logEntryFor(l, { sentWith: inv.invoiceId })],
      alsoWrite: [deps.callQueue.callTaskWrite(records.taskFor(l))],
    })),
  });
  if (claim.outcome !== 'claimed') {
    deps.logger.info('call already placed', { ...ids, day });
    return { stage: 'phoneCall', outcome: 'alreadyQueued', day, callId };
  }
  // 5. A companion that could not be claimed with this call: still open (busy, or its own execution
  // claimed it at the same moment), it joins the call by itself and stays on the sheet; paid,
  // promised or disputed meanwhile, the sheet no longer talks about it.
  const kept = new Set(claim.lease.companions.map((k) => k.invoiceId));
  const dropped = companions.filter((l) => !kept.has(l.invoice.invoiceId));
  if (dropped.length > 0) {
    const fresh = await Promise.all(dropped.map((l) => deps.invoices.getInvoice(l.invoice.tenantId, l.invoice.invoiceId)));
    const gone = new Set(dropped.filter((l, i) => fresh[i]?.status !== 'open' || fresh[i]?.run !== l.invoice.run).map((l) => l.invoice.invoiceId));
    if (gone.size > 0) {
      const rewritten = sheetWith(companions.filter((l) => !gone.has(l.invoice.invoiceId)));
      await deps.callQueue.rewriteCallSheet({ ...records.call, summary: rewritten.summary, talkingPoints: rewritten.talkingPoints, totals: rewritten.totals });
    }
  }
  await deps.sendGuard.completeSend(claim.lease, []);
  deps.count('CallTasksCreated');
  if (kept.size > 0) deps.count('InvoicesOnSharedCall', kept.size);
  deps.logger.info('call task', { ...ids, day, covers: kept.size, mentions: mentioned.length, hasPhone: Boolean(records.phone) });
  return { stage: 'phoneCall', outcome: 'queued', day, callId, ...(kept.size > 0 ? { covers: [...kept] } : {}) };
};
