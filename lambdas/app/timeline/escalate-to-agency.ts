/**
 * EscalateToAgency: one hand-off per customer and day.
 * 1. A stage the plan skips returns at once; an invoice no longer open (nor escalated, on a retry) ends the execution.
 *    Held by the bank truth (app/timeline/bank-truth.ts) while still open: an unconfirmed credit that
 *    could be the customer's payment, or stale statements; nobody is handed over on old bank data.
 * 2. Policy 'send': the customer's one hand-off notice, through the customer's gate, listing every
 *    invoice handed over today (and carrying what else the customer has due today). Not now: deferred.
 *    A notice that did not leave (every channel refused it or found no way): no hand-off on its
 *    strength; the stage waits for a working contact, the reason in the log.
 * 3. The hand-off, under the send guard: this invoice and every other of the customer whose
 *    hand-off falls today (or whose notice has left) become 'escalated' in one claim, each with its
 *    escalation entry naming the case; they leave the open index and the automatic chase.
 * 4. InvoiceEscalated, once per hand-off, with every invoice of it; the dossier hand-over
 *    (app/dossier) then sends the agency one case for the customer and day.
 */
import { amountDue, type Invoice } from '../../domain/model.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { localDay } from '../../domain/shared/days.js';
import { daysLate } from '../../domain/messages/reminder.js';
import { escalationFile } from '../../domain/reports/escalation-file.js';
import { stageDueToday } from '../../domain/timeline/customer-day.js';
import { sendGuardedMessage, type ChannelOutcome } from '../messaging/send-guarded-message.js';
import { InvoiceClosedError } from '../task-errors.js';
import { isLastAttempt, isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCase, type InvoiceCase } from './invoice-case.js';
import { deferUnlessBankAgrees, type FirmStageDeps } from './bank-truth.js';
import { deferStage, noticeDidNotLeave } from './defer-stage.js';
import { noticeDelivery } from '../../domain/timeline/reach.js';
import type { MessagingDeps, TimelinePorts } from './ports.js';

export type EscalateDeps = FirmStageDeps & MessagingDeps & Pick<TimelinePorts, 'events'>;

export const HANDOFF_NOTICE_KEY = 'escalation#notice';

export interface EscalationResult {
  stage: 'escalation';
  outcome: 'skipped' | 'escalated' | 'alreadyEscalated';
  mode?: 'send' | 'prepare';
  notice?: { outcome: string; channels: ChannelOutcome[] };
  /** The invoices handed over with this one (this one first). */
  invoices?: string[];
}

/** The agency's case: one per customer and day (the supplier's calendar). */
export const agencyCaseId = (customerId: string, day: string): string => `case#${customerId}#${day}`;

export const escalateToAgency = async (deps: EscalateDeps, input: StageRequest): Promise<EscalationResult> => {
  // 1. Skipped, or no longer this execution's
  if (isSkipped(input)) return { stage: 'escalation', outcome: 'skipped' };
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  const exec = { revision: input.revision, run: input.run };
  if (!isCurrent(c, input) || (inv.status !== 'open' && inv.status !== 'escalated')) {
    throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  }
  const file = escalationFile({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, events: c.view.events });
  const done = (key: string) => c.view.stagesDone.some((s) => s.stage === key);
  if (inv.status === 'escalated' || done('escalation')) {
    await announce(deps, c, file);
    return { stage: 'escalation', outcome: 'alreadyEscalated', mode: file.mode };
  }
  await deferUnlessBankAgrees(deps, c, input, deps.clock.now());

  // 2. The customer's notice
  let notice: EscalationResult['notice'];
  if (file.mode === 'send' && !done(HANDOFF_NOTICE_KEY)) {
    const out = await sendGuardedMessage(deps, {
      invoice: inv,
      customer: c.customer,
      tenant: c.tenant,
      policy: c.policy,
      kind: 'escalation',
      guardKey: HANDOFF_NOTICE_KEY,
      requiredStatus: 'open',
      payments: c.view.payments,
      events: c.view.events,
      ...exec,
      lastAttempt: isLastAttempt(input),
    });
    if (out.outcome === 'deferred') return deferStage(deps, input, out, deps.clock.now());
    notice = { outcome: out.outcome, channels: out.channels };
  }
  if (file.mode === 'send' && notice?.outcome !== 'sent') {
    const log = (await deps.invoices.getInvoiceView(inv.tenantId, inv.invoiceId))?.events ?? c.view.events;
    const left = noticeDelivery(log, HANDOFF_NOTICE_KEY);
    if (!left.left) return noticeDidNotLeave(deps, input, 'hand-off', left.why, HANDOFF_NOTICE_KEY);
  }

  // 3. Handed over, with the customer's other invoices whose hand-off falls today
  const now = deps.clock.now();
  const caseId = agencyCaseId(inv.customerId, localDay(now, c.tenant.timeZone));
  const others = await handedOverWith(deps, c, now);
  const eventFor = (i: Invoice, lead?: string) =>
    contactEvent({
      tenantId: inv.tenantId,
      invoiceId: i.invoiceId,
      at: now.toISOString(),
      type: 'escalation',
      channel: 'system',
      actor: 'system',
      stage: 'escalation',
      outcome: 'recorded',
      details: { mode: file.mode, caseId, ...(file.agency ? { agency: file.agency } : {}), ...(lead ? { handedOverWith: lead } : {}), ...amountsOf(i, c, now) },
    });
  const event = eventFor(inv);
  const claim = await deps.sendGuard.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    thenStatus: 'escalated',
    guardKey: 'escalation',
    events: [event],
    companions: others.map((o) => ({
      invoiceId: o.invoiceId,
      revision: o.revision,
      run: o.run,
      guardKey: 'escalation',
      thenStatus: 'escalated' as const,
      events: [eventFor(o, inv.invoiceId)],
    })),
  });
  if (claim.outcome !== 'claimed') {
    await announce(deps, c, file);
    return { stage: 'escalation', outcome: 'alreadyEscalated', mode: file.mode, ...(notice ? { notice } : {}) };
  }
  await deps.sendGuard.completeSend(claim.lease, []);
  const kept = new Set(claim.lease.companions.map((k) => k.invoiceId));
  const handed = [inv, ...others.filter((o) => kept.has(o.invoiceId))];
  deps.count('InvoicesEscalated', handed.length);

  // 4. InvoiceEscalated, once per hand-off
  await publish(deps, c, file, { escalationId: event.eventId, escalatedAt: now.toISOString(), caseId }, handed, now);
  deps.logger.info('escalated', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, mode: file.mode, invoices: handed.length });
  return { stage: 'escalation', outcome: 'escalated', mode: file.mode, ...(notice ? { notice } : {}), invoices: handed.map((h) => h.invoiceId) };
};

