/**
 * How the customer engages with the reminders of one invoice, read off its contact log: an answer
 * given, or the message opened, counts; delivery alone does not, and neither does a page of a link
 * being fetched (link_view): mail gateways prefetch every link of a message, so a view says nothing
 * about a person (issue 20, item 2). Pure.
 */
import type { ContactEvent, Customer, Policy } from '../model.js';

/** Log entries that show the customer read or answered. */
const ENGAGED: ReadonlySet<ContactEvent['type']> = new Set<ContactEvent['type']>([
  'message_opened',
  'payment_claimed',
  'promise',
  'dispute',
  'plan_requested',
  'contact_change_requested',
  'call_outcome',
]);

/** E-mails ignored in a row after which the next stage adds an SMS (when the policy sends SMS at all). */
export const IGNORED_EMAILS_BEFORE_SMS = 2;

/** The number of most recent e-mails, in a row, after which nothing shows the customer engaged. */
export const ignoredEmailsInARow = (events: readonly ContactEvent[]): number => {
  const sorted = [...events].sort((a, b) => a.at.localeCompare(b.at));
  let ignored = 0;
  for (const e of sorted) {
    if (ENGAGED.has(e.type)) ignored = 0;
    else if (e.type === 'message' && e.channel === 'email' && (e.outcome === 'sent' || e.outcome === 'delivered')) ignored++;
  }
  return ignored;
};

/** Whether the customer can be texted at all: the policy sends SMS, and there is a number that did not opt out. */
export const canText = (policy: Pick<Policy, 'smsPerWeek'>, customer: Pick<Customer, 'phone' | 'smsOptOut'>): boolean =>
  policy.smsPerWeek > 0 && Boolean(customer.phone) && !customer.smsOptOut;

/**
 * What the e-mails ignored in a row change about the next stage: nothing yet; an SMS beside the
 * next written reminder where the customer can be texted; otherwise the phone call comes forward.
 */
export type UnheardEscalation = 'none' | 'addSms' | 'callForward';

export const unheardEscalation = (
  ignoredEmails: number,
  policy: Pick<Policy, 'smsPerWeek'>,
  customer: Pick<Customer, 'phone' | 'smsOptOut'>,
): UnheardEscalation => (ignoredEmails < IGNORED_EMAILS_BEFORE_SMS ? 'none' : canText(policy, customer) ? 'addSms' : 'callForward');
