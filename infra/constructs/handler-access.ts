/**
 * What each Lambda may touch, read off its code (lambdas/handlers/<name>.ts and the adapters it
 * reaches), as data: access.ts turns it into IAM grants, and the local stack enforces the table part
 * of it on every DynamoDB request a handler makes (local/services/table-access.ts). No CDK here.
 */
import { DOCUMENT_PREFIXES } from './document-prefixes.js';

export interface HandlerAccess {
  /**
   * DynamoDB: the contact log, send guards and idempotency records make most handlers writers.
   * 'tenantItems': get (BatchGetItem too: consistent reads started together go as one,
   * adapters/dynamo/consistent-gets.ts), query, put, update, delete and condition checks only, on
   * items whose partition key is the deployment tenant's (dynamodb:LeadingKeys, which BatchGetItem
   * checks per key): no scan, no batch write, nobody else's items.
   * 'tenantUpdates': the same without DeleteItem.
   */
  readonly table: 'read' | 'readWrite' | 'tenantItems' | 'tenantUpdates';
  /** SES SendEmail as the sender through the configuration set. */
  readonly mail?: boolean;
  /** End User Messaging SendTextMessage from the origination identity through the SMS configuration set (when one is configured). */
  readonly sms?: boolean;
  /** PutEvents on the domain event bus. */
  readonly events?: boolean;
  /** StartExecution on the dunning state machine and StopExecution on its executions; 'stop': StopExecution only. */
  readonly workflow?: boolean | 'stop';
  /**
   * StartExecution only, by the machine's fixed name (a task of the state machine is built before
   * the machine): the mailbox runs that deliver a waiting message (an internal digest).
   */
  readonly startsMailboxRuns?: boolean;
  /** GetSecretValue of the customer-link signing key. */
  readonly linkSecret?: boolean;
  /** Reads the table's stream (GetShardIterator, GetRecords on it). */
  readonly stream?: boolean;
  /** Documents bucket prefixes read (GetObject) and written (PutObject). */
  readonly read?: readonly string[];
  /** Reads one version of an object under `read` (GetObjectVersion): the version its S3 event named. */
  readonly readsVersions?: boolean;
  readonly write?: readonly string[];
  /**
   * Places send instants: the SES sending rate and the morning volume it spreads (config.sesMaxSendRate,
   * sendSpreadVolume). The planner, every sender (a send SES kept refusing moves to a later slot) and
   * the admin API (the preview and the what-if show the planner's instants).
   */
  readonly plansSends?: boolean;
}

const { invoices, customers, config, rejected, dossiers, bank } = DOCUMENT_PREFIXES;
/** The one config file the bank-statements function reads: the company's bank CSV column names. */
const BANK_CSV_MAPPING_KEY = `${config}bank-csv-mapping.json`;

/** Sending a reminder: the guarded send (table), both channels, the signed links, the send spread. */
const SENDS: HandlerAccess = { table: 'readWrite', mail: true, sms: true, linkSecret: true, plansSends: true };
/** The collection dossier (hand-over-dossier): invoice copies in, the zip out, a signed link to it (GET /d/{token}). */
const DOSSIER = { read: [invoices, dossiers], write: [dossiers], linkSecret: true } as const;

