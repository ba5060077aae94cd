/**
 * The timeline's ports for a test: the production adapters (DynamoDB repositories over the test's
 * table, SES, SMS, Step Functions, EventBridge, S3, the signed links) built when called, after the
 * test has pointed the SDK at its local services, with silent observability. Pass `over` to
 * replace a port where the service cannot be run.
 */
import { clock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { DynamoTimelineWakeUps } from '../../lambdas/adapters/dynamo-timeline-wake-ups.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { EventBridgeEvents } from '../../lambdas/adapters/eventbridge-events.js';
import { envMessageLinks } from '../../lambdas/adapters/message-links.js';
import { S3Blobs } from '../../lambdas/adapters/s3-blobs.js';
import { SesMailer, senderEmail } from '../../lambdas/adapters/ses-mailer.js';
import { QrcodeImages } from '../../lambdas/adapters/qr-png.js';
import { SfnWorkflow } from '../../lambdas/adapters/sfn-workflow.js';
import { PinpointSmsSender } from '../../lambdas/adapters/sms-sender.js';
import type { Observability } from '../../lambdas/app/observability.js';
import type { TimelinePorts } from '../../lambdas/app/timeline/ports.js';

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

export const silent: Observability = {
  logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  count: () => undefined,
};

/** Every port of the timeline; the service adapters are built on first use, so a test needs only the services it reaches. */
export const timelineDeps = (over: Partial<TimelinePorts> = {}): TimelinePorts => {
  const repos = dynamoRepositories();
  const workflow = lazy(() => over.workflow ?? new SfnWorkflow());
  const commands = lazy(() => over.commands ?? new DynamoCommands(workflow(), { doc: repos.doc, name: repos.name }));
  const events = lazy(() => over.events ?? new EventBridgeEvents());
  const blobs = lazy(() => over.blobs ?? new S3Blobs());
  const mailer = lazy(() => over.mailer ?? new SesMailer());
  const sms = lazy(() => over.sms ?? new PinpointSmsSender());
  return {
    logger: over.logger ?? silent.logger,
    count: over.count ?? silent.count,
    tenants: over.tenants ?? repos.tenants,
    policies: over.policies ?? repos.policies,
    customers: over.customers ?? repos.customers,
    invoices: over.invoices ?? repos.invoices,
    callQueue: over.callQueue ?? repos.callQueue,
    wakeUps: over.wakeUps ?? new DynamoTimelineWakeUps({ doc: repos.doc, name: repos.name }),
    tasks: over.tasks ?? repos.tasks,
    bankCredits: over.bankCredits ?? repos.bankCredits,
    statementFeed: over.statementFeed ?? repos.statementFeed,
    sendGuard: over.sendGuard ?? repos.sendGuard,
    voice: over.voice ?? repos.voice,
    digests: over.digests ?? repos.digests,
    wording: over.wording ?? repos.wording,
    reports: over.reports ?? repos.reports,
    get workflow() {
      return workflow();
    },
    get commands() {
      return commands();
    },
    get events() {
      return events();
    },
    get blobs() {
      return blobs();
    },
    get mailer() {
      return mailer();
    },
    get sms() {
      return sms();
    },
    sender: over.sender ?? senderEmail,
    links: over.links ?? envMessageLinks,
    clock: over.clock ?? clock,
    qr: over.qr ?? new QrcodeImages(),
  };
};
