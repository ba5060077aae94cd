/**
 * What delivery feedback means for the contact (the rules delivery-events applies; the decisions
 * on the customer record are emailProblem and smsOptOut in delivery.ts).
 */
import type { Customer } from '../model.js';
import type { EmailFeedback, SmsStatusFeedback } from './delivery.js';

/** How long a sent SMS can be traced from a STOP or a reply: longer than any timeline runs. */
export const SMS_TRACE_DAYS = 120;

export const smsTracedUntil = (now: Date): Date => new Date(now.getTime() + SMS_TRACE_DAYS * 86_400_000);

/** The invoice a message was about, from the tags we sent it with: undefined for mail that is not ours or not about an invoice. */
export const invoiceTagged = (tags: Record<string, string | undefined>, tenantId: string): string | undefined =>
  tags.tenant === tenantId && tags.invoice ? tags.invoice : undefined;

/** A complaint or a hard bounce: the address must not be written to again. */
export const stopsTheAddress = (f: EmailFeedback): boolean => f.outcome === 'complained' || (f.outcome === 'bounced' && f.permanent);

/** The customer's address when the event is about it; a bounce of the finance team's notification is not. */
export const customerEmailIn = (customer: Pick<Customer, 'email'> | undefined, f: EmailFeedback): string | undefined => {
  const email = customer?.email;
  return email && f.recipients.some((r) => r.toLowerCase() === email.toLowerCase()) ? email : undefined;
};

/** The customer's number when it cannot take SMS and is (as far as the event says) the one that failed. */
export const customerPhoneFailing = (customer: Pick<Customer, 'phone'> | undefined, f: SmsStatusFeedback): string | undefined => {
  const phone = customer?.phone;
  return f.invalidNumber && phone && (!f.to || f.to === phone) ? phone : undefined;
};

/** Why the finance team is asked to fix the e-mail address. */
export const emailProblemReason = (f: EmailFeedback): string => `${f.outcome === 'complained' ? 'complaint' : 'hard bounce'}${f.reason ? ` (${f.reason})` : ''}`;

/** The metric an e-mail outcome is counted in: EmailDelivered, EmailBounced… */
export const emailOutcomeMetric = (outcome: EmailFeedback['outcome']): string => `Email${outcome[0]!.toUpperCase()}${outcome.slice(1)}`;
