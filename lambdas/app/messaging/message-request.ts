/** What a guarded customer message is asked to say, and what came of it. */
import type { Customer, Invoice, InvoiceStatus, Payment, Policy, Tenant } from '../../domain/model.js';
import type { MessageChannel, ReminderKind } from '../../domain/messages/reminder.js';
import type { CustomerLinks, RenderInput } from '../../domain/messages/rendering/types.js';
import type { OutgoingEmail } from '../ports/mailer.js';

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
  /** Timeline stages: also cover the customer's other invoices due for a written stage today (one voice per customer). */
  consolidate?: boolean;
  /** E-mails about this invoice the customer ignored in a row (domain/engagement.ts). */
  ignoredEmails?: number;
  /** The invoice's recorded payments (InvoiceView.payments): parts paid late earn interest to their day. */
  payments?: readonly Payment[];
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
