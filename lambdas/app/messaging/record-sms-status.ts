/**
 * An SMS delivery status:
 * 1. Find the invoice the SMS was about (our tags); an SMS not about an invoice of ours is left.
 * 2. Log the status on the invoice, once however often it is delivered.
 * 3. Remember the SMS, so a STOP or a reply to it can be traced to the invoice.
 * 4. A number that cannot take SMS, when it is the customer's: ask the finance team to fix it.
 */
import { fixContactTask } from '../../domain/commands/tasks.js';
import { deliveryEvent, type SmsStatusFeedback } from '../../domain/messages/delivery.js';
import { customerPhoneFailing, smsTracedUntil } from '../../domain/messages/feedback-rules.js';
import { taggedInvoice, type DeliveryFeedbackDeps } from './delivery-feedback-deps.js';

export const recordSmsStatus = async (deps: DeliveryFeedbackDeps, f: SmsStatusFeedback): Promise<void> => {
  const { tenantId } = deps;
  // 1. The invoice
  const invoice = await taggedInvoice(deps, f.tags);
  if (!invoice) {
    deps.logger.debug('SMS event for no invoice of ours', { messageId: f.messageId });
    return;
  }

  // 2. Logged once
  await deps.invoices.appendEventIfNew(deliveryEvent(f, tenantId, invoice.invoiceId));

  // 3. What a reply will refer to
  await deps.smsMessages.remember(
    { tenantId, messageId: f.messageId, invoiceId: invoice.invoiceId, customerId: invoice.customerId, ...(f.to ? { to: f.to } : {}) },
    smsTracedUntil(deps.now()),
  );

  // 4. A number to fix
  if (f.invalidNumber) {
    const customer = await deps.customers.getCustomer(tenantId, invoice.customerId);
    const phone = customerPhoneFailing(customer, f);
    if (customer && phone) {
      const opened = await deps.tasks.open(
        fixContactTask({ tenantId, customerId: customer.customerId, invoiceId: invoice.invoiceId, channel: 'sms', address: phone, reason: `SMS ${f.status.toLowerCase()}`, at: f.at }),
      );
      if (opened) deps.count('FixContactTasks');
    }
  }
  deps.logger.info('SMS status recorded', { invoiceId: invoice.invoiceId, messageId: f.messageId, outcome: f.outcome });
};
