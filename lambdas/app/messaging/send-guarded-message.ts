/**
 * The one gate every customer message goes through (a written stage, the final notice of a credit
 * hold, the hand-off notice, a broken promise or missed instalment, a thank-you):
 * 1. Take the customer's turn (the voice lease): one customer's messages are decided and sent one
 *    at a time, whatever execution asks.
 * 2. Read what the customer's other invoices have due today; give way to a firmer message whose own
 *    execution acts first, or carry theirs (domain/timeline/customer-day.ts).
 * 3. Decide the channels for the firmest kind among them (domain/messages/reminder.ts), within the
 *    customer's contact limits: one message a day, the caps, the gap, the send window
 *    (domain/timeline/contact-limits.ts). Not now: the message is deferred, the caller says how.
 * 4. Sign the answer links and render the message: every invoice it carries, and for a message
 *    that states interest every other overdue invoice of the customer too.
 * 5. Claim the send with the send guard, the carried invoices' guards in the same transaction.
 * 6. Send by e-mail and SMS while the lease covers the call, and complete the claim (the customer's
 *    turn given back in the same write). Nothing left on a transient refusal: the claim is given
 *    back and the error goes to the Task's Retry; on the Retry's last attempt an e-mail SES refuses
 *    for its sending rate is deferred instead, to a later slot today or the next business morning
 *    (domain/timeline/rate-deferral.ts), and the caller defers it like a contact limit.
 */
import { contactEvent } from '../../domain/shared/contact-event.js';
import { localDay } from '../../domain/shared/days.js';
import { decideReminder, showsInterest, writtenChannelBlocked, type MessageChannel, type ReminderDecision } from '../../domain/messages/reminder.js';
import { nextSendMoment, sendContext } from '../../domain/timeline/calendar.js';
import { rateDeferral } from '../../domain/timeline/rate-deferral.js';
import { spreadKey } from '../../domain/timeline/send-spread.js';
import { channelVerdict, rememberContacts, type LimitedChannel } from '../../domain/timeline/contact-limits.js';
import { shareTheDay, type DayItem } from '../../domain/timeline/customer-day.js';
import { canText, ignoredEmailsInARow } from '../../domain/timeline/engagement.js';
import { ANSWERING_KINDS, firmestKind, type VoiceKind } from '../../domain/timeline/precedence.js';
import { WRITTEN_STAGES } from '../../domain/timeline/stages.js';
import { renderMessage } from '../../domain/messages/rendering/render.js';
import { creditsInFavour } from '../../domain/commands/customer-credit.js';
import type { MessageLine } from '../../domain/messages/rendering/types.js';
import type { Closure, ContactEvent, Customer, Invoice, Payment, Policy } from '../../domain/model.js';
import { leaseAllows, type SendLease, type SendResult } from '../ports/send-guard.js';
import { ACCOUNT_REFUSAL_METRIC, SendOutcomeUnknownError, SenderBlockedError, SendingRateExceededError, TransientError } from '../task-errors.js';
import type { MessagingDeps } from '../timeline/ports.js';
import type { OutgoingEmail } from '../ports/mailer.js';
import type { VoiceLease } from '../ports/customer-voice.js';
import { readCustomerDay } from './companions.js';
import type { ChannelOutcome, MessageOutcome, MessageRequest } from './message-request.js';

export type { CarriedMessage, ChannelOutcome, MessageOutcome, MessageRequest } from './message-request.js';

/** The reason a message that waits for a firmer one is logged with (and recognised by, the same day). */
export const GIVES_WAY = 'gives way to';
/** How long after the firmer message's own moment the one that gave way looks again. */
export const GIVE_WAY_MS = 60_000;
/** A message waiting for a working address: the reason it is logged with. */
export const CONTACT_WAIT = 'waiting for a working e-mail address';
/** It looks again this long after, should nobody fix the contact (a fixed address releases it at once). */
const CONTACT_RECHECK_MS = 14 * 86_400_000;

