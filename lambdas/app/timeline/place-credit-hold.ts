/**
 * PlaceCreditHold: the customer, not the invoice, is on hold.
 * 1. A stage the plan skips returns at once; an invoice no longer open for this execution ends it.
 *    Held by the bank truth (app/timeline/bank-truth.ts) unless placed already: a credit that could
 *    be the customer's payment waits for the finance team, and stale statements wait for a current one.
 * 2. A customer already on hold: the invoice joins the hold (no second final notice, no second event).
 *    A customer never reached about the invoice (every written reminder came back, nothing got
 *    through another way) is not put on hold: the finance team is told, and the hold waits for a
 *    working contact.
 * 3. The final notice, through the customer's gate (app/messaging/send-guarded-message.ts): one
 *    message listing every overdue invoice of the customer with its interest and compensation,
 *    carrying the final notices of the other invoices whose hold falls today. Not now (one message
 *    a day, caps, window, a hand-off due today; SES's sending rate through the last retry): the
 *    stage is deferred.
 *    The notice did not leave (every channel refused it or found no way; an SES refusal of the
 *    sending account never gets here: it is retried, app/messaging/send-guarded-message.ts): no
 *    hold on its strength. The stage waits for a working contact, the reason in the log.
 * 4. The hold, once for the customer, under the send guard: this invoice and every other whose final
 *    notice has left (with this one, or before a crash) are claimed together, with the customer's
 *    hold record and the sales representative's one notice listing them.
 * 5. CreditHoldPlaced on EventBridge, once per hold (at least once: a retry publishes the same holdId).
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import { decideReminder, writtenChannelBlocked } from '../../domain/messages/reminder.js';
import type { Invoice } from '../../domain/model.js';
import { totalsByCurrency } from '../../domain/shared/format.js';
import { sendGuardedMessage, type ChannelOutcome } from '../messaging/send-guarded-message.js';
import { salesRepHoldNoticeFor } from '../messaging/sales-rep-notices.js';
import { deliverInternalNotice } from '../messaging/internal-notices.js';
import { renderNotice } from '../../domain/messages/rendering/notice.js';
import { noticeDelivery, unreachable } from '../../domain/timeline/reach.js';
import { holdBasisOf, holdReasonInEnglish } from '../../domain/timeline/hold-basis.js';
import { InvoiceClosedError } from '../task-errors.js';
import { isLastAttempt, isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCase, type InvoiceCase } from './invoice-case.js';
import { deferUnlessBankAgrees, type FirmStageDeps } from './bank-truth.js';
import { deferStage, noticeDidNotLeave } from './defer-stage.js';
import type { MessagingDeps, TimelinePorts } from './ports.js';

export type CreditHoldDeps = FirmStageDeps & MessagingDeps & Pick<TimelinePorts, 'events'>;

export const NOTICE_KEY = 'creditHold#notice';

export const HOLD_WAITS_FOR_CONTACT = 'credit hold withheld: the customer was never reached (every reminder came back); waiting for a working contact';

export interface CreditHoldResult {
  stage: 'creditHold';
  outcome: 'skipped' | 'placed' | 'alreadyPlaced' | 'joined';
  notice: { outcome: string; channels: ChannelOutcome[] };
  /** The invoices the hold placed now is for (this one first). */
  invoices?: string[];
}

const noNotice = (outcome: string) => ({ outcome, channels: [] });

