/**
 * What each Lambda may touch, read off its code (lambdas/handlers/<name>.ts and the adapters it
 * reaches), and the one function that turns that into IAM grants and environment variables. A
 * function gets an environment variable only with the permission that makes it useful.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { SollecitoConfig } from './config.js';
import type { HandlerFunction } from './defaults.js';
import type { Messaging } from './messaging.js';
import { acknowledge, acknowledgeResourcelessActions, acknowledgeWildcardResources } from './nag.js';
import { DOCUMENT_PREFIXES, type Storage } from './storage.js';

export interface HandlerAccess {
  /**
   * DynamoDB: the contact log, send guards and idempotency records make most handlers writers.
   * 'tenantItems': get, query, put, update and condition checks only, on items whose partition key
   * is the deployment tenant's (dynamodb:LeadingKeys): no delete, scan or batch, nobody else's items.
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

/** The dunning state machine's name, fixed so its ARN is known before it exists (its own tasks start mailbox runs). */
export const dunningStateMachineName = (scope: Construct): string => `${Stack.of(scope).stackName}-dunning`;
/** What 'tenantItems' may do: the single-item and transaction calls the customer pages' adapters make. */
// DeleteItem: the finance notice's day claim given back when its e-mail failed (dynamo-notice-digests.ts giveBack).
export const TENANT_ITEM_ACTIONS = ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] as const;
/** What 'tenantUpdates' may do: 'tenantItems' without DeleteItem. */
export const TENANT_UPDATE_ACTIONS = TENANT_ITEM_ACTIONS.filter((a) => a !== 'DeleteItem');

export const accessOf = (handler: string, fallback: HandlerAccess = DEFAULT_TASK_ACCESS): HandlerAccess =>
  HANDLER_ACCESS[handler] ?? fallback;

export interface AccessResources {
  readonly config: SollecitoConfig;
  readonly storage: Storage;
  readonly messaging: Messaging;
  /** Absent while the state machine's own tasks are being built (they never start executions). */
  readonly stateMachine?: { readonly stateMachine: sfn.IStateMachine; readonly name: string };
}

/** Grants `access` to `fn` and sets the environment variables its adapters read. */
export const applyAccess = (fn: HandlerFunction, access: HandlerAccess, res: AccessResources): void => {
  const { storage, messaging, config } = res;
  const env = (k: string, v: string) => fn.addEnvironment(k, v);
  const wildcards: { arn: string; reason: string }[] = [];

  env('TENANT_ID', config.tenantId);
  env('TABLE_NAME', storage.table.tableName);
  if (access.table === 'read') storage.table.grantReadData(fn);
  else if (access.table === 'readWrite') storage.table.grantReadWriteData(fn);
  else {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: (access.table === 'tenantUpdates' ? TENANT_UPDATE_ACTIONS : TENANT_ITEM_ACTIONS).map((a) => `dynamodb:${a}`),
        resources: [storage.table.tableArn, `${storage.table.tableArn}/index/*`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`T#${config.tenantId}`, `T#${config.tenantId}#*`] } },
      }),
    );
  }
  // The grant covers the table's own indexes as <table>/index/*: the GSIs are queried by name at runtime.
  wildcards.push({ arn: `${storage.table.tableArn}/index/*`, reason: "the table's own GSIs (<table>/index/*): the GSI names are the table's, none outside it" });

  if (access.stream) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords'], resources: [storage.table.tableStreamArn!] }),
    );
  }
  if (access.mail) {
    messaging.grantSendEmail(fn);
    env('SENDER_EMAIL', messaging.senderEmail);
    env('SES_CONFIGURATION_SET', messaging.configurationSet.configurationSetName);
  }
  if (access.sms && messaging.grantSendSms(fn) && messaging.smsOriginationIdentity) {
    env('SMS_ORIGINATION_IDENTITY', messaging.smsOriginationIdentity);
    // Without it the texts are sent but their delivery status never reaches delivery-events.
    if (messaging.smsFeedback) env('SMS_CONFIGURATION_SET', messaging.smsFeedback.configurationSetName);
  }
  if (access.plansSends) {
    env('SES_MAX_SEND_RATE', String(config.sesMaxSendRate));
    env('SEND_SPREAD_VOLUME', String(config.sendSpreadVolume));
  }
  if (access.events) {
    messaging.bus.grantPutEventsTo(fn);
    env('EVENT_BUS_NAME', messaging.bus.eventBusName);
  }
  if (access.linkSecret) {
    messaging.linkSecret.grantRead(fn);
    env('LINK_SECRET_ARN', messaging.linkSecret.secretArn);
  }
  if (access.workflow) {
    const sm = res.stateMachine;
    if (!sm) throw new Error(`${fn.handlerName}: needs the state machine, which does not exist yet`);
    if (access.workflow !== 'stop') sm.stateMachine.grantStartExecution(fn);
    // Executions are named per invoice at runtime (executionName()): any execution of this state machine.
    const executions = Stack.of(fn).formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${sm.name}:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StopExecution'], resources: [executions] }));
    env('STATE_MACHINE_ARN', sm.stateMachine.stateMachineArn);
    wildcards.push({ arn: executions, reason: 'executions of the one dunning state machine (<state machine>:*): they are named per invoice at runtime (executionName())' });
  }

  // A function that may start every execution already may start a mailbox run.
  if (access.startsMailboxRuns && access.workflow !== true) {
    const arn = Stack.of(fn).formatArn({ service: 'states', resource: 'stateMachine', resourceName: dunningStateMachineName(fn), arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
    if (!access.workflow) env('STATE_MACHINE_ARN', arn);
  }

  const bucket = storage.documents;
  const read = access.read ?? [];
  const write = access.write ?? [];
  if (read.length || write.length) env('BUCKET_NAME', bucket.bucketName);
  if (read.length) {
    const actions = ['s3:GetObject', ...(access.readsVersions ? ['s3:GetObjectVersion'] : [])];
    fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: read.map((p) => bucket.arnForObjects(`${p}*`)) }));
    // Without ListBucket a missing key answers 403 instead of 404 (BlobNotFound), and a missing
    // invoice copy would look like an outage.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  }
  if (write.length) {
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: write.map((p) => bucket.arnForObjects(`${p}*`)) }));
  }
  for (const p of new Set([...read, ...write])) wildcards.push({ arn: bucket.arnForObjects(`${p}*`), reason: `object keys under the documents-bucket prefix ${p} this function reads or writes (keys are per file, known at runtime)` });

  acknowledgeWildcards(fn, wildcards);
};

/**
 * The API's base URL for the links in customer messages, set once the API exists (the task
 * functions are built before it; only the Api resource is referenced, so no dependency cycle).
 */
export const setPublicBaseUrl = (fns: Iterable<HandlerFunction>, url: string): void => {
  for (const fn of fns) if (accessOf(fn.handlerName).linkSecret) fn.addEnvironment('PUBLIC_BASE_URL', url);
};

const acknowledgeWildcards = (fn: HandlerFunction, wildcards: { arn: string; reason: string }[]): void => {
  const role = fn.role!;
  // Each acknowledged at synthesis only where the role's policies hold it (infra/constructs/nag.ts).
  for (const w of wildcards) acknowledgeWildcardResources(role, `${fn.handlerName}: ${w.reason}.`, [w.arn]);
  acknowledgeResourcelessActions(role, fn.handlerName);
  acknowledge(
    fn,
    'nodejs22.x on purpose: the bundles target node22 (infra/bundling.ts), the cold-start bench measures that runtime, and it is a Lambda-supported LTS line. Move runtime and target together.',
    'AwsSolutions-L1',
  );
};