interface Delivery {
  channel: MessageChannel;
  event: ContactEvent;
  /** The same contact, logged on each invoice the message carries. */
  companionEvents: ContactEvent[];
  deadlineMs: number;
  send: () => Promise<{ messageId: string }>;
}

interface CarriedLine extends DayItem {
  line: MessageLine;
  linkNonce?: string;
}

/** Whether this message already waited for a firmer one today: it does so once, then goes. */
export const gaveWayToday = (events: readonly ContactEvent[], kind: string, today: string, timeZone: string): boolean =>
  events.some((e) => e.type === 'deferred' && e.stage === kind && String(e.details?.reason ?? '').startsWith(GIVES_WAY) && localDay(new Date(e.at), timeZone) === today);

export const sendGuardedMessage = async (deps: MessagingDeps, req: MessageRequest): Promise<MessageOutcome> => {
  const carried = () => deps.invoices.isDone(req.invoice.tenantId, req.invoice.invoiceId, req.guardKey);
  const lease = await deps.voice.acquire(req.invoice.tenantId, req.invoice.customerId, carried, req.readBeside?.voice);
  if (!lease) {
    deps.logger.info('message carried by another while waiting for the turn', { invoiceId: req.invoice.invoiceId, guardKey: req.guardKey });
    return { outcome: 'alreadyDone', channels: [] };
  }
  const turn = { lease, givenBack: false };
  try {
    return await speak(deps, req, turn);
  } finally {
    if (!turn.givenBack) await deps.voice.release(lease).catch((err: unknown) => deps.logger.warn('customer voice not released', { customerId: req.invoice.customerId, error: (err as Error).name }));
  }
};

const isWritten = (k: string) => (WRITTEN_STAGES as readonly string[]).includes(k) || k === 'furtherReminder';

/** The customer's turn: given back with the send's completion when a message left, else by the caller. */
interface Turn {
  lease: VoiceLease;
  givenBack: boolean;
}

