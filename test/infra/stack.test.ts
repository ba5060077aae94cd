/**
 * The synthesized CloudFormation: data safety, security defaults, least privilege read from the
 * template itself, the workflow contract with statemachines/dunning.asl.json, the API's auth
 * split, the schedule and the alarms. One synth for the file (bundling off: the template is the
 * same; the last block bundles a function for real and loads it).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAGE_IDS, stateSuffix } from '../../lambdas/domain/timeline/stages.js';
import { TABLE_SCHEMA } from '../../lambdas/adapters/table.js';
import { HANDLER_ACCESS } from '../../infra/constructs/access.js';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../../infra/constructs/config.js';
import { HandlerFunction, REPO_ROOT, handlerExists } from '../../infra/constructs/defaults.js';
import { Messaging } from '../../infra/constructs/messaging.js';
import { DOCUMENT_PREFIXES } from '../../infra/constructs/storage.js';
import { ASL_PATH, handlerOfPlaceholder, taskPlaceholders } from '../../infra/constructs/workflow.js';
import type { SollecitoStack } from '../../infra/stack.js';
import { CDK_JSON_CONTEXT, TEST_ENV, synthStack, type Synthesized } from '../support/synth.js';

type Json = Record<string, any>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** SES configuration-set event types and the EventBridge detail-type SES publishes each as (SES developer guide). */
const SES_DETAIL_TYPES: Record<string, string> = {
  delivery: 'Email Delivered',
  bounce: 'Email Bounced',
  complaint: 'Email Complaint Received',
  deliveryDelay: 'Email Delivery Delayed',
  reject: 'Email Rejected',
  renderingFailure: 'Email Rendering Failed',
};
const SMS_POOL = 'pool-0123456789abcdef0123456789abcdef';

let s: Synthesized;
let stack: SollecitoStack;
let template: Template;
let resources: Record<string, Json>;

const ofType = (type: string, res: Record<string, Json> = resources): [string, Json][] => Object.entries(res).filter(([, r]) => r.Type === type);
const idOf = (c: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(c.node.defaultChild as CfnElement);
const list = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const refersTo = (value: unknown, logicalId: string): boolean => JSON.stringify(value).includes(`"${logicalId}"`);

/** Handler name (plan-timeline…) -> logical id of its function. */
let functionIds: Map<string, string>;
const fnId = (handler: string): string => {
  const id = functionIds.get(handler);
  if (!id) throw new Error(`no function for ${handler}`);
  return id;
};
const envOf = (handler: string): Record<string, unknown> => resources[fnId(handler)]!.Properties.Environment?.Variables ?? {};

/** Every statement of the IAM policies attached to a role. */
const policiesOfRole = (roleId: string, res: Record<string, Json> = resources): Statement[] =>
  ofType('AWS::IAM::Policy', res)
    .filter(([, p]) => list(p.Properties.Roles).some((r) => refersTo(r, roleId)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
const statementsOf = (handler: string): Statement[] =>
  policiesOfRole((resources[fnId(handler)]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
const actionsOf = (handler: string): Set<string> => new Set(statementsOf(handler).flatMap((st) => list(st.Action)));

/** Every statement of every IAM or resource policy in the template, with where it came from. */
const allStatements = (): { where: string; type: string; st: Statement }[] => {
  const out: { where: string; type: string; st: Statement }[] = [];
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const docs: unknown[] = [
      p.PolicyDocument,
      p.KeyPolicy,
      ...list(p.Policies).map((x: Json) => x.PolicyDocument),
    ].filter(Boolean);
    for (const doc of docs) for (const st of (doc as Json).Statement as Statement[]) out.push({ where: id, type: r.Type, st });
  }
  return out;
};

beforeAll(() => {
  s = synthStack({ bundle: false });
  stack = s.stack;
  template = s.template;
  resources = template.toJSON().Resources as Record<string, Json>;
  functionIds = new Map(stack.functions.map((fn) => [fn.handlerName, idOf(fn)]));
  // Synthesis of the whole app can take tens of seconds on a busy 2-core machine.
}, 120_000);

describe('table', () => {
  it('is the single table of TABLE_SCHEMA: keys, both GSIs with ALL projection, stream with both images', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith(
        Object.values(TABLE_SCHEMA.indexes).map((ix) =>
          Match.objectLike({
            IndexName: ix.name,
            KeySchema: [
              { AttributeName: ix.partitionKey, KeyType: 'HASH' },
              { AttributeName: ix.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          }),
        ),
      ),
    });
  });

  it('survives mistakes: point-in-time recovery, deletion protection, KMS encryption, retained on stack delete', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true },
      }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  it('expires items on `ttl`, the attribute Powertools idempotency records use', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  });
});

describe('buckets', () => {
  it('every bucket blocks public access, is versioned, encrypted and retained', () => {
    const buckets = ofType('AWS::S3::Bucket');
    expect(buckets.length).toBeGreaterThan(0);
    for (const [id, b] of buckets) {
      expect(b.Properties.PublicAccessBlockConfiguration, id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(b.Properties.VersioningConfiguration, id).toEqual({ Status: 'Enabled' });
      expect(b.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm, id).toMatch(/^(AES256|aws:kms)$/);
      expect(b.DeletionPolicy, id).toBe('Retain');
      expect(JSON.stringify(b.Properties.LifecycleConfiguration), id).toContain('AbortIncompleteMultipartUpload');
    }
  });

  it('every bucket denies requests that do not use TLS', () => {
    for (const [id] of ofType('AWS::S3::Bucket')) {
      const policies = ofType('AWS::S3::BucketPolicy').filter(([, p]) => refersTo(p.Properties.Bucket, id));
      const denies = policies.flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]).filter((st) => st.Effect === 'Deny');
      expect(
        denies.some((st) => JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } })),
        `${id} has no Deny on aws:SecureTransport=false`,
      ).toBe(true);
    }
  });

  it('the documents bucket logs its access to the log bucket and expires old versions', () => {
    const docs = idOf(stack.storage.documents);
    const logBucket = idOf(stack.storage.accessLogs);
    const props = resources[docs]!.Properties;
    expect(props.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: logBucket });
    expect(props.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: expect.objectContaining({ NoncurrentDays: expect.any(Number) }) })]),
    );
    // No rule ever deletes a current invoice.
    for (const rule of props.LifecycleConfiguration.Rules as Json[]) {
      if (rule.ExpirationInDays !== undefined) expect(rule.Prefix).toBe(DOCUMENT_PREFIXES.rejected);
    }
  });
});

