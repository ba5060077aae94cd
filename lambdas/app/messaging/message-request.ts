/** What a guarded customer message is asked to say, and what came of it. */
import type { ContactEvent, Customer, Invoice, InvoiceStatus, Payment, Policy, Tenant } from '../../domain/model.js';
import type { MessageChannel, ReminderInput } from '../../domain/messages/reminder.js';
import type { CustomerLinks, RenderInput } from '../../domain/messages/rendering/types.js';
import type { VoiceKind } from '../../domain/timeline/precedence.js';
import type { OutgoingEmail } from '../ports/mailer.js';
import type { VoiceSeen } from '../ports/customer-voice.js';
import type { CustomerCredit } from '../ports/bank-credits.js';
import type { StoredWording } from '../ports/wording.js';

export interface MessageRequest {
  invoice: Invoice;
  customer: Customer;
  tenant: Tenant;
  policy: Policy;
  kind: VoiceKind;
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
  /** E-mails about this invoice the customer ignored in a row (domain/engagement.ts). */
  ignoredEmails?: number;
  /** kind furtherReminder: the policy's extra reminder this is (its SMS and tone). */
  extra?: ReminderInput['extra'];
  /** The invoice's recorded payments (InvoiceView.payments): parts paid late earn interest to their day. */
  payments?: readonly Payment[];
  /** The invoice's contact log: whether this message already gave way to a firmer one today. */
  events?: readonly ContactEvent[];
  /**
   * Runs once the customer's turn is taken and the message may leave, before it is claimed (a
   * broken promise's status change: made only when its follow-up can be sent).
   */
  beforeClaim?: () => Promise<void>;
  /** Leave out the SMS whatever the stage says (a fallback that texts already, or a channel to spare). */
  emailOnly?: boolean;
  /**
   * The Task's last attempt its Retry allows (app/timeline/execution.ts isLastAttempt): an e-mail
   * SES refuses for the sending rate is deferred (domain/timeline/rate-deferral.ts), its claim given
   * back, instead of thrown to a retry that will not come.
   */
  lastAttempt?: boolean;
  /**
   * What the caller read beside its case, the turn among it: used as read when nobody spoke to the
   * customer between that read and the turn (VoiceLease.quiet), read again within the turn otherwise.
   */
  readBeside?: ReadBeside;
}

/** Reads a message needs within the customer's turn, made beforehand in the case's one batch. */
export interface ReadBeside {
  voice: VoiceSeen;
  /** This message's guard was written (another message carried it). */
  done: boolean;
  credits: CustomerCredit[];
  overrides: StoredWording[];
}

export interface ChannelOutcome {
  channel: MessageChannel;
  outcome: 'sent' | 'failed' | 'skipped';
  messageId?: string;
}

/** Another invoice's message this one carried (its guard claimed with it). */
export interface CarriedMessage {
  invoiceId: string;
  kind: VoiceKind;
  guardKey: string;
}

export type MessageOutcome =
  | {
      /** sent: at least one channel delivered to the provider; unreachable: no channel could be used. */
      outcome: 'sent' | 'failed' | 'unreachable' | 'alreadyDone';
      channels: ChannelOutcome[];
      /** The kind the message spoke with: the firmest of what it carried. */
      spokeAs?: VoiceKind;
      carried?: CarriedMessage[];
    }
  | {
      /** Not now: the contact limits, the window, one message a day, or a firmer message due today. */
      outcome: 'deferred';
      channels: [];
      until: string;
      reason: string;
      /** It waits for a firmer message of another invoice due today, which will carry it. */
      givesWay?: boolean;
      /** No working address: it waits for the contact to be fixed (an SMS went instead, where it could). */
      waitsForContact?: boolean;
    };
