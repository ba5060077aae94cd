/**
 * The composition root: the adapters every handler uses, built once per Lambda module on first use
 * (so tests and the local stack can set the environment before) and then shared by every
 * invocation. Each accessor answers with its port; only this file knows DynamoDB and friends.
 * Config: TABLE_NAME, BUCKET_NAME, STATE_MACHINE_ARN, SES_CONFIGURATION_SET, SENDER_EMAIL,
 * SMS_ORIGINATION_IDENTITY, EVENT_BUS_NAME; endpoints from the SDK's AWS_ENDPOINT_URL_<SERVICE>.
 */
import type { BankCreditRepository } from '../../app/ports/bank-credits.js';
import type { StatementFeed } from '../../app/ports/statement-feed.js';
import type { Blobs } from '../../app/ports/blobs.js';
import type { CallQueueRepository } from '../../app/ports/call-queue.js';
import type { Commands, CustomerCommands } from '../../app/ports/commands.js';
import type { CustomerRepository } from '../../app/ports/customers.js';
import type { DomainEvents } from '../../app/ports/domain-events.js';
import type { CustomerDirectory, InvoiceIngest } from '../../app/ports/ingest.js';
import type { InvoiceList } from '../../app/ports/invoice-list.js';
import type { InvoiceRepository } from '../../app/ports/invoices.js';
import type { Mailer } from '../../app/ports/mailer.js';
import type { OpenReceivables } from '../../app/ports/receivables.js';
import type { PortfolioReader } from '../../app/ports/portfolio.js';
import type { ReportRepository } from '../../app/ports/reports.js';
import type { AgeingDayStore } from '../../app/ports/ageing-days.js';
import type { SendGuard } from '../../app/ports/send-guard.js';
import type { SmsMessageRepository } from '../../app/ports/sms-messages.js';
import type { SmsSender } from '../../app/ports/sms-sender.js';
import type { QrImages } from '../../app/ports/qr.js';
import type { StreamHistory } from '../../app/ports/stream-history.js';
import type { TaskRepository } from '../../app/ports/tasks.js';
import type { TenantRepository } from '../../app/ports/tenants.js';
import type { PolicyRepository, TimelineRestarts } from '../../app/ports/policies.js';
import type { Workflow } from '../../app/ports/workflow.js';
import type { CustomerVoice } from '../../app/ports/customer-voice.js';
import type { NoticeDigests } from '../../app/ports/notice-digests.js';
import type { Observability } from '../../app/observability.js';
import { tableFromEnv, type Table } from '../../adapters/dynamo/client.js';
import { DynamoBankCredits } from '../../adapters/dynamo-bank-credits.js';
import { DynamoStatementFeed } from '../../adapters/dynamo-statement-feed.js';
import { DynamoCallQueue } from '../../adapters/dynamo-call-queue.js';
import { DynamoCommands } from '../../adapters/dynamo-commands.js';
import { streamDrivenWorkflow } from '../../adapters/stream-driven-workflow.js';
import { DynamoCustomerDirectory } from '../../adapters/dynamo-customer-directory.js';
import { DynamoSdiFiles } from '../../adapters/dynamo-sdi-files.js';
import type { SdiFiles } from '../../app/ports/sdi-files.js';
import { DynamoCustomers } from '../../adapters/dynamo-customers.js';
import { DynamoSendGuard } from '../../adapters/dynamo-guard.js';
import { DynamoInvoiceWriter } from '../../adapters/dynamo-invoice-writer.js';
import { DynamoInvoices } from '../../adapters/dynamo-invoices.js';
import { DynamoQueries } from '../../adapters/dynamo-queries.js';
import { DynamoReports } from '../../adapters/dynamo-reports.js';
import { DynamoAgeingDays } from '../../adapters/dynamo-ageing-days.js';
import { DynamoPortfolio } from '../../adapters/dynamo-portfolio.js';
import { DynamoSmsMessages } from '../../adapters/dynamo-sms-messages.js';
import { DynamoTasks } from '../../adapters/dynamo-tasks.js';
import { DynamoTenants } from '../../adapters/dynamo-tenants.js';
import { DynamoPolicies } from '../../adapters/dynamo-policies.js';
import { DynamoTimelineRestarts } from '../../adapters/dynamo-timeline-restarts.js';
import { DynamoTimelineWakeUps } from '../../adapters/dynamo-timeline-wake-ups.js';
import type { TimelineWakeUps } from '../../app/ports/wake-ups.js';
import { DynamoCustomerVoice } from '../../adapters/dynamo-voice.js';
import { DynamoNoticeDigests } from '../../adapters/dynamo-notice-digests.js';
import { DynamoWording } from '../../adapters/dynamo-wording.js';
import type { WordingRepository } from '../../app/ports/wording.js';
import { SesMailer, senderEmail } from '../../adapters/ses-mailer.js';
import { PinpointSmsSender } from '../../adapters/sms-sender.js';
import { QrcodeImages } from '../../adapters/qr-png.js';
import { SfnWorkflow } from '../../adapters/sfn-workflow.js';
import { EventBridgeEvents } from '../../adapters/eventbridge-events.js';
import { S3Blobs } from '../../adapters/s3-blobs.js';
import { StreamReader } from '../../adapters/stream-reader.js';
import { envMessageLinks } from '../../adapters/message-links.js';
import type { MessageLinkSigner } from '../../app/ports/message-links.js';

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

