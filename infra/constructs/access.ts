/**
 * The one function that turns what each Lambda may touch (handler-access.ts) into IAM grants and
 * environment variables. A function gets an environment variable only with the permission that
 * makes it useful.
 */
import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { SollecitoConfig } from './config.js';
import type { HandlerFunction } from './defaults.js';
import type { Messaging } from './messaging.js';
import { acknowledge, acknowledgeResourcelessActions, acknowledgeWildcardResources } from './nag.js';
import type { Storage } from './storage.js';

export * from './handler-access.js';
import { TENANT_ITEM_ACTIONS, TENANT_UPDATE_ACTIONS, accessOf, type HandlerAccess } from './handler-access.js';

/** The dunning state machine's name, fixed so its ARN is known before it exists (its own tasks start mailbox runs). */
export const dunningStateMachineName = (scope: Construct): string => `${Stack.of(scope).stackName}-dunning`;

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