export const placeCreditHold = async (deps: CreditHoldDeps, input: StageRequest): Promise<CreditHoldResult> => {
  // 1. Skipped, or no longer this execution's
  if (isSkipped(input)) return { stage: 'creditHold', outcome: 'skipped', notice: noNotice('skipped') };
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  const exec = { revision: input.revision, run: input.run };
  const done = (key: string) => c.view.stagesDone.some((s) => s.stage === key);
  if (done('creditHold')) {
    await announce(deps, c);
    return { stage: 'creditHold', outcome: 'alreadyPlaced', notice: noNotice('alreadyDone') };
  }
  await deferUnlessBankAgrees(deps, c, input, deps.clock.now());

  // 2. On hold already: this invoice joins it
  if (c.customer.creditHold && !done(NOTICE_KEY)) return join(deps, c, exec);
  // Nobody ever reached about it (every reminder bounced, no SMS or call got through): no hold; the finance team is told.
  if (!done(NOTICE_KEY) && unreachable(c.view.events, writtenChannelBlocked(c.customer))) return unreached(deps, c, input);

  // 3. The final notice
  let notice: CreditHoldResult['notice'] = noNotice('alreadyDone');
  if (!done(NOTICE_KEY)) {
    const out = await sendGuardedMessage(deps, {
      invoice: inv,
      customer: c.customer,
      tenant: c.tenant,
      policy: c.policy,
      kind: 'creditHold',
      guardKey: NOTICE_KEY,
      requiredStatus: 'open',
      payments: c.view.payments,
      events: c.view.events,
      ...exec,
      lastAttempt: isLastAttempt(input),
    });
    if (out.outcome === 'deferred') return deferStage(deps, input, out, deps.clock.now());
    notice = { outcome: out.outcome, channels: out.channels };
  }
  // Left, now or on an earlier attempt (or with another invoice's notice)?
  if (notice.outcome !== 'sent') {
    const log = (await deps.invoices.getInvoiceView(inv.tenantId, inv.invoiceId))?.events ?? c.view.events;
    const left = noticeDelivery(log, NOTICE_KEY);
    if (!left.left) return noticeDidNotLeave(deps, input, 'credit hold', left.why, NOTICE_KEY);
  }

  // 4. The hold, with every invoice whose final notice has left
  const now = deps.clock.now();
  const others = await noticedNotHeld(deps, inv);
  const amountsOf = (i: Invoice, payments = c.view.payments) => {
    const { line } = decideReminder({ invoice: i, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'creditHold', now, payments });
    return { currency: i.currency, amountDue: line.amountDue, daysPastDue: line.daysLate, ...(line.interest !== undefined ? { interest: line.interest, compensation: line.compensation } : {}) };
  };
  const held = [{ invoice: inv, ...amountsOf(inv) }, ...others.map((o) => ({ invoice: o.invoice, ...amountsOf(o.invoice, o.payments) }))];
  const holdEvent = (h: (typeof held)[number], holdId?: string) =>
    contactEvent({
      tenantId: inv.tenantId,
      invoiceId: h.invoice.invoiceId,
      at: now.toISOString(),
      type: 'credit_hold',
      channel: 'system',
      actor: 'system',
      stage: 'creditHold',
      outcome: 'recorded',
      details: { customerId: inv.customerId, ...(holdId ? { holdId, placedWith: inv.invoiceId } : {}), ...amountsWithoutInvoice(h) },
    });
  const own = holdEvent(held[0]!);
  const basis = holdBasisOf(held);
  const holdId = own.eventId;
  const salesRep = salesRepHoldNoticeFor(deps, { invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy }, now, held);
  const claim = await deps.sendGuard.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    guardKey: 'creditHold',
    events: [own, ...(salesRep ? [salesRep.event] : [])],
    alsoWrite: [
      deps.customers.creditHoldWrite(inv.tenantId, inv.customerId, {
        placedAt: now.toISOString(),
        invoiceId: inv.invoiceId,
        holdId,
        invoiceIds: held.map((h) => h.invoice.invoiceId),
        reason: holdReasonInEnglish(basis),
        basis,
      }),
    ],
    companions: held.slice(1).map((h) => ({
      invoiceId: h.invoice.invoiceId,
      revision: h.invoice.revision,
      run: h.invoice.run,
      guardKey: 'creditHold',
      events: [holdEvent(h, holdId)],
    })),
  });
  if (claim.outcome !== 'claimed') {
    await announce(deps, c);
    return { stage: 'creditHold', outcome: 'alreadyPlaced', notice };
  }
  await deps.sendGuard.completeSend(claim.lease, salesRep ? [await salesRep.send()] : []);
  deps.count('CreditHoldsPlaced');
  const kept = new Set([inv.invoiceId, ...claim.lease.companions.map((k) => k.invoiceId)]);
  const placed = held.filter((h) => kept.has(h.invoice.invoiceId));

  // 5. CreditHoldPlaced
  await publish(deps, c, { holdId, placedAt: now.toISOString() }, placed);
  deps.logger.info('credit hold', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, customerId: inv.customerId, invoices: placed.length });
  return { stage: 'creditHold', outcome: 'placed', notice, invoices: placed.map((h) => h.invoice.invoiceId) };
};

const amountsWithoutInvoice = <T extends { invoice: Invoice }>(h: T): Omit<T, 'invoice'> => {
  const { invoice: _i, ...rest } = h;
  return rest;
};

/** The customer's other open invoices whose final notice has left and whose hold is not placed: mid-hold. */
const noticedNotHeld = async (deps: CreditHoldDeps, inv: Invoice) => {
  const open = (await deps.invoices.openInvoicesOfCustomer(inv.tenantId, inv.customerId)).filter((o) => o.invoiceId !== inv.invoiceId);
  const views = await Promise.all(open.map((o) => deps.invoices.getInvoiceView(o.tenantId, o.invoiceId)));
  return views.flatMap((v) =>
    v && v.invoice.status === 'open' && v.stagesDone.some((s) => s.stage === NOTICE_KEY) && noticeDelivery(v.events, NOTICE_KEY).left && !v.stagesDone.some((s) => s.stage === 'creditHold') ? [{ invoice: v.invoice, payments: v.payments }] : [],
  );
};