describe('functions', () => {
  it('every function of the app is Node.js 22 on arm64 with active tracing, its own log group and source maps', () => {
    expect([...functionIds.keys()].sort()).toEqual(
      expect.arrayContaining(['plan-timeline', 'send-reminder', 'table-stream', 'ingest', 'admin-api'].filter(handlerExists)),
    );
    for (const [handler, id] of functionIds) {
      const p = resources[id]!.Properties;
      expect({ handler, runtime: p.Runtime, arch: p.Architectures, tracing: p.TracingConfig }).toEqual({
        handler,
        runtime: 'nodejs22.x',
        arch: ['arm64'],
        tracing: { Mode: 'Active' },
      });
      expect(p.Handler, handler).toBe('index.handler');
      expect(p.LoggingConfig.LogGroup, handler).toEqual({ Ref: expect.any(String) });
      // Source maps ship but are not loaded at start: that would cost every cold start (npm run decode-stack reads them).
      expect(p.Environment.Variables.NODE_OPTIONS, handler).toBeUndefined();
    }
  });

  it('every Lambda in the template is one of ours, except CDK\'s own bucket-notification helper', () => {
    const ours = new Set(functionIds.values());
    const others = ofType('AWS::Lambda::Function').filter(([id]) => !ours.has(id));
    for (const [id] of others) expect(id).toMatch(/^BucketNotificationsHandler/);
  });

  it('log groups keep their logs for the configured retention', () => {
    for (const [id, g] of ofType('AWS::Logs::LogGroup')) expect(g.Properties.RetentionInDays, id).toBe(DEFAULT_CONFIG.logRetentionDays);
  });

  it('gets the configuration its adapters read, and only with the permission that makes it usable', () => {
    const pairs: [env: string, action: string][] = [
      ['SENDER_EMAIL', 'ses:SendEmail'],
      ['STATE_MACHINE_ARN', 'states:StartExecution'],
      ['EVENT_BUS_NAME', 'events:PutEvents'],
      ['LINK_SECRET_ARN', 'secretsmanager:GetSecretValue'],
    ];
    for (const handler of functionIds.keys()) {
      const env = envOf(handler);
      const actions = actionsOf(handler);
      expect(env.TABLE_NAME, handler).toEqual({ Ref: idOf(stack.storage.table) });
      expect(env.TENANT_ID, handler).toBe(DEFAULT_CONFIG.tenantId);
      for (const [name, action] of pairs) expect({ handler, name, has: name in env }).toEqual({ handler, name, has: actions.has(action) });
      expect({ handler, bucket: 'BUCKET_NAME' in env }).toEqual({ handler, bucket: actions.has('s3:GetObject') || actions.has('s3:PutObject') });
      // The links in customer messages need both the key and the base URL (lambdas/handlers/lib/message-links.ts).
      expect({ handler, url: 'PUBLIC_BASE_URL' in env }).toEqual({ handler, url: 'LINK_SECRET_ARN' in env });
    }
  });

  it('the functions that send customer messages carry the signing key and the API URL; the planner carries neither', () => {
    for (const handler of ['send-reminder', 'check-promise', 'credit-hold', 'escalate', 'table-stream']) {
      expect(envOf(handler).LINK_SECRET_ARN, handler).toEqual({ Ref: idOf(stack.messaging.linkSecret) });
      expect(JSON.stringify(envOf(handler).PUBLIC_BASE_URL), handler).toContain(idOf(stack.api.httpApi));
    }
    expect(envOf('plan-timeline')).not.toHaveProperty('LINK_SECRET_ARN');
    expect(envOf('plan-timeline')).not.toHaveProperty('SENDER_EMAIL');
  });

  it('table-stream may publish CreditHoldReleased on the domain bus, and only there', () => {
    const bus = idOf(stack.messaging.bus);
    expect(envOf('table-stream').EVENT_BUS_NAME).toEqual({ Ref: bus });
    const puts = statementsOf('table-stream').filter((st) => list(st.Action).includes('events:PutEvents'));
    expect(puts.flatMap((st) => list(st.Resource))).toEqual([{ 'Fn::GetAtt': [bus, 'Arn'] }]);
  });

  it('every function that queries the table may query its indexes too (send-reminder reads gsi2 by customer)', () => {
    const table = idOf(stack.storage.table);
    const indexes = { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] };
    expect(actionsOf('send-reminder').has('dynamodb:Query')).toBe(true);
    for (const handler of functionIds.keys()) {
      const queries = statementsOf(handler).filter((st) => list(st.Action).includes('dynamodb:Query'));
      expect(queries.length, handler).toBeGreaterThan(0);
      for (const st of queries) expect(list(st.Resource), handler).toEqual(expect.arrayContaining([{ 'Fn::GetAtt': [table, 'Arn'] }, indexes]));
    }
  });

  it('ingest has a dead-letter queue for failed asynchronous invocations', () => {
    const dlq = resources[fnId('ingest')]!.Properties.DeadLetterConfig;
    expect(dlq).toEqual({ TargetArn: { 'Fn::GetAtt': [idOf(stack.ingest.deadLetters), 'Arn'] } });
  });
});

