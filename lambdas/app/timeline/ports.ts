/**
 * Everything the timeline's use cases may reach, by port. Each use case takes the `Pick` it needs,
 * and each handler wires exactly that (a bundle keeps only the adapters its handler reaches).
 */
import type { Observability } from '../observability.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { Blobs } from '../ports/blobs.js';
import type { CallQueueRepository } from '../ports/call-queue.js';
import type { Clock } from '../ports/clock.js';
import type { Commands } from '../ports/commands.js';
import type { CustomerRepository } from '../ports/customers.js';
import type { DomainEvents } from '../ports/domain-events.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { Mailer } from '../ports/mailer.js';
import type { QrImages } from '../ports/qr.js';
import type { MessageLinkSigner } from '../ports/message-links.js';
import type { ReportRepository } from '../ports/reports.js';
import type { SendGuard } from '../ports/send-guard.js';
import type { SmsSender } from '../ports/sms-sender.js';
import type { StatementFeed } from '../ports/statement-feed.js';
import type { TaskRepository } from '../ports/tasks.js';
import type { TenantRepository } from '../ports/tenants.js';
import type { Workflow } from '../ports/workflow.js';
import type { CustomerVoice } from '../ports/customer-voice.js';
import type { NoticeDigests } from '../ports/notice-digests.js';
import type { PolicyRepository } from '../ports/policies.js';
import type { WordingRepository } from '../ports/wording.js';
import type { TimelineWakeUps } from '../ports/wake-ups.js';
import type { SendSpread } from '../../domain/timeline/send-spread.js';

export interface TimelinePorts extends Observability {
  workflow: Workflow;
  invoices: InvoiceRepository;
  customers: CustomerRepository;
  tenants: TenantRepository;
  /** The company's own policies (versions read once per container). */
  policies: Pick<PolicyRepository, 'latest' | 'version'>;
  tasks: TaskRepository;
  /** The bank truth before a send: unconfirmed credits, learned debtor IBANs. */
  bankCredits: BankCreditRepository;
  /** When the company's statements last arrived: firm stages wait while they are stale. */
  statementFeed: StatementFeed;
  sendGuard: SendGuard;
  /** One message at a time per customer (the customer's voice lease). */
  voice: CustomerVoice;
  /** Internal notices, one a day per customer and kind; later ones in the next morning's digest. */
  digests: NoticeDigests;
  callQueue: CallQueueRepository;
  /** The next run of a timeline whose execution ended before a wait it may not last (keep-within-year.ts). */
  wakeUps: TimelineWakeUps;
  reports: ReportRepository;
  commands: Commands;
  events: DomainEvents;
  blobs: Blobs;
  mailer: Mailer;
  sms: SmsSender;
  /** The From address of every message. */
  sender: () => string;
  links: MessageLinkSigner;
  clock: Clock;
  /** Draws the payment QR code of e-mails; without it e-mails carry none. */
  qr?: QrImages;
  /** The company's own wording of its messages (read again only when it changed); without it the built-in words. */
  wording?: Pick<WordingRepository, 'current'>;
  /** The SES sending rate and the morning it carries (deploy settings): where a send SES kept refusing goes (rate-deferral.ts). */
  sendSpread?: SendSpread;
}

/** What loading an invoice's case needs. */
export type CaseDeps = Pick<TimelinePorts, 'invoices' | 'customers' | 'tenants' | 'policies'>;

/** What one guarded customer message needs (app/messaging/send-guarded-message.ts). */
export type MessagingDeps = Pick<TimelinePorts, 'invoices' | 'customers' | 'sendGuard' | 'voice' | 'mailer' | 'sms' | 'sender' | 'links' | 'clock' | 'logger' | 'count' | 'qr' | 'wording' | 'sendSpread'> & {
  /** The customer's credits still open, shown in every message beside what is due. */
  bankCredits: Pick<BankCreditRepository, 'openCustomerCredits'>;
};
