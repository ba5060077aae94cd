/**
 * Delivery feedback into the contact log (issue 6). One function, two triggers:
 * - an EventBridge rule on the default bus for SES configuration-set events
 *   (source aws.ses; Email Delivered, Email Bounced, Email Complaint Received, Email Delivery
 *   Delayed, Email Rejected);
 * - an SNS topic that receives End User Messaging SMS delivery events (configuration set event
 *   destination) and inbound two-way SMS (STOP and replies).
 * Every effect is idempotent (log entries keyed by the provider's event, customer changes
 * conditioned on its version, one open fix-the-contact task per customer), so a redelivered event
 * changes nothing; a failure is thrown for the trigger's own retry.
 * Config: TENANT_ID, TABLE_NAME.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent, SNSEvent } from 'aws-lambda';
import type { CommandContext, CustomerDecision } from '../domain/commands/commands.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import {
  deliveryEvent,
  emailProblem,
  parseInboundSms,
  parseSesEvent,
  parseSmsStatus,
  smsOptOut,
  type EmailFeedback,
  type Feedback,
  type InboundSms,
  type SmsStatusFeedback,
} from '../domain/messages/delivery.js';
import type { Customer, Invoice } from '../domain/model.js';
import { fixContactTask } from '../domain/commands/tasks.js';
import { clock } from '../adapters/clock.js';
import { DynamoCommands } from '../adapters/dynamo-commands.js';
import type { Workflow } from '../app/ports/workflow.js';
import { keys } from '../adapters/dynamo/keys.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

const tenantId = process.env.TENANT_ID;
if (!tenantId) throw new Error('TENANT_ID is not set');

/** Customer commands never touch an execution: nothing here may start or stop one. */
const noWorkflow: Workflow = {
  start: () => Promise.reject(new Error('delivery-events starts no execution')),
  stop: () => Promise.reject(new Error('delivery-events stops no execution')),
};

const table = deps.table();
const invoices = deps.invoices();
const customers = deps.customers();
const commands = new DynamoCommands(noWorkflow, table);
const tasks = deps.tasks();
const SMS_REF_TTL_SECONDS = 120 * 86_400;

type Input = EventBridgeEvent<string, unknown> | SNSEvent;

/** Every feedback record an invocation carries, whatever the trigger. */
export const feedbackOf = (event: Input, now: Date): Feedback[] => {
  if ('Records' in event) {
    return event.Records.flatMap((r) => {
      let body: unknown;
      try {
        body = JSON.parse(r.Sns.Message);
      } catch {
        logger.warn('SNS message is not JSON', { messageId: r.Sns.MessageId });
        return [];
      }
      const f = parseInboundSms(body) ?? parseSmsStatus(body, now) ?? parseSesEvent(body, now);
      return f ? [f] : [];
    });
  }
  if (event.source === 'aws.ses') {
    const f = parseSesEvent(event.detail, now);
    return f ? [f] : [];
  }
  if (event.source === 'aws.sms-voice') {
    const f = parseSmsStatus(event.detail, now);
    return f ? [f] : [];
  }
  return [];
};

const context = (): CommandContext => ({ actor: 'system', channel: 'system', now: clock.now(), timeZone: 'UTC' });

