/**
 * One customer message through the send guard, shared by every use case that writes to a customer:
 * 1. Find the customer's other invoices the message also covers (one voice per customer).
 * 2. Decide the channels (domain/messages/reminder.ts), within the customer's contact limits.
 * 3. Sign the answer links and render the message.
 * 4. Claim the send with the send guard (the log entries written with the claim).
 * 5. Send by e-mail and SMS while the lease covers the call.
 * 6. Complete the claim with what each channel answered.
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import { decideReminder, type ReminderKind, type MessageChannel, type ReminderDecision } from '../../domain/messages/reminder.js';
import { channelVerdict, rememberContacts, type LimitedChannel } from '../../domain/timeline/contact-limits.js';
import { firmestStage } from '../../domain/timeline/consolidation.js';
import type { Stage } from '../../domain/timeline/stages.js';
import { renderMessage } from '../../domain/messages/rendering/render.js';
import { creditsInFavour } from '../../domain/commands/customer-credit.js';
import type { ContactEvent } from '../../domain/model.js';
import { leaseAllows, type SendLease, type SendResult } from '../ports/send-guard.js';
import { DeferredError, SendOutcomeUnknownError, TransientError } from '../task-errors.js';
import type { MessagingDeps } from '../timeline/ports.js';
import type { OutgoingEmail } from '../ports/mailer.js';
import { findCompanions, type CompanionLine } from './companions.js';
import type { ChannelOutcome, MessageOutcome, MessageRequest } from './message-request.js';

export type { ChannelOutcome, MessageOutcome, MessageRequest } from './message-request.js';

interface Delivery {
  channel: MessageChannel;
  event: ContactEvent;
  /** The same contact, logged on each companion invoice the message also covers. */
  companionEvents: ContactEvent[];
  deadlineMs: number;
  send: () => Promise<{ messageId: string }>;
}

