/**
 * An e-mail event (delivered, bounced, complained, failed):
 * 1. Find the invoice the message was about (our tags); mail not about an invoice of ours is left.
 * 2. Log the event on the invoice, once however often it is delivered.
 * 3. Only a complaint or a hard bounce of the customer's own address goes further:
 * 4. stop e-mail to that address on the customer,
 * 5. and ask the finance team to fix the contact (one open task per customer).
 */
import { fixContactTask } from '../../domain/commands/tasks.js';
import { deliveryEvent, emailProblem, type EmailFeedback } from '../../domain/messages/delivery.js';
import { customerEmailIn, emailOutcomeMetric, emailProblemReason, stopsTheAddress } from '../../domain/messages/feedback-rules.js';
import { changeCustomer, systemContext, taggedInvoice, type DeliveryFeedbackDeps } from './delivery-feedback-deps.js';

export const recordEmailFeedback = async (deps: DeliveryFeedbackDeps, f: EmailFeedback): Promise<void> => {
  const { tenantId } = deps;
  // 1. The invoice
  const invoice = await taggedInvoice(deps, f.tags);
  if (!invoice) {
    deps.logger.debug('e-mail event for no invoice of ours', { messageId: f.messageId });
    return;
  }
  const ids = { invoiceId: invoice.invoiceId, messageId: f.messageId, outcome: f.outcome };

  // 2. Logged once
  if (await deps.invoices.appendEventIfNew(deliveryEvent(f, tenantId, invoice.invoiceId))) deps.count(emailOutcomeMetric(f.outcome));

  // 3. A problem with the customer's own address
  if (!stopsTheAddress(f)) return;
  const customer = await deps.customers.getCustomer(tenantId, invoice.customerId);
  const address = customerEmailIn(customer, f);
  if (!customer || !address) {
    deps.logger.info('e-mail problem not about the customer address', ids);
    return;
  }

  // 4. No more e-mail to it
  const changed = await changeCustomer(deps, customer.customerId, (c) => emailProblem(c, f, systemContext(deps.now())));

  // 5. A task to fix the contact
  const opened = await deps.tasks.open(
    fixContactTask({ tenantId, customerId: customer.customerId, invoiceId: invoice.invoiceId, channel: 'email', address, reason: emailProblemReason(f), at: f.at }),
  );
  if (opened) deps.count('FixContactTasks');
  deps.logger.info('customer e-mail stopped', { ...ids, customerChanged: changed, taskOpened: opened });
};
