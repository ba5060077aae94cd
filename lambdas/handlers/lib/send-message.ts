/**
 * One customer message through the send guard: decide the channels (domain/reminder.ts), render,
 * claim, send by e-mail and SMS, complete. Shared by every handler that writes to a customer.
 */
import type { Customer, Invoice, InvoiceStatus, Policy, Tenant } from '../../domain/model.js';
import { contactEvent } from '../../domain/events.js';
import { decideReminder, type ReminderKind, type MessageChannel } from '../../domain/reminder.js';
import { renderMessage } from '../../domain/rendering/render.js';
import type { CustomerLinks, RenderInput } from '../../domain/rendering/types.js';
import type { ContactEvent } from '../../domain/model.js';
import type { OutgoingEmail } from '../../adapters/ports.js';
import { leaseAllows, type SendLease, type SendResult } from '../../adapters/dynamo-guard.js';
import { SendOutcomeUnknownError, TransientError } from '../../adapters/workflow-errors.js';
import { clock } from '../../adapters/clock.js';
import { deps } from './deps.js';
import { count, logger } from './powertools.js';

export interface MessageRequest {
  invoice: Invoice;
  customer: Customer;
  tenant: Tenant;
  policy: Policy;
  kind: ReminderKind;
  /** dynamo-guard key: the stage id, or a one-off key from guardKeyFor(). */
  guardKey: string;
  /** The invoice status the message needs at the moment it leaves ('open', or 'paid' for the thank-you). */
  requiredStatus: InvoiceStatus;
  /** The execution's revision and run (the stream's, for the thank-you). */
  revision: number;
  run: number;
  facts?: RenderInput['facts'];
  links?: CustomerLinks;
  attachments?: OutgoingEmail['attachments'];
}

export interface ChannelOutcome {
  channel: MessageChannel;
  outcome: 'sent' | 'failed' | 'skipped';
  messageId?: string;
}

export interface MessageOutcome {
  /** sent: at least one channel delivered to the provider; unreachable: no channel could be used. */
  outcome: 'sent' | 'failed' | 'unreachable' | 'alreadyDone';
  channels: ChannelOutcome[];
}

interface Delivery {
  channel: MessageChannel;
  event: ContactEvent;
  deadlineMs: number;
  send: () => Promise<{ messageId: string }>;
}

export const sendGuardedMessage = async (req: MessageRequest): Promise<MessageOutcome> => {
  const now = clock.now();
  const decision = decideReminder({ invoice: req.invoice, customer: req.customer, tenant: req.tenant, policy: req.policy, kind: req.kind, now });
  const rendered = renderMessage({
    kind: req.kind,
    tone: decision.tone,
    language: decision.language,
    tenant: req.tenant,
    customer: req.customer,
    lines: [{ ...decision.line, ...(req.links ? { links: req.links } : {}) }],
    now,
    ...(req.facts ? { facts: req.facts } : {}),
  });

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
    amountDue: decision.line.amountDue,
    daysLate: decision.line.daysLate,
    ...(decision.line.interest !== undefined ? { interest: decision.line.interest, compensation: decision.line.compensation } : {}),
  };
  const tags = { tenant: req.invoice.tenantId, invoice: req.invoice.invoiceId, stage: req.kind };

  const deliveries: Delivery[] = [];
  if (decision.email) {
    const mail: OutgoingEmail = {
      from: deps.sender(),
      to: [decision.email.to],
      replyTo: req.tenant.email,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      tags,
      ...(req.attachments?.length ? { attachments: req.attachments } : {}),
    };
    const mailer = deps.mailer();
    deliveries.push({
      channel: 'email',
      event: contactEvent({ ...base, channel: 'email', to: decision.email.to, outcome: 'pending', details: { ...amounts } }),
      deadlineMs: mailer.deadlineMs,
      send: () => mailer.send(mail),
    });
  }
  if (decision.sms && rendered.sms) {
    const sms = deps.sms();
    const to = decision.sms.to;
    deliveries.push({
      channel: 'sms',
      event: contactEvent({ ...base, channel: 'sms', to, outcome: 'pending', details: { ...amounts } }),
      deadlineMs: sms.deadlineMs,
      send: () => sms.send({ to, body: rendered.sms, tags }),
    });
  }
  const unreachable = decision.unreachable.map((u) =>
    contactEvent({ ...base, channel: u.channel, outcome: 'skipped', details: { ...amounts, reason: u.reason } }),
  );

  const store = deps.store();
  const claim = await store.claimSend({
    tenantId: req.invoice.tenantId,
    invoiceId: req.invoice.invoiceId,
    revision: req.revision,
    run: req.run,
    requiredStatus: req.requiredStatus,
    guardKey: req.guardKey,
    events: [...deliveries.map((d) => d.event), ...unreachable],
  });
  const ids = { tenantId: req.invoice.tenantId, invoiceId: req.invoice.invoiceId, guardKey: req.guardKey };
  if (claim.outcome === 'alreadyDone') {
    logger.info('message already claimed: not sent again', ids);
    return { outcome: 'alreadyDone', channels: [] };
  }

  const results = await deliver(claim.lease, deliveries);
  await store.completeSend(claim.lease, results);

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
 * Sends each channel in turn while the lease covers the call. Before anything has left, a
 * transient failure (or a lease too short for the call) gives the claim back and rethrows, so
 * the state machine's retry sends it. After something has left, a failure is recorded instead:
 * the claim stays, and nothing is ever sent twice.
 */
const deliver = async (lease: SendLease, deliveries: Delivery[]): Promise<SendResult[]> => {
  const results: SendResult[] = [];
  const giveBack = async (reason: string, err: Error) => {
    await deps.store().releaseSend(lease, reason);
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
        logger.warn('message rejected by the provider', { guardKey: lease.guardKey, invoiceId: lease.invoiceId, channel: d.channel, error: e.name });
      }
      results.push({ eventId: d.event.eventId, outcome: 'failed', error: e.name });
    }
  }
  return results;
};