/** Appends a log entry once: a redelivered event finds its entry written. */
const appendOnce = async (e: Parameters<typeof invoices.appendEvent>[0]): Promise<boolean> => {
  try {
    await invoices.appendEvent(e);
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
};

const applyToCustomer = async (customerId: string, decide: (c: Customer) => CustomerDecision | undefined): Promise<boolean> => {
  let changed = false;
  await commands.onCustomer(tenantId, customerId, (c) => {
    const d = decide(c);
    changed = d !== undefined;
    return d ?? { customer: c, events: [], becameReachable: false };
  });
  return changed;
};

/** The invoice the message was about, from our tags; undefined for mail that is not ours or not about an invoice. */
const invoiceOf = async (tags: Record<string, string | undefined>): Promise<Invoice | undefined> => {
  if (tags.tenant !== tenantId || !tags.invoice) return undefined;
  return invoices.getInvoice(tenantId, tags.invoice);
};

const onEmail = async (f: EmailFeedback): Promise<void> => {
  const invoice = await invoiceOf(f.tags);
  if (!invoice) {
    logger.debug('e-mail event for no invoice of ours', { messageId: f.messageId });
    return;
  }
  const ids = { invoiceId: invoice.invoiceId, messageId: f.messageId, outcome: f.outcome };
  if (await appendOnce(deliveryEvent(f, tenantId, invoice.invoiceId))) count(`Email${f.outcome[0]!.toUpperCase()}${f.outcome.slice(1)}`);
  if (f.outcome !== 'complained' && !(f.outcome === 'bounced' && f.permanent)) return;

  const customer = await customers.getCustomer(tenantId, invoice.customerId);
  // Only the customer's own address: a bounce of the finance team's notification changes nothing.
  if (!customer?.email || !f.recipients.some((r) => r.toLowerCase() === customer.email!.toLowerCase())) {
    logger.info('e-mail problem not about the customer address', ids);
    return;
  }
  const changed = await applyToCustomer(customer.customerId, (c) => emailProblem(c, f, context()));
  const opened = await tasks.open(
    fixContactTask({
      tenantId,
      customerId: customer.customerId,
      invoiceId: invoice.invoiceId,
      channel: 'email',
      address: customer.email,
      reason: f.outcome === 'complained' ? `complaint${f.reason ? ` (${f.reason})` : ''}` : `hard bounce${f.reason ? ` (${f.reason})` : ''}`,
      at: f.at,
    }),
  );
  if (opened) count('FixContactTasks');
  logger.info('customer e-mail stopped', { ...ids, customerChanged: changed, taskOpened: opened });
};

const onSmsStatus = async (f: SmsStatusFeedback): Promise<void> => {
  const invoice = await invoiceOf(f.tags);
  if (!invoice) {
    logger.debug('SMS event for no invoice of ours', { messageId: f.messageId });
    return;
  }
  await appendOnce(deliveryEvent(f, tenantId, invoice.invoiceId));
  // What a STOP or a reply to this SMS will refer to.
  await table.doc.send(
    new PutCommand({
      TableName: table.name,
      Item: {
        ...keys.smsMessage(tenantId, f.messageId),
        entity: 'smsMessage',
        tenantId,
        invoiceId: invoice.invoiceId,
        customerId: invoice.customerId,
        ...(f.to ? { to: f.to } : {}),
        ttl: Math.floor(clock.now().getTime() / 1000) + SMS_REF_TTL_SECONDS,
      },
    }),
  );
  if (f.invalidNumber) {
    const customer = await customers.getCustomer(tenantId, invoice.customerId);
    if (customer?.phone && (!f.to || f.to === customer.phone)) {
      const opened = await tasks.open(
        fixContactTask({ tenantId, customerId: customer.customerId, invoiceId: invoice.invoiceId, channel: 'sms', address: customer.phone, reason: `SMS ${f.status.toLowerCase()}`, at: f.at }),
      );
      if (opened) count('FixContactTasks');
    }
  }
  logger.info('SMS status recorded', { invoiceId: invoice.invoiceId, messageId: f.messageId, outcome: f.outcome });
};

const onInbound = async (f: InboundSms): Promise<void> => {
  const ref = f.inReplyTo
    ? (await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.smsMessage(tenantId, f.inReplyTo), ConsistentRead: true }))).Item
    : undefined;
  if (!ref) {
    // End User Messaging's own opt-out list already refuses further SMS to this number.
    logger.warn('inbound SMS matches no message of ours', { optOut: f.optOut });
    count('InboundSmsUnmatched');
    return;
  }
  const invoiceId = String(ref.invoiceId);
  const customerId = String(ref.customerId);
  const now = clock.now().toISOString();
  if (f.optOut) {
    const changed = await applyToCustomer(customerId, (c) => smsOptOut(c, f.from, context()));
    await appendOnce(
      contactEvent({ eventId: f.eventKey, tenantId, invoiceId, at: now, type: 'opt_out', channel: 'sms', actor: 'customer', outcome: 'recorded', details: { customerId, changed } }),
    );
    count('SmsOptOuts');
    logger.info('SMS opt-out', { invoiceId, customerChanged: changed });
    return;
  }
  // Any other reply is something the customer wrote: the finance team reads it in the log.
  await appendOnce(
    contactEvent({ eventId: f.eventKey, tenantId, invoiceId, at: now, type: 'note', channel: 'sms', actor: 'customer', outcome: 'recorded', details: { text: f.body.slice(0, 1600), inbound: true } }),
  );
  logger.info('SMS reply recorded', { invoiceId });
};

export const run = async (event: Input): Promise<{ processed: number }> => {
  const items = feedbackOf(event, clock.now());
  // One at a time: a customer's bounce and its delivery records for the same message stay in order.
  for (const f of items) {
    if (f.channel === 'email') await onEmail(f);
    else if (f.channel === 'sms') await onSmsStatus(f);
    else await onInbound(f);
  }
  return { processed: items.length };
};

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
