/**
 * One stack per company (tenant): storage, messaging, the dunning workflow and its tasks, the
 * table-stream consumer and the dossier hand-over beside it, ingest, the delivery-feedback consumer, the HTTP API, the finance console, the weekly report
 * and the alarms. Order matters
 * only for references: the tasks exist before the state machine, the state machine before the
 * functions that start it.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { setPublicBaseUrl, type AccessResources } from './constructs/access.js';
import { Alarms } from './constructs/alarms.js';
import { Api, CONSOLE_SCOPES } from './constructs/api.js';
import { Console } from './constructs/console.js';
import { loadConfig, type SollecitoConfig } from './constructs/config.js';
import type { HandlerFunction } from './constructs/defaults.js';
import { DeliveryEvents } from './constructs/delivery.js';
import { DossierHandOver } from './constructs/dossier.js';
import { EndedExecutions } from './constructs/ended-executions.js';
import { BankStatements, Ingest } from './constructs/ingest.js';
import { Messaging } from './constructs/messaging.js';
import { acknowledge } from './constructs/nag.js';
import { ReportSchedule } from './constructs/schedule.js';
import { TimelineWakeUps } from './constructs/wake-ups.js';
import { Storage } from './constructs/storage.js';
import { TableStream } from './constructs/stream.js';
import { Workflow } from './constructs/workflow.js';

export interface SollecitoStackProps extends StackProps {
  /** Defaults to the CDK context (cdk.json, -c key=value) read by loadConfig. */
  readonly config?: SollecitoConfig;
}

export class SollecitoStack extends Stack {
  readonly config: SollecitoConfig;
  readonly storage: Storage;
  readonly messaging: Messaging;
  readonly workflow: Workflow;
  readonly tableStream: TableStream;
  readonly dossier: DossierHandOver;
  readonly ingest: Ingest;
  readonly bankStatements: BankStatements;
  readonly delivery: DeliveryEvents;
  readonly endedExecutions: EndedExecutions;
  readonly api: Api;
  readonly console: Console;
  readonly report: ReportSchedule;
  readonly wakeUps: TimelineWakeUps;
  readonly alarms: Alarms;
  /** Every function of the app, for alarms and tests. */
  readonly functions: HandlerFunction[];

