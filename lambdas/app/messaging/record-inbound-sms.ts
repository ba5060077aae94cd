/**
 * An SMS the customer sent us:
 * 1. Trace it to the SMS it answers (and so to its invoice); an untraceable one is only counted
 *    (End User Messaging's own opt-out list already refuses further SMS to a number that sent STOP).
 * 2. A STOP opts the customer's number out, logged on the invoice.
 * 3. Any other reply is something the customer wrote: logged for the finance team to read.
 */
import { smsOptOut, type InboundSms } from '../../domain/messages/delivery.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { changeCustomer, systemContext, type DeliveryFeedbackDeps } from './delivery-feedback-deps.js';

/** The longest reply text kept in the log. */
const MAX_REPLY_CHARS = 1600;

export const recordInboundSms = async (deps: DeliveryFeedbackDeps, f: InboundSms): Promise<void> => {
  const { tenantId } = deps;
  // 1. The SMS it answers
  const sms = f.inReplyTo ? await deps.smsMessages.find(tenantId, f.inReplyTo) : undefined;
  if (!sms) {
    deps.logger.warn('inbound SMS matches no message of ours', { optOut: f.optOut });
    deps.count('InboundSmsUnmatched');
    return;
  }
  const { invoiceId, customerId } = sms;
  const now = deps.now();
  const entry = { eventId: f.eventKey, tenantId, invoiceId, at: now.toISOString(), channel: 'sms', actor: 'customer', outcome: 'recorded' } as const;

  // 2. STOP
  if (f.optOut) {
    const changed = await changeCustomer(deps, customerId, (c) => smsOptOut(c, f.from, systemContext(now)));
    await deps.invoices.appendEventIfNew(contactEvent({ ...entry, type: 'opt_out', details: { customerId, changed } }));
    deps.count('SmsOptOuts');
    deps.logger.info('SMS opt-out', { invoiceId, customerChanged: changed });
    return;
  }

  // 3. A reply
  await deps.invoices.appendEventIfNew(contactEvent({ ...entry, type: 'note', details: { text: f.body.slice(0, MAX_REPLY_CHARS), inbound: true } }));
  deps.logger.info('SMS reply recorded', { invoiceId });
};