const amountsOf = (i: Invoice, c: InvoiceCase, now: Date) => ({ currency: i.currency, amountDue: amountDue(i), daysPastDue: daysLate(i.dueDate, now, c.customer.timeZone) });

/** The customer's other open invoices handed over with this one: their hand-off falls today, or their notice has left. */
const handedOverWith = async (deps: EscalateDeps, c: InvoiceCase, now: Date): Promise<Invoice[]> => {
  const inv = c.view.invoice;
  const open = (await deps.invoices.openInvoicesOfCustomer(inv.tenantId, inv.customerId)).filter((o) => o.invoiceId !== inv.invoiceId && !o.needsContact);
  const views = (await Promise.all(open.map((o) => deps.invoices.getInvoiceView(o.tenantId, o.invoiceId)))).flatMap((v) => (v ? [v] : []));
  const ctx = { customer: c.customer, policy: c.policy, now, paymentClaimGraceDays: c.tenant.paymentClaimGraceDays, companyClosures: c.tenant.closures };
  return views
    .filter((v) => {
      if (v.stagesDone.some((s) => s.stage === 'escalation')) return false;
      if (v.stagesDone.some((s) => s.stage === HANDOFF_NOTICE_KEY)) return noticeDelivery(v.events, HANDOFF_NOTICE_KEY).left;
      return stageDueToday({ invoice: v.invoice, stagesDone: v.stagesDone, events: v.events }, ctx)?.stage === 'escalation';
    })
    .map((v) => v.invoice);
};

/** A retry of the invoice that handed the others over publishes again (at least once, the same id); one handed over with it stays quiet. */
const announce = async (deps: EscalateDeps, c: InvoiceCase, file: ReturnType<typeof escalationFile>): Promise<void> => {
  const e = c.view.events.filter((x) => x.type === 'escalation' && !x.details?.manual).at(-1);
  if (e?.details?.handedOverWith) return;
  const inv = c.view.invoice;
  const now = deps.clock.now();
  await publish(deps, c, file, { escalationId: e?.eventId ?? `${inv.invoiceId}#escalation`, escalatedAt: e?.at ?? now.toISOString(), caseId: String(e?.details?.caseId ?? '') }, [inv], now);
};

/** Ids and amounts only, and the lead invoice's file (where its dossier goes). */
const publish = async (
  deps: EscalateDeps,
  c: InvoiceCase,
  file: ReturnType<typeof escalationFile>,
  ids: { escalationId: string; escalatedAt: string; caseId: string },
  handed: readonly Invoice[],
  now: Date,
): Promise<void> => {
  const inv = c.view.invoice;
  await deps.events.publish('InvoiceEscalated', {
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    customerId: inv.customerId,
    invoiceIds: handed.map((h) => h.invoiceId),
    ...ids,
    ...amountsOf(inv, c, now),
    file,
  });
};