  constructor(scope: Construct, id: string, props: SollecitoStackProps = {}) {
    super(scope, id, props);
    const config = (this.config = props.config ?? loadConfig(this.node));
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.storage = new Storage(this, 'Storage');
    this.messaging = new Messaging(this, 'Messaging', { config });
    const base: AccessResources = { config, storage: this.storage, messaging: this.messaging };

    this.workflow = new Workflow(this, 'Workflow', { resources: base, logRetention });
    const resources: AccessResources = {
      ...base,
      stateMachine: { stateMachine: this.workflow.stateMachine, name: this.workflow.stateMachineName },
    };
    this.tableStream = new TableStream(this, 'TableStream', { resources, logRetention });
    this.dossier = new DossierHandOver(this, 'Dossier', { resources, logRetention });
    this.ingest = new Ingest(this, 'Ingest', { resources, logRetention });
    this.bankStatements = new BankStatements(this, 'BankStatements', { resources, logRetention });
    this.delivery = new DeliveryEvents(this, 'DeliveryEvents', { resources, logRetention });
    this.endedExecutions = new EndedExecutions(this, 'EndedExecutions', { resources, stateMachine: this.workflow.stateMachine, logRetention });
    this.api = new Api(this, 'Api', { resources, logRetention });
    // The finance console: its distribution forwards /v1/* to the API, and its URL is the app client's callback.
    this.console = new Console(this, 'Console', {
      httpApi: this.api.httpApi,
      signInOrigin: this.api.signInOrigin,
      clientId: this.api.userPoolClient.userPoolClientId,
      scopes: CONSOLE_SCOPES.map((s) => s.scopeName),
      accessLogs: this.storage.accessLogs,
      logRetention,
    });
    this.api.useConsoleUrl(this.console.url);
    this.report = new ReportSchedule(this, 'Report', { resources, logRetention });
    this.wakeUps = new TimelineWakeUps(this, 'WakeUps', { resources, logRetention });

    this.functions = [
      ...this.workflow.tasks.values(),
      this.tableStream.fn,
      this.tableStream.failuresFn,
      this.dossier.fn,
      this.ingest.fn,
      this.bankStatements.fn,
      this.delivery.fn,
      this.endedExecutions.fn,
      this.wakeUps.fn,
      ...this.api.functions,
      ...(this.report.fn ? [this.report.fn] : []),
    ];
    setPublicBaseUrl(this.functions, this.api.httpApi.apiEndpoint);

    this.alarms = new Alarms(this, 'Alarms', {
      stateMachine: this.workflow.stateMachine,
      functions: this.functions,
      deadLetterQueues: {
        Ingest: this.ingest.deadLetters,
        BankStatements: this.bankStatements.deadLetters,
        TableStream: this.tableStream.failures,
        TableStreamUnhandled: this.tableStream.unhandled,
        Dossier: this.dossier.failures,
        DeliveryEvents: this.delivery.deadLetters,
        EndedExecutions: this.endedExecutions.deadLetters,
        WakeUps: this.wakeUps.deadLetters,
        ...(this.report.deadLetters ? { Report: this.report.deadLetters } : {}),
      },
      // Drained by stream-failures, so waiting messages are rare: every arrival is a batch abandoned.
      arrivals: {
        AbandonedStreamBatches: {
          queue: this.tableStream.failures,
          description: 'A table-stream batch failed every retry: its invoices carry the failure (state TableStream) in the API; their timelines may not run.',
        },
      },
      streamConsumer: this.tableStream.fn,
      httpApi: this.api.httpApi,
      ...(config.alarmEmail ? { alarmEmail: config.alarmEmail } : {}),
    });

    this.endedExecutions.alarmOn(this.alarms.topic);

    this.acknowledgeCdkManagedResources();

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.url, description: 'The finance console: sign in with a user of group finance, admin or viewer' });
    new CfnOutput(this, 'SignInDomain', { value: this.api.signInOrigin, description: 'Cognito managed login (the console signs in there)' });
    new CfnOutput(this, 'ApiUrl', { value: this.api.httpApi.apiEndpoint, description: 'Admin API and base of the customer links' });
    new CfnOutput(this, 'UserPoolId', { value: this.api.userPool.userPoolId, description: 'Cognito user pool: put users in group finance (collectors), admin (their lead) or viewer (read-only)' });
    new CfnOutput(this, 'UserPoolClientId', { value: this.api.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'DocumentsBucket', { value: this.storage.documents.bucketName, description: 'Upload invoices/, customers/ and config/tenant.json here' });
    new CfnOutput(this, 'TableName', { value: this.storage.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: this.workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'LinkSigningKeyArn', { value: this.messaging.linkSecret.secretArn, description: 'Secret with the customer-link HMAC key' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
    const sms = this.messaging.smsFeedback;
    if (sms) {
      new CfnOutput(this, 'SmsEventsTopicArn', { value: sms.topic.topicArn, description: 'Set as the two-way SMS channel of the phone number (docs/deploy.md)' });
      new CfnOutput(this, 'SmsConfigurationSetName', { value: sms.configurationSetName });
    }
  }

  /**
   * Resources CDK itself adds: the Lambda that configures the bucket's S3 notifications
   * (BucketNotificationsHandler) comes with the AWS managed basic execution role.
   */
  private acknowledgeCdkManagedResources(): void {
    const handler = this.node.tryFindChild('BucketNotificationsHandler050a0587b7544547bf325f094a3db834');
    if (!handler) return;
    acknowledge(
      handler,
      'CDK-managed BucketNotificationsHandler (runs at deploy time to set the documents bucket notifications): CDK gives its role the AWS managed AWSLambdaBasicExecutionRole (CloudWatch Logs writes only) and offers no way to replace it.',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    );
  }
}