const speak = async (deps: MessagingDeps, asked: MessageRequest, turn: Turn): Promise<MessageOutcome> => {
  const { logger, count } = deps;
  const now = deps.clock.now();
  const ids = { tenantId: asked.invoice.tenantId, invoiceId: asked.invoice.invoiceId, guardKey: asked.guardKey };
  // Read within the turn, together: whether the previous holder carried this very message, and
  // the customer as it left it (what it sent counts); or as read beside the case when nobody spoke since.
  const beside = turn.lease.quiet ? asked.readBeside : undefined;
  const [carriedMeanwhile, current] = beside
    ? [beside.done, asked.customer]
    : await Promise.all([
        deps.invoices.isDone(asked.invoice.tenantId, asked.invoice.invoiceId, asked.guardKey),
        deps.customers.getCustomer(asked.invoice.tenantId, asked.invoice.customerId),
      ]);
  if (carriedMeanwhile) {
    logger.info('message carried by another while waiting for the turn', ids);
    return { outcome: 'alreadyDone', channels: [] };
  }
  const customer = current ?? asked.customer;
  const req = { ...asked, customer };
  const today = localDay(now, customer.timeZone);

  // 2. The customer's day
  const day = await readCustomerDay(deps, req, now);
  const share = shareTheDay({ invoice: req.invoice, kind: req.kind }, day.items, { mayGiveWay: !gaveWayToday(req.events ?? [], req.kind, today, customer.timeZone) });
  if (share.givesWayTo) {
    const g = share.givesWayTo;
    const until = new Date(Math.max(now.getTime(), Date.parse(g.at)) + GIVE_WAY_MS).toISOString();
    logger.info('message gives way to a firmer one due today', { ...ids, to: g.invoice.invoiceId, kind: g.kind });
    return { outcome: 'deferred', channels: [], until, reason: `${GIVES_WAY} the ${g.kind} of invoice ${g.invoice.number}`, givesWay: true };
  }
  // No working address and no SMS on this stage: the message waits for the contact to be fixed;
  // once, an SMS goes instead where the policy texts at all.
  const alone = decideReminder({ invoice: req.invoice, customer, tenant: req.tenant, policy: req.policy, kind: req.kind, now, ...(req.ignoredEmails ? { ignoredEmails: req.ignoredEmails } : {}), ...(req.extra ? { extra: req.extra } : {}) });
  const waiting = !ANSWERING_KINDS.has(req.kind) && writtenChannelBlocked(customer) && !alone.email && !alone.sms;
  const waitForContact = (sent: boolean): MessageOutcome => ({
    outcome: 'deferred',
    channels: [],
    until: nextSendMoment(new Date(now.getTime() + CONTACT_RECHECK_MS), customer, req.policy, req.tenant.closures).toISOString(),
    reason: `${CONTACT_WAIT} (e-mail address ${customer.emailStatus}${sent ? '; an SMS went instead' : ''})`,
    waitsForContact: true,
  });
  const fallback = waiting && canText(req.policy, customer) && !(req.events ?? []).some((e) => e.details?.fallback === 'sms');
  if (waiting && !fallback) {
    logger.info('message waits for a working e-mail address', ids);
    return waitForContact(false);
  }
  const guardKey = fallback ? `${req.guardKey}#smsFallback` : req.guardKey;
  const carries = fallback ? [] : share.carries;
  const kind = firmestKind<VoiceKind>([req.kind, ...carries.map((c) => c.kind)]);
  const siblingOf = new Map(day.siblings.map((s) => [s.invoice.invoiceId, s]));
  // Two e-mails ignored on any written stage it carries: the combined message texts too (engagement.ts).
  const ignored = Math.max(req.ignoredEmails ?? 0, ...carries.filter((c) => isWritten(c.kind)).map((c) => ignoredEmailsInARow(siblingOf.get(c.invoice.invoiceId)?.events ?? [])));
  const decide = (k: VoiceKind, invoice: Invoice, payments: readonly Payment[] | undefined): ReminderDecision =>
    decideReminder({ invoice, customer, tenant: req.tenant, policy: req.policy, kind: k, now, ignoredEmails: ignored, ...(payments ? { payments } : {}), ...(req.extra && invoice === req.invoice ? { extra: req.extra } : {}) });

  // 3. The channels, within the contact limits
  let decided = decide(kind, req.invoice, req.payments);
  if (fallback) decided = { ...decided, sms: { to: customer.phone! } };
  if (req.emailOnly && decided.sms) {
    const { sms: _left, ...rest } = decided;
    decided = rest;
  }
  const gate = withinContactLimits(customer, req.policy, req.tenant.closures, decided, now, !ANSWERING_KINDS.has(kind));
  if ('until' in gate) {
    logger.info('message deferred by the contact limits', { ...ids, until: gate.until });
    return { outcome: 'deferred', channels: [], until: gate.until, reason: gate.reason };
  }
  const decision = gate.decision;
  await req.beforeClaim?.();

  // 4. Lines, links, the message
  const firm = showsInterest(kind);
  const lineOf = (invoice: Invoice, lineKind: VoiceKind, payments: readonly Payment[] | undefined): MessageLine => {
    // A message that states interest states it for every overdue invoice it lists.
    const amountsAs = firm && invoice.dueDate < today && !ANSWERING_KINDS.has(lineKind) ? kind : lineKind;
    return { ...decide(amountsAs, invoice, payments).line, kind: lineKind };
  };
  const ownAnswers = !ANSWERING_KINDS.has(req.kind);
  const signed =
    req.links || !ownAnswers
      ? undefined
      : await deps.links.linksFor(req.invoice, guardKey, now, { openPixel: req.tenant.openTracking, shortLink: Boolean(decision.sms) });
  const ownLinks = req.links ?? signed?.links;
  const carried: CarriedLine[] = await Promise.all(
    carries.map(async (c) => {
      const line = lineOf(c.invoice, c.kind, siblingOf.get(c.invoice.invoiceId)?.payments);
      if (ANSWERING_KINDS.has(c.kind)) return { ...c, line };
      const s = await deps.links.linksFor(c.invoice, c.guardKey, now, { openPixel: req.tenant.openTracking });
      return { ...c, line: { ...line, ...(s ? { links: s.links } : {}) }, ...(s ? { linkNonce: s.nonce } : {}) };
    }),
  );
  const carriedIds = new Set(carries.map((c) => c.invoice.invoiceId));
  const listed: MessageLine[] = firm
    ? await Promise.all(
        day.siblings
          .filter((s) => s.invoice.status === 'open' && !carriedIds.has(s.invoice.invoiceId) && s.invoice.dueDate < today)
          .map(async (s) => {
            const line = lineOf(s.invoice, kind, s.payments);
            const l = await deps.links.linksFor(s.invoice, req.guardKey, now, {});
            return { ...line, ...(l ? { links: l.links } : {}) };
          }),
      )
    : [];
  const ownLine = { ...lineOf(req.invoice, req.kind, req.payments), ...(ownLinks ? { links: ownLinks } : {}) };
  // The customer's open credits, shown beside what is due (the finance team applies or refunds them).
  const [credits, overrides] = await Promise.all([
    (beside ? Promise.resolve(beside.credits) : deps.bankCredits.openCustomerCredits(req.invoice.tenantId, customer.customerId)).then(creditsInFavour),
    // The company's own words as of the message: an override accepted since the last message applies.
    beside ? beside.overrides : deps.wording ? deps.wording.current(req.invoice.tenantId) : [],
  ]);
  const render = (others: CarriedLine[]) =>
    renderMessage({
      kind: others.length === carried.length ? kind : firmestKind<VoiceKind>([req.kind, ...others.map((c) => c.kind)]),
      tone: decision.tone,
      language: decision.language,
      tenant: req.tenant,
      customer,
      lines: [ownLine, ...others.map((c) => c.line), ...listed],
      now,
      ...(req.facts ? { facts: req.facts } : {}),
      ...(credits.length > 0 ? { credits } : {}),
      ...(overrides.length > 0 ? { overrides } : {}),
      ...(deps.qr ? { paymentQrSrc: `cid:${PAYMENT_QR_CID}` } : {}),
    });
  let rendered = render(carried);
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
    guardKey,
    ...(fallback ? { fallback: 'sms' } : {}),
    currency: req.invoice.currency,
    amountDue: ownLine.amountDue,
    daysLate: ownLine.daysLate,
    ...(ownLine.interest !== undefined ? { interest: ownLine.interest, compensation: ownLine.compensation } : {}),
    ...(signed ? { linkNonce: signed.nonce } : {}),
    ...(kind !== req.kind ? { spokeAs: kind } : {}),
    ...(carried.length > 0 ? { coversInvoices: carried.map((c) => c.invoice.invoiceId) } : {}),
    ...(listed.length > 0 ? { mentionsInvoices: listed.map((l) => l.invoice.invoiceId) } : {}),
  };
  const tags = { tenant: req.invoice.tenantId, invoice: req.invoice.invoiceId, stage: req.kind };
  /** The contact as each carried invoice logs it: its own kind and amounts, pointing at this invoice's message. */
  const companionEvents = (channel: MessageChannel, to: string): ContactEvent[] =>
    carried.map((c) =>
      contactEvent({
        ...base,
        invoiceId: c.invoice.invoiceId,
        stage: c.kind,
        channel,
        to,
        outcome: 'pending',
        details: { guardKey: c.guardKey, currency: c.invoice.currency, amountDue: c.line.amountDue, daysLate: c.line.daysLate, sentWith: req.invoice.invoiceId, ...(c.linkNonce ? { linkNonce: c.linkNonce } : {}) },
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
      // Read at send time: the text is rendered again if a carried invoice dropped out at the claim.
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

  // 5. The claim
  const store = deps.sendGuard;
  const contacts = deliveries.map((d) => ({ at: now.toISOString(), channel: d.channel, kind }));
  const claim = await store.claimSend({
    tenantId: req.invoice.tenantId,
    invoiceId: req.invoice.invoiceId,
    revision: req.revision,
    run: req.run,
    requiredStatus: req.requiredStatus,
    guardKey,
    events: [...deliveries.map((d) => d.event), ...unreachable],
    ...(deliveries.length === 0
      ? {}
      : {
          contactRecord: deps.customers.contactRecordWrite(customer.tenantId, customer.customerId, customer.contactsVersion, rememberContacts(customer.recentContacts, contacts, now)),
          contactsAdded: { customerId: customer.customerId, added: contacts },
        }),
    companions: carried.map((c, i) => ({
      invoiceId: c.invoice.invoiceId,
      revision: c.invoice.revision,
      run: c.invoice.run,
      guardKey: c.guardKey,
      requiredStatus: c.requiredStatus,
      events: deliveries.map((d) => d.companionEvents[i]!),
    })),
  });
  if (claim.outcome === 'alreadyDone') {
    logger.info('message already claimed: not sent again', ids);
    return { outcome: 'alreadyDone', channels: [] };
  }

  const kept = new Set(claim.lease.companions.map((c) => c.invoiceId));
  const keptLines = carried.filter((c) => kept.has(c.invoice.invoiceId));
  if (kept.size < carried.length) {
    // A carried invoice was paid, answered or reminded meanwhile: it stays out of this message.
    logger.info('carried invoices dropped at the claim', { ...ids, dropped: carried.length - kept.size });
    const before = rendered.paymentQr;
    rendered = render(keptLines);
    if (decision.email && rendered.paymentQr !== before) qrImage = await paymentQrImage(deps, rendered.paymentQr);
  }
  // 6. The sends; on the Task's last attempt, an e-mail SES keeps refusing for its rate waits for a
  // later moment (its claim was given back before the error left deliver)
  let results: SendResult[];
  try {
    results = await deliver(deps, claim.lease, deliveries);
  } catch (err) {
    if (!(req.lastAttempt && err instanceof SendingRateExceededError)) throw err;
    const later = rateDeferral({ now: deps.clock.now(), key: spreadKey(req.invoice), ctx: sendContext(customer, req.policy, req.tenant.closures), spread: deps.sendSpread, daily: err.daily });
    count('SendsDeferredForRate');
    logger.warn('message deferred: SES refused it for the sending rate on the last attempt', { ...ids, until: later.until.toISOString(), error: err.message });
    return { outcome: 'deferred', channels: [], until: later.until.toISOString(), reason: later.reason };
  }
  // Each carried invoice's log entry completes like this invoice's own: same outcome, same message id.
  const companionResults = results.flatMap((r, i) =>
    deliveries[i]!.companionEvents.filter((e) => kept.has(e.invoiceId)).map((e) => ({ ...r, eventId: e.eventId })),
  );
  await store.completeSend(claim.lease, [...results, ...companionResults], turn.lease);
  turn.givenBack = true;
  if (kept.size > 0) count('InvoicesConsolidated', kept.size);

  const channels: ChannelOutcome[] = [
    ...results.map((r, i) => ({ channel: deliveries[i]!.channel, outcome: r.outcome === 'sent' ? ('sent' as const) : ('failed' as const), ...(r.messageId ? { messageId: r.messageId } : {}) })),
    ...decision.unreachable.map((u) => ({ channel: u.channel, outcome: 'skipped' as const })),
  ];
  for (const c of channels) if (c.outcome === 'sent') count(c.channel === 'email' ? 'EmailsSent' : 'SmsSent');
  if (results.some((r) => r.outcome === 'failed')) count('MessagesFailed');
  const outcome = deliveries.length === 0 ? 'unreachable' : results.some((r) => r.outcome === 'sent') ? 'sent' : 'failed';
  logger.info('message done', { ...ids, outcome, spokeAs: kind, carried: kept.size, channels: channels.map((c) => `${c.channel}:${c.outcome}`) });
  if (fallback) return waitForContact(outcome === 'sent');
  return {
    outcome,
    channels,
    spokeAs: kept.size === carried.length ? kind : firmestKind<VoiceKind>([req.kind, ...keptLines.map((c) => c.kind)]),
    carried: keptLines.map((c) => ({ invoiceId: c.invoice.invoiceId, kind: c.kind, guardKey: c.guardKey })),
  };
};

/**
 * The customer's contact limits (domain/contact-limits.ts) applied to a message: when its main
 * channel may not be used now, the message waits until it may (the caller defers it); an SMS
 * beside the e-mail that may not go is left out, with why.
 */
const withinContactLimits = (
  customer: Customer,
  policy: Policy,
  companyClosures: readonly Closure[],
  d: ReminderDecision,
  now: Date,
  counted: boolean,
): { decision: ReminderDecision } | { until: string; reason: string } => {
  const main: LimitedChannel | undefined = d.email ? 'email' : d.sms ? 'sms' : undefined;
  if (!main) return { decision: d };
  const verdict = (channel: LimitedChannel) => channelVerdict({ channel, recent: customer.recentContacts, policy, customer, companyClosures, now, counted });
  const first = verdict(main);
  if (!first.allowed && 'never' in first) {
    const { [main]: _none, ...rest } = d;
    return { decision: { ...rest, unreachable: [...d.unreachable, { channel: main, reason: first.reason }] } };
  }
  if (!first.allowed) return { until: first.notBefore.toISOString(), reason: first.reason };
  if (main === 'email' && d.sms) {
    const sms = verdict('sms');
    if (!sms.allowed) {
      const { sms: _left, ...rest } = d;
      return { decision: { ...rest, unreachable: [...d.unreachable, { channel: 'sms', reason: `SMS left out: ${sms.reason}` }] } };
    }
  }
  return { decision: d };
};

/** The Content-ID the e-mail's HTML shows the payment QR code by (an inline image: Gmail and Outlook show no data: images). */
const PAYMENT_QR_CID = 'payment-qr';

const paymentQrImage = async (deps: MessagingDeps, payload: string | undefined): Promise<NonNullable<OutgoingEmail['attachments']>> =>
  payload && deps.qr ? [{ filename: 'sepa-qr.png', contentType: 'image/png', content: await deps.qr.png(payload), contentId: PAYMENT_QR_CID }] : [];

/** Counted for every account-level refusal (SES sending paused, account suspended, sandbox): alarmed in infra/constructs/alarms.ts. */
export { ACCOUNT_REFUSAL_METRIC };

/**
 * Sends each channel in turn while the lease covers the call. Before anything has left, a
 * transient failure (or a lease too short for the call) gives the claim back and rethrows, so
 * the state machine's retry sends it. An account-level refusal (Sollecito.SenderBlocked) does the
 * same: the message did not leave for a reason that is ours, so the stage is not used up and the
 * state machine retries it much later. After something has left, a failure is recorded instead:
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
      if (e instanceof SenderBlockedError) {
        deps.count(ACCOUNT_REFUSAL_METRIC);
        deps.logger.error('message refused for the sending account: nothing left, the stage waits', { guardKey: lease.guardKey, invoiceId: lease.invoiceId, channel: d.channel, error: e.message });
        if (nothingLeftYet) await giveBack(`${d.channel} refused for the sending account, not the recipient: ${e.message}`, e);
      }
      if (e instanceof TransientError && nothingLeftYet) await giveBack(`${d.channel}: ${e.message}`, e);
      if (!(e instanceof TransientError) && !(e instanceof SendOutcomeUnknownError) && !(e instanceof SenderBlockedError)) {
        deps.logger.warn('message rejected by the provider', { guardKey: lease.guardKey, invoiceId: lease.invoiceId, channel: d.channel, error: e.name });
      }
      results.push({ eventId: d.event.eventId, outcome: 'failed', error: e.name });
    }
  }
  return results;
};