export const sendGuardedMessage = async (deps: MessagingDeps, req: MessageRequest): Promise<MessageOutcome> => {
  const { logger, count } = deps;
  const now = deps.clock.now();
  const companions: CompanionLine[] = req.consolidate ? await findCompanions(deps, req, now) : [];
  const decide = (kind: ReminderKind) =>
    decideReminder({
      invoice: req.invoice,
      customer: req.customer,
      tenant: req.tenant,
      policy: req.policy,
      kind,
      now,
      ...(req.ignoredEmails ? { ignoredEmails: req.ignoredEmails } : {}),
      ...(req.payments ? { payments: req.payments } : {}),
    });
  // The combined message speaks with the firmest stage among its invoices; its channels follow that stage.
  const decided = decide(messageKind(req.kind, companions));
  // Timeline stages respect the customer's contact limits: deferred (thrown), or the SMS left out.
  const decision = req.consolidate ? await withinContactLimits(deps, req, decided, now) : decided;
  const ownLine = decision.kind === req.kind ? decision.line : decide(req.kind).line;
  // Signed answer links (issue 6), one nonce per message: given by the caller, or made here; a
  // message that goes by SMS also gets its short link.
  const signed = req.links
    ? undefined
    : await deps.links.linksFor(req.invoice, req.guardKey, now, { openPixel: req.tenant.openTracking, shortLink: Boolean(decision.sms) });
  const links = req.links ?? signed?.links;
  // The customer's open credits, shown beside what is due (the finance team applies or refunds them).
  const credits = creditsInFavour(await deps.bankCredits.customerCredits(req.invoice.tenantId, req.customer.customerId));
  const render = (others: CompanionLine[]) =>
    renderMessage({
      kind: messageKind(req.kind, others),
      tone: decision.tone,
      language: decision.language,
      tenant: req.tenant,
      customer: req.customer,
      lines: [{ ...ownLine, ...(links ? { links } : {}) }, ...others.map((c) => c.line)],
      now,
      ...(req.facts ? { facts: req.facts } : {}),
      ...(credits.length > 0 ? { credits } : {}),
      ...(deps.qr ? { paymentQrSrc: `cid:${PAYMENT_QR_CID}` } : {}),
    });
  let rendered = render(companions);
  // The QR image is drawn before the claim, so the lease covers the provider call only.
  let qrImage = decision.email ? await paymentQrImage(deps, rendered.paymentQr) : [];

  const base = {
    tenantId: req.invoice.tenantId,
    invoiceId: req.invoice.invoiceId,
    at: now.toISOString(),
    type: 'message' as const,
    actor: 'system',
    stage: req.kind,
  };
  const amounts = {
    guardKey: req.guardKey,
    currency: req.invoice.currency,
    amountDue: ownLine.amountDue,
    daysLate: ownLine.daysLate,
    ...(ownLine.interest !== undefined ? { interest: ownLine.interest, compensation: ownLine.compensation } : {}),
    ...(signed ? { linkNonce: signed.nonce } : {}),
    ...(companions.length > 0 ? { coversInvoices: companions.map((c) => c.invoice.invoiceId) } : {}),
  };
  const tags = { tenant: req.invoice.tenantId, invoice: req.invoice.invoiceId, stage: req.kind };
  /** The contact as each companion invoice logs it: its own stage and amounts, pointing at this invoice's message. */
  const companionEvents = (channel: MessageChannel, to: string): ContactEvent[] =>
    companions.map((c) =>
      contactEvent({
        ...base,
        invoiceId: c.invoice.invoiceId,
        stage: c.stage,
        channel,
        to,
        outcome: 'pending',
        details: { guardKey: c.stage, currency: c.invoice.currency, amountDue: c.line.amountDue, daysLate: c.line.daysLate, sentWith: req.invoice.invoiceId, ...(c.linkNonce ? { linkNonce: c.linkNonce } : {}) },
      }),
    );

  const deliveries: Delivery[] = [];
  if (decision.email) {
    const to = decision.email.to;
    const mailer = deps.mailer;
    deliveries.push({
      channel: 'email',
      event: contactEvent({ ...base, channel: 'email', to, outcome: 'pending', details: { ...amounts } }),
      companionEvents: companionEvents('email', to),
      deadlineMs: mailer.deadlineMs,
      // Read at send time: the text is rendered again if a companion dropped out at the claim.
      send: async () => {
        const attachments = [...(req.attachments ?? []), ...qrImage];
        return mailer.send({
          from: deps.sender(),
          to: [to],
          replyTo: req.tenant.email,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          tags,
          ...(attachments.length ? { attachments } : {}),
        });
      },
    });
  }
  if (decision.sms && rendered.sms) {
    const sms = deps.sms;
    const to = decision.sms.to;
    deliveries.push({
      channel: 'sms',
      event: contactEvent({ ...base, channel: 'sms', to, outcome: 'pending', details: { ...amounts } }),
      companionEvents: companionEvents('sms', to),
      deadlineMs: sms.deadlineMs,
      send: () => sms.send({ to, body: rendered.sms, tags }),
    });
  }
  const unreachable = decision.unreachable.map((u) =>
    contactEvent({ ...base, channel: u.channel, outcome: 'skipped', details: { ...amounts, reason: u.reason } }),
  );

  const store = deps.sendGuard;
  const claim = await store.claimSend({
    tenantId: req.invoice.tenantId,
    invoiceId: req.invoice.invoiceId,
    revision: req.revision,
    run: req.run,
    requiredStatus: req.requiredStatus,
    guardKey: req.guardKey,
    events: [...deliveries.map((d) => d.event), ...unreachable],
    ...(NOT_COUNTED.has(req.kind) || deliveries.length === 0
      ? {}
      : {
          contactRecord: deps.customers.contactRecordWrite(
            req.customer.tenantId,
            req.customer.customerId,
            req.customer.contactsVersion,
            rememberContacts(req.customer.recentContacts, deliveries.map((d) => ({ at: now.toISOString(), channel: d.channel })), now),
          ),
          contactsAdded: { customerId: req.customer.customerId, added: deliveries.map((d) => ({ at: now.toISOString(), channel: d.channel })) },
        }),
    companions: companions.map((c, i) => ({
      invoiceId: c.invoice.invoiceId,
      revision: c.invoice.revision,
      run: c.invoice.run,
      guardKey: c.stage,
      events: deliveries.map((d) => d.companionEvents[i]!),
    })),
  });
  const ids = { tenantId: req.invoice.tenantId, invoiceId: req.invoice.invoiceId, guardKey: req.guardKey };
  if (claim.outcome === 'alreadyDone') {
    logger.info('message already claimed: not sent again', ids);
    return { outcome: 'alreadyDone', channels: [] };
  }

  const kept = new Set(claim.lease.companions.map((c) => c.invoiceId));
  if (kept.size < companions.length) {
    // A companion was paid, answered or reminded meanwhile: it stays out of this message.
    logger.info('companions dropped at the claim', { ...ids, dropped: companions.length - kept.size });
    const before = rendered.paymentQr;
    rendered = render(companions.filter((c) => kept.has(c.invoice.invoiceId)));
    if (decision.email && rendered.paymentQr !== before) qrImage = await paymentQrImage(deps, rendered.paymentQr);
  }
  const results = await deliver(deps, claim.lease, deliveries);
  // Each companion's log entry completes like this invoice's own: same outcome, same message id.
  const companionResults = results.flatMap((r, i) =>
    deliveries[i]!.companionEvents.filter((e) => kept.has(e.invoiceId)).map((e) => ({ ...r, eventId: e.eventId })),
  );
  await store.completeSend(claim.lease, [...results, ...companionResults]);
  if (kept.size > 0) count('InvoicesConsolidated', kept.size);

  const channels: ChannelOutcome[] = [
    ...results.map((r, i) => ({ channel: deliveries[i]!.channel, outcome: r.outcome, ...(r.messageId ? { messageId: r.messageId } : {}) })),
    ...decision.unreachable.map((u) => ({ channel: u.channel, outcome: 'skipped' as const })),
  ];
  for (const c of channels) if (c.outcome === 'sent') count(c.channel === 'email' ? 'EmailsSent' : 'SmsSent');
  if (results.some((r) => r.outcome === 'failed')) count('MessagesFailed');
  const outcome = deliveries.length === 0 ? 'unreachable' : results.some((r) => r.outcome === 'sent') ? 'sent' : 'failed';
  logger.info('message done', { ...ids, outcome, channels: channels.map((c) => `${c.channel}:${c.outcome}`) });
  return { outcome, channels };
};

