/**
 * The records of one customer's call of the day, built from the lines of its invoices
 * (messages/reminder.ts decideReminder, kind 'phoneCall') and the call sheet (calls.ts): the
 * customer's call in the finance team's queue, one call task per invoice on it, and the log entry
 * each invoice keeps, pointing at the shared call id. Pure.
 */
import type { ContactEvent, Customer, Tenant } from '../model.js';
import type { MessageLine } from '../messages/rendering/types.js';
import { contactEvent } from '../shared/contact-event.js';
import type { CallBasis, CallMention, CallTask, CustomerCall } from './call-records.js';
import type { CustomerCallSheet } from './calls.js';

export interface CallRecordsInput {
  tenant: Pick<Tenant, 'tenantId'>;
  customer: Pick<Customer, 'customerId' | 'name' | 'billingContact' | 'phone' | 'timeZone' | 'officeHours'>;
  /** The invoice whose PlacePhoneCall placed the call. */
  lead: MessageLine;
  /** Its queue day (tenant time zone) and call id (commands/tasks.ts callTaskId). */
  day: string;
  callId: string;
  /** The planned slot inside the office hours (UTC instant). */
  callAt: string;
  sheet: Pick<CustomerCallSheet, 'summary' | 'talkingPoints' | 'totals'>;
  /** The customer's other overdue invoices the call only talks about. */
  mentioned: readonly MessageLine[];
  now: Date;
}

export interface CallRecords {
  call: CustomerCall;
  phone?: string;
  /** The call task of one invoice on the call. */
  taskFor: (line: MessageLine) => CallTask;
  /** The call as one invoice's log tells it: the shared call id as the message id, its own amounts. */
  logEntryFor: (line: MessageLine, extra: Record<string, unknown>) => ContactEvent;
}

export const callRecords = (i: CallRecordsInput): CallRecords => {
  const contact = i.customer.billingContact;
  const phone = contact?.phone ?? i.customer.phone;
  const tenantId = i.tenant.tenantId;
  const createdAt = i.now.toISOString();
  const basis: CallBasis = {
    customerName: i.customer.name,
    ...(contact ? { contactName: contact.name } : {}),
    ...(phone ? { phone } : {}),
    timeZone: i.customer.timeZone,
    officeHours: i.customer.officeHours,
    callAt: i.callAt,
    summary: i.sheet.summary,
    talkingPoints: i.sheet.talkingPoints,
  };
  const mention = (l: MessageLine): CallMention => ({
    invoiceId: l.invoice.invoiceId,
    invoiceNumber: l.invoice.number,
    currency: l.invoice.currency,
    amountDue: l.amountDue,
    daysPastDue: l.daysLate,
  });
  return {
    call: {
      ...basis,
      tenantId,
      day: i.day,
      customerId: i.customer.customerId,
      callId: i.callId,
      leadInvoiceId: i.lead.invoice.invoiceId,
      alsoOverdue: i.mentioned.map(mention),
      totals: i.sheet.totals,
      createdAt,
    },
    ...(phone ? { phone } : {}),
    taskFor: (l) => ({ ...basis, tenantId, day: i.day, customerId: i.customer.customerId, ...mention(l), createdAt, callId: i.callId }),
    logEntryFor: (l, extra) =>
      contactEvent({
        tenantId,
        invoiceId: l.invoice.invoiceId,
        at: createdAt,
        type: 'call_task',
        channel: 'phone',
        actor: 'system',
        stage: 'phoneCall',
        ...(phone ? { to: phone } : {}),
        messageId: i.callId,
        outcome: 'recorded',
        details: {
          day: i.day,
          callId: i.callId,
          callAt: i.callAt,
          currency: l.invoice.currency,
          amountDue: l.amountDue,
          daysLate: l.daysLate,
          ...extra,
          ...(phone ? {} : { warning: 'no phone number on file' }),
        },
      }),
  };
};