/** An invoice reaching its hold while the customer is on hold already: recorded on the hold, nothing sent, nothing announced. */
const join = async (deps: CreditHoldDeps, c: InvoiceCase, exec: { revision: number; run: number }): Promise<CreditHoldResult> => {
  const inv = c.view.invoice;
  const hold = c.customer.creditHold!;
  const now = deps.clock.now();
  const { line } = decideReminder({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, kind: 'creditHold', now, payments: c.view.payments });
  const claim = await deps.sendGuard.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    guardKey: 'creditHold',
    events: [
      contactEvent({
        tenantId: inv.tenantId,
        invoiceId: inv.invoiceId,
        at: now.toISOString(),
        type: 'credit_hold',
        channel: 'system',
        actor: 'system',
        stage: 'creditHold',
        outcome: 'recorded',
        details: { customerId: inv.customerId, joined: true, ...(hold.holdId ? { holdId: hold.holdId } : {}), placedAt: hold.placedAt, currency: inv.currency, amountDue: line.amountDue, daysPastDue: line.daysLate },
      }),
    ],
    alsoWrite: [deps.customers.creditHoldJoinWrite(inv.tenantId, inv.customerId, [inv.invoiceId])],
  });
  if (claim.outcome === 'claimed') {
    await deps.sendGuard.completeSend(claim.lease, []);
    deps.count('CreditHoldsJoined');
  }
  deps.logger.info('invoice joins the customer credit hold', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, customerId: inv.customerId });
  return { stage: 'creditHold', outcome: claim.outcome === 'claimed' ? 'joined' : 'alreadyPlaced', notice: noNotice('joined') };
};

/**
 * A retry after the hold was placed: the placing invoice publishes again (at least once, the same
 * holdId); an invoice that was held with it, or joined it, announces nothing.
 */
const announce = async (deps: CreditHoldDeps, c: InvoiceCase): Promise<void> => {
  const hold = c.customer.creditHold;
  const inv = c.view.invoice;
  if (!hold || hold.invoiceId !== inv.invoiceId) return;
  const ids = hold.invoiceIds ?? [inv.invoiceId];
  const views = await Promise.all(ids.map((id) => (id === inv.invoiceId ? c.view : deps.invoices.getInvoiceView(inv.tenantId, id))));
  const held = views.flatMap((v) => {
    const e = v?.events.find((x) => x.type === 'credit_hold' && !x.details?.joined);
    return v && e ? [{ invoice: v.invoice, currency: v.invoice.currency, amountDue: Number(e.details?.amountDue ?? 0), daysPastDue: Number(e.details?.daysPastDue ?? 0), interest: e.details?.interest as number | undefined, compensation: e.details?.compensation as number | undefined }] : [];
  });
  await publish(deps, c, { holdId: hold.holdId ?? `${inv.invoiceId}#creditHold`, placedAt: hold.placedAt }, held);
};

type Held = { invoice: Invoice; currency: string; amountDue: number; daysPastDue: number; interest?: number | undefined; compensation?: number | undefined };

/** Ids and amounts only: the event leaves our account, personal data does not. */
const publish = async (deps: CreditHoldDeps, c: InvoiceCase, hold: { holdId: string; placedAt: string }, held: readonly Held[]): Promise<void> => {
  const inv = c.view.invoice;
  const lead = held.find((h) => h.invoice.invoiceId === inv.invoiceId) ?? held[0];
  const total = (pick: (h: Held) => number | undefined) => totalsByCurrency(held.flatMap((h) => (pick(h) !== undefined ? [{ currency: h.currency, amount: pick(h)! }] : [])));
  await deps.events.publish('CreditHoldPlaced', {
    tenantId: inv.tenantId,
    customerId: inv.customerId,
    invoiceId: inv.invoiceId,
    invoiceIds: held.map((h) => h.invoice.invoiceId),
    holdId: hold.holdId,
    placedAt: hold.placedAt,
    ...(lead ? { currency: lead.currency, amountDue: lead.amountDue, daysPastDue: lead.daysPastDue, ...(lead.interest !== undefined ? { interest: lead.interest, compensation: lead.compensation } : {}) } : {}),
    totals: total((h) => h.amountDue).map((t) => ({
      currency: t.currency,
      amountDue: t.amount,
      interest: total((h) => h.interest).find((x) => x.currency === t.currency)?.amount ?? 0,
      compensation: total((h) => h.compensation).find((x) => x.currency === t.currency)?.amount ?? 0,
    })),
  });
};

/** Finance told (one notice a day per customer), and the hold waits for a contact that works. */
const unreached = async (deps: CreditHoldDeps, c: InvoiceCase, input: StageRequest): Promise<never> => {
  const inv = c.view.invoice;
  const now = deps.clock.now();
  const notice = renderNotice('customerUnreached', c.tenant.language, { customerName: c.customer.name, invoiceNumber: inv.number, address: c.customer.email ?? '', financeEmail: c.tenant.email });
  if (c.tenant.financeInboxes.length > 0) {
    await deliverInternalNotice(deps, { tenant: c.tenant, customerId: inv.customerId, customerName: c.customer.name, audience: 'finance', kind: 'customerUnreached', to: c.tenant.financeInboxes, notice, tags: { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'customerUnreached' } });
  }
  deps.count('CreditHoldsWithheld');
  // The invoice waits for a working contact (needsContact): the plan closes the execution, and
  // fixing the contact starts a new run at this stage (activateInvoicesNeedingContact).
  return deferStage(deps, input, { until: new Date(now.getTime() + 14 * 86_400_000).toISOString(), reason: HOLD_WAITS_FOR_CONTACT, waitsForContact: true }, now);
};