/**
 * The customer's contact limits (domain/contact-limits.ts) applied to a timeline stage: when its
 * main channel may not be used now, the stage is deferred (logged, and the state machine re-plans
 * it through Sollecito.Deferred); an SMS beside the e-mail that may not go is left out, with why.
 */
const withinContactLimits = async (deps: MessagingDeps, req: MessageRequest, d: ReminderDecision, now: Date): Promise<ReminderDecision> => {
  const main: LimitedChannel | undefined = d.email ? 'email' : d.sms ? 'sms' : undefined;
  if (!main) return d;
  const verdict = (channel: LimitedChannel) =>
    channelVerdict({ channel, recent: req.customer.recentContacts, policy: req.policy, customer: req.customer, now });
  const first = verdict(main);
  if (!first.allowed && 'never' in first) {
    const { [main]: _none, ...rest } = d;
    return { ...rest, unreachable: [...d.unreachable, { channel: main, reason: first.reason }] };
  }
  if (!first.allowed) {
    const until = first.notBefore.toISOString();
    await deps.invoices.deferStage({
      tenantId: req.invoice.tenantId,
      invoiceId: req.invoice.invoiceId,
      revision: req.revision,
      run: req.run,
      stage: req.kind as Stage,
      until,
      reason: first.reason,
      at: now.toISOString(),
    });
    deps.count('StagesDeferred');
    throw new DeferredError(`${req.kind} deferred to ${until}: ${first.reason}`);
  }
  if (main === 'email' && d.sms) {
    const sms = verdict('sms');
    if (!sms.allowed) {
      const { sms: _left, ...rest } = d;
      return { ...rest, unreachable: [...d.unreachable, { channel: 'sms', reason: `SMS left out: ${sms.reason}` }] };
    }
  }
  return d;
};

/** The Content-ID the e-mail's HTML shows the payment QR code by (an inline image: Gmail and Outlook show no data: images). */
const PAYMENT_QR_CID = 'payment-qr';

const paymentQrImage = async (deps: MessagingDeps, payload: string | undefined): Promise<NonNullable<OutgoingEmail['attachments']>> =>
  payload && deps.qr ? [{ filename: 'sepa-qr.png', contentType: 'image/png', content: await deps.qr.png(payload), contentId: PAYMENT_QR_CID }] : [];

/** Messages that answer the customer rather than chase: they do not count against the contact limits. */
const NOT_COUNTED: ReadonlySet<ReminderKind> = new Set<ReminderKind>(['thankYou', 'paymentClaimAck']);

const messageKind = (own: ReminderKind, companions: CompanionLine[]): ReminderKind =>
  companions.length === 0 ? own : firmestStage([own as Stage, ...companions.map((c) => c.stage)]);

/**
 * Sends each channel in turn while the lease covers the call. Before anything has left, a
 * transient failure (or a lease too short for the call) gives the claim back and rethrows, so
 * the state machine's retry sends it. After something has left, a failure is recorded instead:
 * the claim stays, and nothing is ever sent twice.
 */
const deliver = async (deps: MessagingDeps, lease: SendLease, deliveries: Delivery[]): Promise<SendResult[]> => {
  const results: SendResult[] = [];
  const giveBack = async (reason: string, err: Error) => {
    await deps.sendGuard.releaseSend(lease, reason);
    throw err;
  };
  for (const d of deliveries) {
    const nothingLeftYet = !results.some((r) => r.outcome === 'sent');
    if (!leaseAllows(lease, d.deadlineMs)) {
      if (nothingLeftYet) await giveBack('lease too short for the call', new TransientError(`${lease.guardKey}: lease too short for the ${d.channel} call`));
      results.push({ eventId: d.event.eventId, outcome: 'failed', error: 'LeaseTooShort' });
      continue;
    }
    try {
      const { messageId } = await d.send();
      results.push({ eventId: d.event.eventId, outcome: 'sent', messageId });
    } catch (err) {
      const e = err as Error;
      if (e instanceof TransientError && nothingLeftYet) await giveBack(`${d.channel}: ${e.message}`, e);
      if (!(e instanceof TransientError) && !(e instanceof SendOutcomeUnknownError)) {
        deps.logger.warn('message rejected by the provider', { guardKey: lease.guardKey, invoiceId: lease.invoiceId, channel: d.channel, error: e.name });
      }
      results.push({ eventId: d.event.eventId, outcome: 'failed', error: e.name });
    }
  }
  return results;
};