// Separate exports, imported as a namespace (`import * as deps`), so a bundle keeps only the
// adapters (and SDK clients) its handler reaches.
/** The single table; for wiring that needs its name or a repository built with other options. */
export const table = /* @__PURE__ */ once((): Table => tableFromEnv());
export const tenants = /* @__PURE__ */ once((): TenantRepository => new DynamoTenants(table()));
/** The company's own policies; the versions read stay in this container (they never change). */
export const policies = /* @__PURE__ */ once((): PolicyRepository => new DynamoPolicies(table()));
export const timelineRestarts = /* @__PURE__ */ once((): TimelineRestarts => new DynamoTimelineRestarts(table()));
/** Timeline runs to start later (an execution that may not wait that long ended). */
export const wakeUps = /* @__PURE__ */ once((): TimelineWakeUps => new DynamoTimelineWakeUps(table()));
export const customers = /* @__PURE__ */ once((): CustomerRepository => new DynamoCustomers(table()));
export const invoices = /* @__PURE__ */ once((): InvoiceRepository => new DynamoInvoices(table()));
export const invoiceList = /* @__PURE__ */ once((): InvoiceList => new DynamoQueries(table()));
export const callQueue = /* @__PURE__ */ once((): CallQueueRepository => new DynamoCallQueue(table()));
export const tasks = /* @__PURE__ */ once((): TaskRepository => new DynamoTasks(table()));
export const sendGuard = /* @__PURE__ */ once((): SendGuard => new DynamoSendGuard(table()));
/** Who is speaking to a customer right now: one message at a time per customer. */
export const voice = /* @__PURE__ */ once((): CustomerVoice => new DynamoCustomerVoice(table()));
/** Internal notices: one a day per customer and kind, the rest in the next morning's digest. */
export const digests = /* @__PURE__ */ once((): NoticeDigests => new DynamoNoticeDigests(table()));
/** The company's own wording of its customer messages (domain/messages/wording.ts). */
export const wording = /* @__PURE__ */ once((): WordingRepository => new DynamoWording(table()));
export const reports = /* @__PURE__ */ once((): ReportRepository => new DynamoReports(table()));
export const ageingDays = /* @__PURE__ */ once((): AgeingDayStore => new DynamoAgeingDays(table()));
/** The open invoices and their customers, as the payment matcher reads them (the report's read path). */
export const receivables = /* @__PURE__ */ once((): OpenReceivables => new DynamoReports(table()));
/** The open invoices and their customers, whole: what a what-if replays (/v1/simulations). */
export const portfolio = /* @__PURE__ */ once((): PortfolioReader => new DynamoPortfolio(table()));
export const bankCredits = /* @__PURE__ */ once((): BankCreditRepository => new DynamoBankCredits(table()));
export const statementFeed = /* @__PURE__ */ once((): StatementFeed => new DynamoStatementFeed(table()));
/** Commands in a function that leaves the executions to the table stream (ingest's credit notes): no Step Functions access. */
export const commandsWithoutWorkflow = /* @__PURE__ */ once((): Commands => new DynamoCommands(streamDrivenWorkflow, table()));
/** Commands that stop the invoice's execution through `workflow()` after they commit. */
export const commands = /* @__PURE__ */ once((): Commands => new DynamoCommands(workflow(), table()));
/** Commands whose failed stop (after the commit) is logged as a warning: the guard refuses every later send and the stream stops the execution too. */
let warningCommands: Commands | undefined;
export const commandsWarningOnStopFailure = (logger: Observability['logger']): Commands =>
  (warningCommands ??= new DynamoCommands(workflow(), table(), {
    onStopFailed: (err, execution) => logger.warn('stopping the execution failed', { execution, errorName: err instanceof Error ? err.name : String(err) }),
  }));
/** Commands on customers only: they start and stop no execution, so no workflow client is built. */
export const customerCommands = /* @__PURE__ */ once((): CustomerCommands => new DynamoCommands(undefined, table()));
export const smsMessages = /* @__PURE__ */ once((): SmsMessageRepository => new DynamoSmsMessages(table()));
/** A new writer for each file: its claims and customer cache are the file's (never shared across files). */
export const invoiceWriter = (): InvoiceIngest => new DynamoInvoiceWriter(table());
export const customerDirectory = (): CustomerDirectory => new DynamoCustomerDirectory(table());
/** FatturaPA files by their SdI name, for the SdI's notifications (app/sdi). */
export const sdiFiles = /* @__PURE__ */ once((): SdiFiles => new DynamoSdiFiles(table()));
export const mailer = /* @__PURE__ */ once((): Mailer => new SesMailer());
export const sms = /* @__PURE__ */ once((): SmsSender => new PinpointSmsSender());
export const qrImages = /* @__PURE__ */ once((): QrImages => new QrcodeImages());
export const workflow = /* @__PURE__ */ once((): Workflow => new SfnWorkflow());
export const events = /* @__PURE__ */ once((): DomainEvents => new EventBridgeEvents());
export const blobs = /* @__PURE__ */ once((): Blobs => new S3Blobs());
export const sender = /* @__PURE__ */ once(senderEmail);
export const messageLinks = (): MessageLinkSigner => envMessageLinks;
export const streamReader = /* @__PURE__ */ once((): StreamHistory => new StreamReader());