export const HANDLER_ACCESS: Readonly<Record<string, HandlerAccess>> = {
  // Writes the planned policy version and a later run's wake-up (keep-within-year.ts): the tenant's items, never a delete.
  'plan-timeline': { table: 'tenantUpdates', plansSends: true },
  'send-reminder': { ...SENDS, read: [invoices] },
  'place-call': { table: 'readWrite' },
  // The sales representative's notice: a second one the same day waits in a digest's mailbox run.
  'credit-hold': { ...SENDS, events: true, startsMailboxRuns: true },
  escalate: { ...SENDS, events: true },
  'check-promise': SENDS,
  'record-failure': { table: 'readWrite' },
  // A thank-you through the customer's gate (both channels, the links), or an internal digest.
  'deliver-mailbox': { ...SENDS },
  // Starts and stops executions, thanks the customer, releases credit holds (CreditHoldReleased
  // on the domain bus).
  'table-stream': { ...SENDS, workflow: true, events: true },
  // Reads the case, files the zip, mails the agency (a second case the same day waits in a digest's
  // mailbox run: StartExecution only, it stops no execution), publishes DossierHandedOver.
  'hand-over-dossier': { table: 'readWrite', mail: true, events: true, startsMailboxRuns: true, ...DOSSIER },
  // readsVersions: the object version the S3 event announced, not a later upload of the same key.
  ingest: { table: 'readWrite', read: [invoices, customers, config], readsVersions: true, write: [rejected] },
  // Reads statements, stores credits, applies payments through the commands (which stop a settled
  // invoice's execution), writes the rejection report.
  'bank-statements': { table: 'readWrite', workflow: true, read: [bank, BANK_CSV_MAPPING_KEY], readsVersions: true, write: [rejected] },
  // Statements uploaded through the API go to bank/, where the bank-statements function reads them.
  'admin-api': { table: 'readWrite', workflow: true, events: true, write: [bank], plansSends: true },
  // Answers through signed links: the admin API's commands (which stop an execution, never start
  // one: the stream does), a presigned URL of the invoice copy and of the agency's dossier, a note to
  // the finance inboxes. Only the tenant's items, without delete.
  // startsMailboxRuns: a customer's second answer of the day waits for the finance team's digest (notify-finance.ts).
  'customer-pages': { table: 'tenantItems', workflow: 'stop', startsMailboxRuns: true, events: true, linkSecret: true, mail: true, read: [invoices, dossiers] },
  'ageing-report': { table: 'readWrite', mail: true },
  // SES and SMS delivery feedback into the contact log, the customer record and the task list.
  'delivery-events': { table: 'readWrite' },
  // Reads a dead-lettered batch back from the stream, writes the failure on its invoices.
  'stream-failures': { table: 'readWrite', stream: true },
  // An ended execution's interruption on its invoice and in its log: one read, one transaction, the tenant's items only.
  'ended-executions': { table: 'tenantItems' },
  // The due wake-ups (one Query), the invoice's run raised and the wake-up deleted: the tenant's items only.
  'wake-timelines': { table: 'tenantItems' },
};

/** A task that appears in the ASL before anyone lists it here: the table only, widened by editing HANDLER_ACCESS. */
export const DEFAULT_TASK_ACCESS: HandlerAccess = { table: 'readWrite' };

/** What 'tenantItems' may do: the single-item and transaction calls the customer pages' adapters make. */
// DeleteItem: the finance notice's day claim given back when its e-mail failed (dynamo-notice-digests.ts giveBack).
export const TENANT_ITEM_ACTIONS = ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] as const;
/** What 'tenantUpdates' may do: 'tenantItems' without DeleteItem. */
export const TENANT_UPDATE_ACTIONS = TENANT_ITEM_ACTIONS.filter((a) => a !== 'DeleteItem');

export const accessOf = (handler: string, fallback: HandlerAccess = DEFAULT_TASK_ACCESS): HandlerAccess =>
  HANDLER_ACCESS[handler] ?? fallback;

/** What the CDK's `grantReadData` gives on the table and its indexes (aws-cdk-lib's dynamodb perms), as the local stack enforces it. */
export const TABLE_READ_ACTIONS = ['BatchGetItem', 'GetRecords', 'GetShardIterator', 'Query', 'GetItem', 'Scan', 'ConditionCheckItem', 'DescribeTable'] as const;
/** What `grantReadWriteData` adds. */
export const TABLE_WRITE_ACTIONS = ['BatchWriteItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'DescribeTable'] as const;

/** The DynamoDB actions a function's `table` access allows (without the `dynamodb:` prefix). */
export const tableActionsOf = (access: HandlerAccess): readonly string[] =>
  access.table === 'read'
    ? TABLE_READ_ACTIONS
    : access.table === 'readWrite'
      ? [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS]
      : access.table === 'tenantUpdates'
        ? TENANT_UPDATE_ACTIONS
        : TENANT_ITEM_ACTIONS;
