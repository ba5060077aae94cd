/**
 * Delivery feedback, read from what the providers send and turned into what it means for the
 * contact log and the customer (issue 6):
 * - SES v2 configuration-set events, through the EventBridge default bus (source aws.ses):
 *   delivery, bounce, complaint, delivery delay, reject. Our message tags (tenant, invoice, stage,
 *   audience) come back in mail.tags.
 * - AWS End User Messaging SMS delivery status, through the configuration set's SNS event
 *   destination (the record carries the send's Context: tenant, invoice, stage).
 * - Inbound SMS (two-way, SNS): STOP and its synonyms opt the number out.
 * A hard bounce marks the customer's address bounced (no more e-mail) and asks the finance team
 * to fix the contact; a complaint marks it complained (no more e-mail to that address). Pure.
 */
import { createHash } from 'node:crypto';
import { actorOf, type CommandContext, type CustomerDecision } from '../commands/commands.js';
import { contactEvent } from '../shared/contact-event.js';
import type { ContactEvent, Customer } from '../model.js';

type Tags = Record<string, string | undefined>;

export interface EmailFeedback {
  channel: 'email';
  /** Stable per provider event: the contact-log entry id, so a redelivered event is written once. */
  eventKey: string;
  at: string;
  messageId: string;
  tags: Tags;
  recipients: string[];
  outcome: 'delivered' | 'bounced' | 'complained' | 'failed';
  /** A hard bounce: the address does not work. */
  permanent: boolean;
  /** The provider's words (bounce type and sub-type, diagnostic code, complaint type); no personal data. */
  reason?: string;
}

export interface SmsStatusFeedback {
  channel: 'sms';
  eventKey: string;
  at: string;
  messageId: string;
  tags: Tags;
  to?: string;
  outcome: 'delivered' | 'sent' | 'failed';
  status: string;
  /** The number cannot take messages at all (invalid, not a mobile): the contact needs fixing. */
  invalidNumber: boolean;
}

export interface InboundSms {
  channel: 'sms-inbound';
  eventKey: string;
  from: string;
  to: string;
  body: string;
  /** The id of our message the customer answered, when the provider knows it. */
  inReplyTo?: string;
  optOut: boolean;
}

export type Feedback = EmailFeedback | SmsStatusFeedback | InboundSms;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const key = (...parts: (string | undefined)[]): string => createHash('sha256').update(parts.map((p) => p ?? '').join('\u0000')).digest('base64url').slice(0, 32);

/** SES puts each tag as a list of values: the first one is ours. */
const sesTags = (raw: unknown): Tags => {
  if (!isObj(raw)) return {};
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? str(v[0]) : str(v)]));
};

/**
 * One SES event record (the `detail` of an EventBridge event from aws.ses, or an SNS message of
 * the same shape); undefined for event types that change nothing here (send, open, click…).
 */