describe('least privilege', () => {
  it('no Allow statement anywhere has a wildcard action', () => {
    const offending = allStatements()
      .filter(({ st }) => st.Effect === 'Allow')
      .flatMap(({ where, st }) => list(st.Action).filter((a) => a.includes('*')).map((a) => `${where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('Resource "*" appears only with actions that support no resource-level permission', () => {
    const allowed = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'dynamodb:ListStreams',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);
    const offending = allStatements()
      // In a key policy, "*" means the key itself.
      .filter(({ type, st }) => type !== 'AWS::KMS::Key' && st.Effect === 'Allow' && list(st.Resource).includes('*'))
      .flatMap(({ where, st }) => list(st.Action).filter((a) => !allowed.has(a)).map((a) => `${where}: ${a}`));
    expect(offending).toEqual([]);
  });

  it('no role carries an AWS managed policy, except CDK\'s bucket-notification helper', () => {
    for (const [id, role] of ofType('AWS::IAM::Role')) {
      if (role.Properties.ManagedPolicyArns) expect(id).toMatch(/^BucketNotificationsHandler/);
    }
  });

  it('every DynamoDB statement names the table (its ARN, indexes or stream)', () => {
    const table = idOf(stack.storage.table);
    const dynamo = allStatements().filter(({ st }) => list(st.Action).some((a) => a.startsWith('dynamodb:') && a !== 'dynamodb:ListStreams'));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const { where, st } of dynamo) for (const r of list(st.Resource)) expect(refersTo(r, table), `${where} ${JSON.stringify(r)}`).toBe(true);
  });

  it('the planner only reads the table; the writers do not get DeleteTable-class rights', () => {
    const planner = actionsOf('plan-timeline');
    expect(planner.has('dynamodb:GetItem')).toBe(true);
    for (const a of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']) expect(planner.has(a), a).toBe(false);
    const everything = allStatements().flatMap(({ st }) => list(st.Action));
    for (const a of ['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 's3:DeleteObject', 's3:DeleteBucket']) expect(everything).not.toContain(a);
  });

  it('S3 object access is by prefix: nobody reads or writes the whole bucket', () => {
    const bucket = idOf(stack.storage.documents);
    const objectStatements = allStatements().filter(
      ({ type, st }) => type === 'AWS::IAM::Policy' && st.Effect === 'Allow' && list(st.Action).some((a) => a === 's3:GetObject' || a === 's3:PutObject'),
    );
    expect(objectStatements.length).toBeGreaterThan(0);
    const prefixes = Object.values(DOCUMENT_PREFIXES);
    for (const { where, st } of objectStatements) {
      for (const r of list(st.Resource)) {
        const parts = (r as Json)['Fn::Join']?.[1] as unknown[] | undefined;
        expect(refersTo(parts?.[0], bucket), where).toBe(true);
        const suffix = String(parts?.[1]);
        expect(prefixes.some((p) => suffix === `/${p}*`), `${where}: ${suffix}`).toBe(true);
      }
    }
    // Ingest writes only its rejection reports.
    const ingestWrites = statementsOf('ingest').filter((st) => list(st.Action).includes('s3:PutObject'));
    expect(ingestWrites.flatMap((st) => list(st.Resource)).map((r) => String((r as Json)['Fn::Join'][1][1]))).toEqual([`/${DOCUMENT_PREFIXES.rejected}*`]);
  });

  it('SES sending is scoped to the sender identity and the configuration set', () => {
    const identity = idOf(stack.node.findChild('Messaging').node.findChild('SenderIdentity') as never);
    const configSet = idOf(stack.messaging.configurationSet);
    const ses = allStatements().filter(({ st }) => list(st.Action).some((a) => a.startsWith('ses:')));
    expect(ses.length).toBeGreaterThan(0);
    for (const { where, st } of ses) {
      expect(list(st.Action), where).toEqual(['ses:SendEmail']);
      const rs = list(st.Resource);
      expect(rs.length, where).toBe(2);
      expect(rs.some((r) => refersTo(r, identity)), where).toBe(true);
      expect(rs.some((r) => refersTo(r, configSet) && JSON.stringify(r).includes(':configuration-set/')), where).toBe(true);
    }
  });

  it('executions are started on the state machine and stopped only among its own executions', () => {
    const sm = idOf(stack.workflow.stateMachine);
    for (const { st } of allStatements().filter(({ st }) => list(st.Action).includes('states:StartExecution'))) {
      expect(st.Resource).toEqual({ Ref: sm });
    }
    const stops = allStatements().filter(({ st }) => list(st.Action).includes('states:StopExecution'));
    expect(stops.length).toBeGreaterThan(0);
    for (const { st } of stops) {
      expect(st.Resource).toBe(`arn:aws:states:${TEST_ENV.region}:${TEST_ENV.account}:execution:${stack.workflow.stateMachineName}:*`);
    }
  });

  it('no SMS permission is granted while no origination identity is configured', () => {
    expect(allStatements().flatMap(({ st }) => list(st.Action)).filter((a) => a.startsWith('sms-voice:'))).toEqual([]);
  });
});

describe('messaging', () => {
  it('the configuration set sends bounces, complaints and deliveries to the default event bus', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      ConfigurationSetName: { Ref: idOf(stack.messaging.configurationSet) },
      EventDestination: {
        Enabled: true,
        EventBridgeDestination: { EventBusArn: `arn:aws:events:${TEST_ENV.region}:${TEST_ENV.account}:event-bus/default` },
        MatchingEventTypes: Match.anyValue(),
      },
    });
    const [, destination] = ofType('AWS::SES::ConfigurationSetEventDestination')[0]!;
    // Every event delivery-events turns into a log entry, a customer change or a task.
    expect([...(destination.Properties.EventDestination.MatchingEventTypes as string[])].sort()).toEqual(
      Object.keys(SES_DETAIL_TYPES).sort(),
    );
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: DEFAULT_CONFIG.senderEmail });
  });

  it('with an origination identity, SendTextMessage is granted on that one phone number and the SMS configuration set', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'SmsOnly', { env: TEST_ENV });
    const messaging = new Messaging(st, 'Messaging', {
      config: { ...DEFAULT_CONFIG, smsOriginationIdentity: 'phone-number-0123456789abcdef0123456789abcdef' },
    });
    const role = new iam.Role(st, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(messaging.grantSendSms(role)).toBe(true);
    Template.fromStack(st).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'sms-voice:SendTextMessage',
            Effect: 'Allow',
            Resource: [
              `arn:aws:sms-voice:${TEST_ENV.region}:${TEST_ENV.account}:phone-number/phone-number-0123456789abcdef0123456789abcdef`,
              { 'Fn::GetAtt': [st.getLogicalId(messaging.smsFeedback!.configurationSet), 'Arn'] },
            ],
          },
        ],
      },
    });
  });

  it('in the SES sandbox the finance inboxes become identities the senders may address', () => {
    const app = new App({ context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'Sandbox', { env: TEST_ENV });
    const messaging = new Messaging(st, 'Messaging', {
      config: { ...DEFAULT_CONFIG, sesSandbox: true, financeInboxes: ['ar@example.com'], agencyEmail: 'files@agency.example' },
    });
    const role = new iam.Role(st, 'Sender', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    messaging.grantSendEmail(role);
    const t = Template.fromStack(st);
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'ar@example.com' });
    t.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'files@agency.example' });
    const statement = Object.values(t.findResources('AWS::IAM::Policy'))[0]!.Properties.PolicyDocument.Statement[0];
    expect(statement.Resource).toHaveLength(4);
  });
});

describe('delivery feedback', () => {
  const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

  it('a rule on the default bus sends the SES events to delivery-events, with retries and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.EventPattern?.source) === '["aws.ses"]');
    expect(rules).toHaveLength(1);
    const [ruleId, rule] = rules[0]!;
    // No EventBusName: the account's default bus, the only one SES publishes to.
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.EventPattern.source).toEqual(['aws.ses']);
    expect([...(rule.Properties.EventPattern['detail-type'] as string[])].sort()).toEqual(Object.values(SES_DETAIL_TYPES).sort());
    const targets = rule.Properties.Targets as Json[];
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      Arn: getAtt(fnId('delivery-events')),
      DeadLetterConfig: { Arn: getAtt(idOf(stack.delivery.deadLetters)) },
    });
    expect(targets[0]!.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: getAtt(fnId('delivery-events')),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(ruleId),
    });
  });

  it('failed invocations of delivery-events land in its dead-letter queue, which EventBridge may write to from that rule only', () => {
    const dlq = idOf(stack.delivery.deadLetters);
    expect(resources[fnId('delivery-events')]!.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(dlq) });
    const allows = ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => refersTo(p.Properties.Queues, dlq))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const st of allows) {
      expect(list(st.Action)).toEqual(['sqs:SendMessage']);
      expect(st.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': getAtt(idOf(stack.delivery.sesRule)) } });
    }
  });

  it('delivery-events may touch the table and nothing else (besides its logs, traces and dead-letter queue)', () => {
    const table = idOf(stack.storage.table);
    const statements = statementsOf('delivery-events');
    expect(statements.some((st) => list(st.Action).includes('dynamodb:PutItem'))).toBe(true);
    for (const st of statements) {
      const actions = list(st.Action);
      const where = JSON.stringify(actions);
      const services = new Set(actions.map((a) => a.split(':')[0]));
      expect(services.size, where).toBe(1);
      const resourcesOf = list(st.Resource);
      if (services.has('dynamodb')) {
        for (const r of resourcesOf) expect(refersTo(r, table), where).toBe(true);
      } else if (services.has('logs')) {
        expect(resourcesOf, where).toEqual([getAtt(idOf(stack.delivery.fn.logGroup))]);
      } else if (services.has('xray')) {
        expect(actions.sort(), where).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      } else {
        expect({ actions, resourcesOf }).toEqual({ actions: ['sqs:SendMessage'], resourcesOf: [getAtt(idOf(stack.delivery.deadLetters))] });
      }
    }
    expect(Object.keys(envOf('delivery-events')).filter((k) => !/^(POWERTOOLS_|NODE_OPTIONS$|AWS_)/.test(k)).sort()).toEqual(['TABLE_NAME', 'TENANT_ID']);
  });

  it('without an origination identity there is no SMS configuration set, topic or SMS_CONFIGURATION_SET', () => {
    expect(ofType('AWS::SMSVOICE::ConfigurationSet')).toEqual([]);
    expect(stack.messaging.smsFeedback).toBeUndefined();
    for (const handler of functionIds.keys()) expect(envOf(handler), handler).not.toHaveProperty('SMS_CONFIGURATION_SET');
  });
});

describe('delivery feedback with SMS configured', () => {
  let sms: Synthesized;
  let res: Record<string, Json>;
  let topic: string;
  let key: string;
  let configSet: string;
  const idIn = (c: { node: { defaultChild?: unknown } }) => sms.stack.getLogicalId(c.node.defaultChild as CfnElement);
  const fnIdIn = (handler: string) => idIn(sms.stack.functions.find((f) => f.handlerName === handler)!);
  const roleOf = (handler: string) => (res[fnIdIn(handler)]!.Properties.Role as Json)['Fn::GetAtt'][0] as string;

  beforeAll(() => {
    sms = synthStack({ bundle: false, context: { smsOriginationIdentity: SMS_POOL } });
    res = sms.template.toJSON().Resources as Record<string, Json>;
    const feedback = sms.stack.messaging.smsFeedback!;
    topic = idIn(feedback.topic);
    key = idIn(feedback.key);
    configSet = sms.stack.getLogicalId(feedback.configurationSet);
  }, 120_000);

  it('the SMS configuration set publishes every text event (TEXT_ALL) to the SMS topic', () => {
    expect(ofType('AWS::SMSVOICE::ConfigurationSet', res)).toHaveLength(1);
    expect(res[configSet]!.Properties.EventDestinations).toEqual([
      expect.objectContaining({ Enabled: true, MatchingEventTypes: ['TEXT_ALL'], SnsDestination: { TopicArn: { Ref: topic } } }),
    ]);
  });

  it('the SMS topic is encrypted under a rotating key and refuses plain HTTP; End User Messaging of this account alone may publish', () => {
    expect(res[topic]!.Properties.KmsMasterKeyId).toEqual(expect.objectContaining({ 'Fn::GetAtt': [key, 'Arn'] }));
    expect(res[key]!.Properties.EnableKeyRotation).toBe(true);
    const fromOurSms = {
      StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
      ArnLike: { 'aws:SourceArn': `arn:aws:sms-voice:${TEST_ENV.region}:${TEST_ENV.account}:*` },
    };
    const keyStatements = res[key]!.Properties.KeyPolicy.Statement as (Statement & { Principal: Json })[];
    const smsKeyUse = keyStatements.filter((st) => JSON.stringify(st.Principal).includes('sms-voice.amazonaws.com'));
    expect(smsKeyUse).toHaveLength(1);
    expect(smsKeyUse[0]!.Condition).toEqual(fromOurSms);
    expect(list(smsKeyUse[0]!.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);

    const topicStatements = ofType('AWS::SNS::TopicPolicy', res)
      .filter(([, p]) => refersTo(p.Properties.Topics, topic))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as (Statement & { Principal: Json })[]);
    expect(topicStatements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(true);
    const allows = topicStatements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 'sns:Publish', Principal: { Service: 'sms-voice.amazonaws.com' }, Condition: fromOurSms });
    // The destination is created only once End User Messaging may publish.
    const policyId = ofType('AWS::SNS::TopicPolicy', res).find(([, p]) => refersTo(p.Properties.Topics, topic))![0];
    expect(sms.template.toJSON().Resources[configSet].DependsOn).toEqual(expect.arrayContaining([policyId]));
  });

  it('delivery-events is subscribed to the SMS topic, with the dead-letter queue for what SNS cannot hand over', () => {
    const fn = { 'Fn::GetAtt': [fnIdIn('delivery-events'), 'Arn'] };
    const dlq = idIn(sms.stack.delivery.deadLetters);
    const subs = ofType('AWS::SNS::Subscription', res).filter(([, sub]) => refersTo(sub.Properties.TopicArn, topic));
    expect(subs.map(([, sub]) => sub.Properties)).toEqual([
      { Protocol: 'lambda', Endpoint: fn, TopicArn: { Ref: topic }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    ]);
    sms.template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: fn, Principal: 'sns.amazonaws.com', SourceArn: { Ref: topic } });
    // Still nothing but the table: SNS decrypts for its subscribers, the function never sees the key.
    const actions = policiesOfRole(roleOf('delivery-events'), res).flatMap((st) => list(st.Action));
    expect(actions.filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual(['sqs:SendMessage']);
  });

  it('every function that texts sends through the configuration set, and may use only it and the pool', () => {
    const texting = Object.entries(HANDLER_ACCESS).filter(([h, a]) => a.sms && handlerExists(h)).map(([h]) => h);
    expect(texting).toEqual(expect.arrayContaining(['send-reminder']));
    for (const fn of sms.stack.functions) {
      const env = res[idIn(fn)]!.Properties.Environment.Variables as Json;
      const smsStatements = policiesOfRole(roleOf(fn.handlerName), res).filter((st) => list(st.Action).some((a) => a.startsWith('sms-voice:')));
      if (!texting.includes(fn.handlerName)) {
        expect({ handler: fn.handlerName, env: 'SMS_CONFIGURATION_SET' in env, grants: smsStatements.length }).toEqual({ handler: fn.handlerName, env: false, grants: 0 });
        continue;
      }
      expect(env.SMS_CONFIGURATION_SET, fn.handlerName).toEqual({ Ref: configSet });
      expect(env.SMS_ORIGINATION_IDENTITY, fn.handlerName).toBe(SMS_POOL);
      expect(smsStatements.map((st) => ({ action: st.Action, resources: list(st.Resource) })), fn.handlerName).toEqual([
        {
          action: 'sms-voice:SendTextMessage',
          resources: [`arn:aws:sms-voice:${TEST_ENV.region}:${TEST_ENV.account}:pool/${SMS_POOL}`, { 'Fn::GetAtt': [configSet, 'Arn'] }],
        },
      ]);
    }
  });
});

describe('workflow', () => {
  const definition = readFileSync(ASL_PATH, 'utf8');

  it('finds the tasks by scanning the definition, so a new task needs only its handler file', () => {
    expect(taskPlaceholders('{"A":{"Resource":"${NotifySalesFunctionArn}"},"B":{"Resource":"${NotifySalesFunctionArn}"}}')).toEqual(['NotifySales']);
    expect(handlerOfPlaceholder('NotifySales')).toBe('notify-sales');
    expect(handlerOfPlaceholder('PlanTimeline')).toBe('plan-timeline');
  });

  it('substitutes every ${XxxFunctionArn} of the definition with the function of handler xxx', () => {
    const sm = resources[idOf(stack.workflow.stateMachine)]!.Properties;
    const placeholders = taskPlaceholders(definition);
    expect(Object.keys(sm.DefinitionSubstitutions).sort()).toEqual(placeholders.map((p) => `${p}FunctionArn`).sort());
    for (const p of placeholders) {
      expect(sm.DefinitionSubstitutions[`${p}FunctionArn`], p).toEqual({ 'Fn::GetAtt': [fnId(handlerOfPlaceholder(p)), 'Arn'] });
    }
  });

  it('may invoke exactly its task functions', () => {
    const roleId = (resources[idOf(stack.workflow.stateMachine)]!.Properties.RoleArn as Json)['Fn::GetAtt'][0] as string;
    const granted = policiesOfRole(roleId)
      .filter((st) => list(st.Action).includes('lambda:InvokeFunction'))
      .flatMap((st) => list(st.Resource))
      .map((r) => (r as Json)['Fn::GetAtt'][0] as string);
    const tasks = taskPlaceholders(definition).map((p) => fnId(handlerOfPlaceholder(p)));
    expect(granted.sort()).toEqual(tasks.sort());
  });

  it('is a Standard workflow that logs every event without execution data, and is traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });

  it('deploys the ASL file as it is: one named Wait state per stage', () => {
    const sm = resources[idOf(stack.workflow.stateMachine)]!.Properties;
    const file = s.assetPath(sm.DefinitionS3Location.Key as string);
    expect(file, 'the definition asset in the cloud assembly').toBeDefined();
    const deployed = JSON.parse(readFileSync(file!, 'utf8')) as { States: Record<string, { Type: string }> };
    for (const stage of STAGE_IDS) expect(deployed.States[`Wait${stateSuffix(stage)}`]?.Type, stage).toBe('Wait');
    expect(deployed.States.WaitPromiseCheck?.Type).toBe('Wait');
  });
});

describe('table stream', () => {
  it('feeds only invoice items to table-stream, reports failures per record and parks the hopeless ones', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('table-stream') },
      EventSourceArn: { 'Fn::GetAtt': [idOf(stack.storage.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [idOf(stack.tableStream.failures), 'Arn'] } } },
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { entity: { S: ['invoice'] } } } }) },
          { Pattern: JSON.stringify({ dynamodb: { OldImage: { entity: { S: ['invoice'] } } } }) },
        ],
      },
    });
  });
});

describe('stream failures', () => {
  it('stream-failures drains the parked batches (partial batch response); what it cannot handle moves on after 5 receives', () => {
    const failures = idOf(stack.tableStream.failures);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnId('stream-failures') },
      EventSourceArn: { 'Fn::GetAtt': [failures, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const timeout = resources[fnId('stream-failures')]!.Properties.Timeout as number;
    expect(resources[failures]!.Properties).toMatchObject({
      VisibilityTimeout: timeout * 6,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [idOf(stack.tableStream.unhandled), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('stream-failures may read the table and its stream and write the table, nothing else (besides its logs, traces and queue)', () => {
    const table = idOf(stack.storage.table);
    const statements = statementsOf('stream-failures');
    const streamRead = statements.find((st) => list(st.Action).includes('dynamodb:DescribeStream'));
    expect(list(streamRead?.Resource)).toEqual([{ 'Fn::GetAtt': [table, 'StreamArn'] }]);
    for (const st of statements) {
      const actions = list(st.Action);
      const services = new Set(actions.map((a) => a.split(':')[0]));
      expect(services.size, JSON.stringify(actions)).toBe(1);
      if (services.has('dynamodb')) for (const r of list(st.Resource)) expect(refersTo(r, table), JSON.stringify(actions)).toBe(true);
      else if (services.has('sqs')) expect(list(st.Resource)).toEqual([{ 'Fn::GetAtt': [idOf(stack.tableStream.failures), 'Arn'] }]);
      else expect(['logs', 'xray']).toContain([...services][0]);
    }
  });

  it('every batch that arrives in the queue is alarmed, drained or not', () => {
    const [arrived] = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'NumberOfMessagesSent');
    expect(arrived?.[1].Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(stack.tableStream.failures), 'QueueName'] } }],
    });
  });
});

describe('ingest', () => {
  it('is notified of new objects under invoices/, customers/ and config/ only', () => {
    const [, notifications] = ofType('Custom::S3BucketNotifications')[0]!;
    const configs = notifications.Properties.NotificationConfiguration.LambdaFunctionConfigurations as Json[];
    expect(configs.map((c) => c.Filter.Key.FilterRules[0].Value).sort()).toEqual(['config/', 'customers/', 'invoices/']);
    for (const c of configs) {
      expect(c.Events).toEqual(['s3:ObjectCreated:*']);
      expect(c.LambdaFunctionArn).toEqual({ 'Fn::GetAtt': [fnId('ingest'), 'Arn'] });
    }
  });
});

describe('api', () => {
  const routes = () => ofType('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties as Json);

  it('requires a Cognito JWT on every route but GET /health and the customer-link pages', () => {
    const rs = routes();
    expect(rs.map((r) => r.RouteKey)).toEqual(expect.arrayContaining(['GET /health', 'GET /openapi.json', 'ANY /v1/{proxy+}']));
    for (const r of rs) {
      const isPublic = r.RouteKey === 'GET /health' || / \/c\//.test(r.RouteKey as string);
      expect({ route: r.RouteKey, auth: r.AuthorizationType }).toEqual({ route: r.RouteKey, auth: isPublic ? 'NONE' : 'JWT' });
      if (!isPublic) expect(r.AuthorizerId, r.RouteKey).toBeDefined();
    }
  });

  it.skipIf(!handlerExists('customer-pages'))('serves GET and POST /c/{proxy+} from the customer-pages function, without JWT', () => {
    const customer = routes().filter((r) => / \/c\//.test(r.RouteKey as string));
    expect(customer.map((r) => r.RouteKey).sort()).toEqual(['GET /c/{proxy+}', 'POST /c/{proxy+}']);
    const integrations = Object.fromEntries(ofType('AWS::ApiGatewayV2::Integration'));
    for (const r of customer) {
      const integrationId = (r.Target as Json)['Fn::Join'][1][1].Ref as string;
      expect(integrations[integrationId]!.Properties.IntegrationUri).toEqual({ 'Fn::GetAtt': [fnId('customer-pages'), 'Arn'] });
      expect(integrations[integrationId]!.Properties.PayloadFormatVersion).toBe('2.0');
    }
  });

  it('trusts tokens of its own user pool and app client', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: idOf(stack.api.userPoolClient) }],
        Issuer: { 'Fn::Join': ['', [Match.stringLikeRegexp('^https://cognito-idp\\.'), { Ref: idOf(stack.api.userPool) }]] },
      },
    });
    for (const groupName of ['finance', 'viewer']) {
      template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: groupName, UserPoolId: { Ref: idOf(stack.api.userPool) } });
    }
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
    });
  });

  it('throttles the stage and writes access logs keyed by route, never by raw path', () => {
    const [, stage] = ofType('AWS::ApiGatewayV2::Stage')[0]!;
    expect(stage.Properties.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    expect(stage.Properties.DefaultRouteSettings.ThrottlingBurstLimit).toBeGreaterThan(0);
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(Object.values(format)).toContain('$context.routeKey');
    // Customer-link paths carry the signed token.
    expect(Object.values(format).join(' ')).not.toMatch(/\$context\.(path|http\.path|resourcePath)\b/);
  });
});

describe('ageing report schedule', () => {
  it.skipIf(!handlerExists('ageing-report'))('invokes ageing-report on Monday 08:00 Europe/Rome with the scheduled time as idempotency key', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: DEFAULT_CONFIG.reportSchedule,
      ScheduleExpressionTimezone: DEFAULT_CONFIG.reportTimeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [fnId('ageing-report'), 'Arn'] },
        Input: Match.serializedJson(Match.objectLike({ scheduledTime: '<aws.scheduler.scheduled-time>' })),
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('alarms', () => {
  let topic: string;
  beforeAll(() => {
    topic = idOf(stack.alarms.topic);
  });

  const alarmsOn = (metric: string): Json[] =>
    ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties as Json)
      .filter((a) => a.MetricName === metric);

  it('the alarm topic is KMS-encrypted and only reachable over TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const denies = ofType('AWS::SNS::TopicPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(denies.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('a failed or timed-out dunning execution notifies the topic', () => {
    const sm = idOf(stack.workflow.stateMachine);
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut']) {
      const [alarm] = alarmsOn(metric);
      expect(alarm, metric).toMatchObject({
        Namespace: 'AWS/States',
        Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: sm } }],
        Threshold: 1,
        AlarmActions: [{ Ref: topic }],
      });
    }
  });

  it('every function has an Errors alarm; every dead-letter queue and the stream age have one', () => {
    const errors = alarmsOn('Errors');
    for (const [handler, id] of functionIds) {
      expect(errors.some((a) => refersTo(a.Dimensions, id) && refersTo(a.AlarmActions, topic)), handler).toBe(true);
    }
    const queues = ofType('AWS::SQS::Queue').map(([id]) => id);
    const visible = alarmsOn('ApproximateNumberOfMessagesVisible');
    for (const q of queues) expect(visible.some((a) => refersTo(a.Dimensions, q)), q).toBe(true);
    const [age] = alarmsOn('IteratorAge');
    expect(age).toMatchObject({ Statistic: 'Maximum', Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId('table-stream') } }] });
  });
});

describe('config from CDK context', () => {
  const load = (context: Record<string, unknown>) => loadConfig(new App({ context }).node);

  it('defaults to the Monday 08:00 Europe/Rome report and no SMS', () => {
    const c = load({});
    expect(c.reportSchedule).toBe('cron(0 8 ? * MON *)');
    expect(c.reportTimeZone).toBe('Europe/Rome');
    expect(c.smsOriginationIdentity).toBeUndefined();
  });

  it('reads lists from cdk.json arrays and from -c comma strings', () => {
    expect(load({ financeInboxes: ['a@x.it', 'b@x.it'] }).financeInboxes).toEqual(['a@x.it', 'b@x.it']);
    expect(load({ financeInboxes: 'a@x.it, b@x.it' }).financeInboxes).toEqual(['a@x.it', 'b@x.it']);
    expect(load({ createSenderIdentity: 'false' }).createSenderIdentity).toBe(false);
  });

  it('rejects bad values naming the key and the reason', () => {
    expect(() => load({ senderEmail: 'billing' })).toThrow(/context "senderEmail": "billing" is not an e-mail address/);
    expect(() => load({ financeInboxes: ['ok@x.it', 'nope'] })).toThrow(/financeInboxes\[1\]/);
    expect(() => load({ reportTimeZone: 'Europe/Atlantis' })).toThrow(/reportTimeZone.*IANA/);
    expect(() => load({ smsOriginationIdentity: '+393331234567' })).toThrow(/smsOriginationIdentity.*phone number id/);
    expect(() => load({ tenantId: 'Rossi SpA' })).toThrow(ConfigError);
    expect(() => load({ senderEmail: 'a@rossi.it', senderIdentity: 'other.it' })).toThrow(/senderIdentity/);
    expect(() => load({ logRetentionDays: 10 })).toThrow(/logRetentionDays/);
  });
});

describe('bundling', () => {
  // One real esbuild run through NodejsFunction: ESM with the require() banner, JSON templates
  // inlined, the SDK inside, a source map next to it; then the bundle is loaded like Lambda would.
  const handler = 'ageing-report';
  let dir: string;
  let outdir: string | undefined;

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  beforeAll(() => {
    if (!handlerExists(handler)) return;
    outdir = mkdtempSync(join(tmpdir(), 'sollecito-bundle-'));
    const app = new App({ outdir, context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'BundleCheck', { env: TEST_ENV });
    const fn = new HandlerFunction(st, 'Fn', { handler, description: 'bundle check', logRetention: logs.RetentionDays.ONE_DAY });
    const assembly = app.synth();
    const key = (Template.fromStack(st).toJSON().Resources as Record<string, Json>)[st.getLogicalId(fn.node.defaultChild as CfnElement)]!.Properties.Code.S3Key as string;
    dir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  }, 120_000);

  it.skipIf(!handlerExists(handler))('produces index.mjs with the require() banner, the SDK and the JSON templates inside, and a source map', () => {
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith('import')).toBe(true);
    expect(code.slice(0, 300)).toMatch(/createRequire/);
    const words = JSON.parse(readFileSync(join(REPO_ROOT, 'templates', 'report', 'it.json'), 'utf8')) as Record<string, unknown>;
    const sample = Object.values(words).find((v): v is string => typeof v === 'string' && v.length > 8);
    expect(sample, 'a sentence from templates/report/it.json').toBeDefined();
    expect(code).toContain(JSON.stringify(sample).slice(1, -1));
    const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((p) => p.includes('lambdas/handlers/ageing-report.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  // From a temporary directory with no node_modules above it: only what is inside the bundle resolves.
  it.skipIf(!handlerExists(handler))('loads as an ES module outside the repo (SDK and dependencies inside) and exports the handler', async () => {
    process.env.TABLE_NAME ??= 'bundle-check';
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
  });

});
