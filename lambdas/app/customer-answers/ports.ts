/**
 * What the customer-answer use cases need from outside, operation by operation: the handler wires
 * the DynamoDB, S3, SES and EventBridge adapters; a test may pass anything with these methods.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { LinkKeyring } from '../../domain/messages/links.js';
import type { Tenant } from '../../domain/model.js';
import type { Blobs } from '../ports/blobs.js';
import type { Commands } from '../ports/commands.js';
import type { CustomerRepository } from '../ports/customers.js';
import type { DomainEvents } from '../ports/domain-events.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { Mailer } from '../ports/mailer.js';
import type { TaskRepository } from '../ports/tasks.js';
import type { NoticeDigests } from '../ports/notice-digests.js';
import type { Workflow } from '../ports/workflow.js';

export interface CustomerAnswersDeps {
  /** The deployment's tenant: its links are the only ones honoured. */
  tenantId: string;
  /** That tenant's record (the caller caches it); undefined when it is not configured. */
  deploymentTenant: () => Promise<Tenant | undefined>;
  invoices: Pick<InvoiceRepository, 'getInvoice' | 'appendEvent' | 'appendEventOnce'>;
  customers: Pick<CustomerRepository, 'getCustomer'>;
  /** Which link answers were given: each is consumed once, with its command. */
  answers: Pick<TaskRepository, 'answered' | 'answerItem'>;
  /** The admin API's commands: the answer runs the very same rule and transaction. */
  commands: Pick<Commands, 'onInvoice'>;
  /** The invoice copies: pre-signed for the original, read for a FatturaPA's readable view (`get`). */
  documents: () => Pick<Blobs, 'presignGet' | 'get'>;
  mailer: () => Mailer;
  /** The From address of the finance team's notifications. */
  sender: () => string;
  events?: () => DomainEvents;
  keyring: () => Promise<LinkKeyring>;
  now: () => Date;
  /** Ids, actions and outcomes only: never the token, names, addresses or what the customer wrote. */
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Counts one business outcome for the dashboards (LinkViews, CustomerAnswers, …). */
  count: (metric: string) => void;
  /** One finance notice a day per customer: a later answer waits for the next morning's digest (absent: each is sent). */
  digests?: NoticeDigests;
  workflow?: Pick<Workflow, 'start'>;
  /** Life of the pre-signed URL behind "view the invoice". */
  documentUrlSeconds?: number;
}