export const parseSesEvent = (detail: unknown, now: Date): EmailFeedback | undefined => {
  if (!isObj(detail) || !isObj(detail.mail)) return undefined;
  const type = str(detail.eventType) ?? str(detail.notificationType);
  const mail = detail.mail;
  const messageId = str(mail.messageId);
  if (!type || !messageId) return undefined;
  const tags = sesTags(mail.tags);
  const base = { channel: 'email' as const, messageId, tags };
  switch (type) {
    case 'Delivery': {
      const d = isObj(detail.delivery) ? detail.delivery : {};
      const recipients = Array.isArray(d.recipients) ? d.recipients.filter((r): r is string => typeof r === 'string') : [];
      return { ...base, eventKey: key('ses', type, messageId), at: str(d.timestamp) ?? str(mail.timestamp) ?? now.toISOString(), recipients, outcome: 'delivered', permanent: false };
    }
    case 'Bounce': {
      const b = isObj(detail.bounce) ? detail.bounce : {};
      const recipients = (Array.isArray(b.bouncedRecipients) ? b.bouncedRecipients : []).map((r) => (isObj(r) ? str(r.emailAddress) : undefined)).filter((r): r is string => !!r);
      const permanent = b.bounceType === 'Permanent';
      const reason = [str(b.bounceType), str(b.bounceSubType)].filter(Boolean).join('/');
      return {
        ...base,
        eventKey: key('ses', type, messageId, str(b.feedbackId)),
        at: str(b.timestamp) ?? str(mail.timestamp) ?? now.toISOString(),
        recipients,
        outcome: permanent ? 'bounced' : 'failed',
        permanent,
        ...(reason ? { reason } : {}),
      };
    }
    case 'Complaint': {
      const c = isObj(detail.complaint) ? detail.complaint : {};
      const recipients = (Array.isArray(c.complainedRecipients) ? c.complainedRecipients : []).map((r) => (isObj(r) ? str(r.emailAddress) : undefined)).filter((r): r is string => !!r);
      const reason = str(c.complaintFeedbackType);
      return {
        ...base,
        eventKey: key('ses', type, messageId, str(c.feedbackId)),
        at: str(c.timestamp) ?? str(mail.timestamp) ?? now.toISOString(),
        recipients,
        outcome: 'complained',
        permanent: false,
        ...(reason ? { reason } : {}),
      };
    }
    case 'DeliveryDelay':
    case 'Reject':
    case 'Rendering Failure': {
      const d = isObj(detail.deliveryDelay) ? detail.deliveryDelay : isObj(detail.reject) ? detail.reject : {};
      const reason = `${type}${str(d.delayType) ? `/${str(d.delayType)}` : str(d.reason) ? `/${str(d.reason)}` : ''}`;
      const recipients = Array.isArray(mail.destination) ? mail.destination.filter((r): r is string => typeof r === 'string') : [];
      return { ...base, eventKey: key('ses', type, messageId, str(d.timestamp)), at: str(d.timestamp) ?? str(mail.timestamp) ?? now.toISOString(), recipients, outcome: 'failed', permanent: false, reason };
    }
    default:
      return undefined;
  }
};

const SMS_DELIVERED = new Set(['DELIVERED']);
const SMS_SENT = new Set(['SUCCESSFUL']);
const SMS_INVALID = new Set(['INVALID', 'INVALID_MESSAGE', 'UNREACHABLE']);

/** One End User Messaging SMS event record; undefined for intermediate states (queued, pending). */
export const parseSmsStatus = (record: unknown, now: Date): SmsStatusFeedback | undefined => {
  if (!isObj(record)) return undefined;
  const eventType = str(record.eventType);
  const messageId = str(record.messageId);
  if (!eventType?.startsWith('TEXT_') || !messageId) return undefined;
  const status = str(record.messageStatus) ?? eventType.slice('TEXT_'.length);
  const final = record.isFinal !== false;
  let outcome: SmsStatusFeedback['outcome'];
  if (SMS_DELIVERED.has(status)) outcome = 'delivered';
  else if (SMS_SENT.has(status)) outcome = 'sent';
  else if (['QUEUED', 'PENDING'].includes(status) || !final) return undefined;
  else outcome = 'failed';
  const ts = typeof record.eventTimestamp === 'number' ? new Date(record.eventTimestamp).toISOString() : now.toISOString();
  const context = isObj(record.context) ? record.context : {};
  const to = str(record.destinationPhoneNumber);
  return {
    channel: 'sms',
    eventKey: key('sms', messageId, status),
    at: ts,
    messageId,
    tags: Object.fromEntries(Object.entries(context).map(([k, v]) => [k, str(v)])),
    ...(to ? { to } : {}),
    outcome,
    status,
    invalidNumber: SMS_INVALID.has(status),
  };
};

/** The words that opt a number out (carrier conventions in English, Italian and Romanian). */
export const OPT_OUT_WORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'OPTOUT', 'OPT-OUT', 'REVOKE', 'ANNULLA', 'DISISCRIVI', 'DEZABONARE'] as const;

export const isOptOut = (body: string): boolean => {
  const first = body.trim().toUpperCase().split(/\s+/)[0] ?? '';
  return (OPT_OUT_WORDS as readonly string[]).includes(first.replace(/[.!]+$/, ''));
};

/** One two-way SMS payload (SNS). */
export const parseInboundSms = (record: unknown): InboundSms | undefined => {
  if (!isObj(record)) return undefined;
  const from = str(record.originationNumber);
  const to = str(record.destinationNumber);
  const body = typeof record.messageBody === 'string' ? record.messageBody : undefined;
  if (!from || !to || body === undefined) return undefined;
  const inReplyTo = str(record.previousPublishedMessageId);
  return {
    channel: 'sms-inbound',
    eventKey: key('inbound', str(record.inboundMessageId) ?? `${from}|${body}`),
    from,
    to,
    body,
    ...(inReplyTo ? { inReplyTo } : {}),
    optOut: isOptOut(body),
  };
};

/** The contact-log entry of an e-mail or SMS status, on the invoice its tags name. */
export const deliveryEvent = (f: EmailFeedback | SmsStatusFeedback, tenantId: string, invoiceId: string): ContactEvent =>
  contactEvent({
    eventId: f.eventKey,
    tenantId,
    invoiceId,
    at: f.at,
    type: 'delivery',
    channel: f.channel,
    actor: 'system',
    messageId: f.messageId.slice(0, 200),
    ...(f.channel === 'email' ? { to: f.recipients.join(', ').slice(0, 320) } : f.to ? { to: f.to } : {}),
    outcome: f.outcome,
    ...(f.tags.stage ? { stage: f.tags.stage as ContactEvent['stage'] } : {}),
    details: f.channel === 'email' ? { ...(f.reason ? { reason: f.reason } : {}), ...(f.permanent ? { permanent: true } : {}) } : { status: f.status },
  });

const same = (a: string | undefined, b: string | undefined) => !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * What an e-mail problem does to the customer: a hard bounce or a complaint about the customer's
 * own address stops e-mail to it. Addresses that are not the customer's (the finance team's own
 * notifications) change nothing. Undefined when nothing changes.
 */
export const emailProblem = (customer: Customer, f: EmailFeedback, ctx: CommandContext): CustomerDecision | undefined => {
  const status = f.outcome === 'complained' ? 'complained' : f.outcome === 'bounced' && f.permanent ? 'bounced' : undefined;
  if (!status || !f.recipients.some((r) => same(r, customer.email))) return undefined;
  if (customer.emailStatus === status) return undefined;
  return {
    customer: { ...customer, emailStatus: status, version: customer.version + 1 },
    events: [
      contactEvent({
        tenantId: customer.tenantId,
        invoiceId: '',
        at: ctx.now.toISOString(),
        type: 'customer_updated',
        channel: 'email',
        ...actorOf(ctx),
        outcome: 'recorded',
        details: { customerId: customer.customerId, fields: ['emailStatus'], emailStatus: status, messageId: f.messageId, ...(f.reason ? { reason: f.reason } : {}) },
      }),
    ],
    becameReachable: false,
  };
};

/** STOP from the customer's own number: no more SMS. Undefined when the number is not theirs or already opted out. */
export const smsOptOut = (customer: Customer, from: string, ctx: CommandContext): CustomerDecision | undefined => {
  if (customer.phone !== from || customer.smsOptOut) return undefined;
  return {
    customer: { ...customer, smsOptOut: true, version: customer.version + 1 },
    events: [
      contactEvent({
        tenantId: customer.tenantId,
        invoiceId: '',
        at: ctx.now.toISOString(),
        type: 'opt_out',
        channel: 'sms',
        actor: 'customer',
        outcome: 'recorded',
        details: { customerId: customer.customerId },
      }),
    ],
    becameReachable: false,
  };
};
