/**
 * Delivery feedback into delivery-events: the SES events through the default bus, and with an
 * SMS origination identity the SMS configuration set, its encrypted topic and the senders' grants.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ACCESS } from '../../infra/constructs/access.js';
import { handlerExists } from '../../infra/constructs/defaults.js';
import { TEST_ENV } from '../support/synth.js';
import { SES_DETAIL_TYPES, SYNTH_TIMEOUT_MS, list, refersTo, stackTemplate, type Json, type StackTemplate, type Statement } from '../support/stack-template.js';

const SMS_POOL = 'pool-0123456789abcdef0123456789abcdef';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('delivery feedback', () => {
  const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

  it('a rule on the default bus sends the SES events to delivery-events, with retries and a dead-letter queue', () => {
    const rules = t.ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.EventPattern?.source) === '["aws.ses"]');
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
      Arn: getAtt(t.fnId('delivery-events')),
      DeadLetterConfig: { Arn: getAtt(t.idOf(t.stack.delivery.deadLetters)) },
    });
    expect(targets[0]!.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    t.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: getAtt(t.fnId('delivery-events')),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(ruleId),
    });
  });

  it('failed invocations of delivery-events land in its dead-letter queue, which EventBridge may write to from that rule only', () => {
    const dlq = t.idOf(t.stack.delivery.deadLetters);
    expect(t.resources[t.fnId('delivery-events')]!.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(dlq) });
    const allows = t.ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => refersTo(p.Properties.Queues, dlq))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const st of allows) {
      expect(list(st.Action)).toEqual(['sqs:SendMessage']);
      expect(st.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': getAtt(t.idOf(t.stack.delivery.sesRule)) } });
    }
  });

  it('delivery-events may touch the table and nothing else (besides its logs, traces and dead-letter queue)', () => {
    const table = t.idOf(t.stack.storage.table);
    const statements = t.statementsOf('delivery-events');
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
        expect(resourcesOf, where).toEqual([getAtt(t.idOf(t.stack.delivery.fn.logGroup))]);
      } else if (services.has('xray')) {
        expect(actions.sort(), where).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      } else {
        expect({ actions, resourcesOf }).toEqual({ actions: ['sqs:SendMessage'], resourcesOf: [getAtt(t.idOf(t.stack.delivery.deadLetters))] });
      }
    }
    expect(Object.keys(t.envOf('delivery-events')).filter((k) => !/^(POWERTOOLS_|NODE_OPTIONS$|AWS_)/.test(k)).sort()).toEqual(['TABLE_NAME', 'TENANT_ID']);
  });

  it('without an origination identity there is no SMS configuration set, topic or SMS_CONFIGURATION_SET', () => {
    expect(t.ofType('AWS::SMSVOICE::ConfigurationSet')).toEqual([]);
    expect(t.stack.messaging.smsFeedback).toBeUndefined();
    for (const handler of t.functionIds.keys()) expect(t.envOf(handler), handler).not.toHaveProperty('SMS_CONFIGURATION_SET');
  });
});

describe('delivery feedback with SMS configured', () => {
  let sms: StackTemplate;
  let topic: string;
  let key: string;
  let configSet: string;

  beforeAll(() => {
    sms = stackTemplate({ bundle: false, context: { smsOriginationIdentity: SMS_POOL } });
    const feedback = sms.stack.messaging.smsFeedback!;
    topic = sms.idOf(feedback.topic);
    key = sms.idOf(feedback.key);
    configSet = sms.stack.getLogicalId(feedback.configurationSet);
  }, SYNTH_TIMEOUT_MS);

  it('the SMS configuration set publishes every text event (TEXT_ALL) to the SMS topic', () => {
    expect(sms.ofType('AWS::SMSVOICE::ConfigurationSet')).toHaveLength(1);
    expect(sms.resources[configSet]!.Properties.EventDestinations).toEqual([
      expect.objectContaining({ Enabled: true, MatchingEventTypes: ['TEXT_ALL'], SnsDestination: { TopicArn: { Ref: topic } } }),
    ]);
  });

  it('the SMS topic is encrypted under a rotating key and refuses plain HTTP; End User Messaging of this account alone may publish', () => {
    expect(sms.resources[topic]!.Properties.KmsMasterKeyId).toEqual(expect.objectContaining({ 'Fn::GetAtt': [key, 'Arn'] }));
    expect(sms.resources[key]!.Properties.EnableKeyRotation).toBe(true);
    const fromOurSms = {
      StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
      ArnLike: { 'aws:SourceArn': `arn:aws:sms-voice:${TEST_ENV.region}:${TEST_ENV.account}:*` },
    };
    const keyStatements = sms.resources[key]!.Properties.KeyPolicy.Statement as (Statement & { Principal: Json })[];
    const smsKeyUse = keyStatements.filter((st) => JSON.stringify(st.Principal).includes('sms-voice.amazonaws.com'));
    expect(smsKeyUse).toHaveLength(1);
    expect(smsKeyUse[0]!.Condition).toEqual(fromOurSms);
    expect(list(smsKeyUse[0]!.Action).sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);

    const topicStatements = sms.ofType('AWS::SNS::TopicPolicy')
      .filter(([, p]) => refersTo(p.Properties.Topics, topic))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as (Statement & { Principal: Json })[]);
    expect(topicStatements.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }))).toBe(true);
    const allows = topicStatements.filter((st) => st.Effect === 'Allow');
    expect(allows).toHaveLength(1);
    expect(allows[0]).toMatchObject({ Action: 'sns:Publish', Principal: { Service: 'sms-voice.amazonaws.com' }, Condition: fromOurSms });
    // The destination is created only once End User Messaging may publish.
    const policyId = sms.ofType('AWS::SNS::TopicPolicy').find(([, p]) => refersTo(p.Properties.Topics, topic))![0];
    expect(sms.resources[configSet]!.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });

  it('delivery-events is subscribed to the SMS topic, with the dead-letter queue for what SNS cannot hand over', () => {
    const fn = { 'Fn::GetAtt': [sms.fnId('delivery-events'), 'Arn'] };
    const dlq = sms.idOf(sms.stack.delivery.deadLetters);
    const subs = sms.ofType('AWS::SNS::Subscription').filter(([, sub]) => refersTo(sub.Properties.TopicArn, topic));
    expect(subs.map(([, sub]) => sub.Properties)).toEqual([
      { Protocol: 'lambda', Endpoint: fn, TopicArn: { Ref: topic }, RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    ]);
    sms.template.hasResourceProperties('AWS::Lambda::Permission', { FunctionName: fn, Principal: 'sns.amazonaws.com', SourceArn: { Ref: topic } });
    // Still nothing but the table: SNS decrypts for its subscribers, the function never sees the key.
    const actions = sms.statementsOf('delivery-events').flatMap((st) => list(st.Action));
    expect(actions.filter((a) => !/^(dynamodb|logs|xray):/.test(a))).toEqual(['sqs:SendMessage']);
  });

  it('every function that texts sends through the configuration set, and may use only it and the pool', () => {
    const texting = Object.entries(HANDLER_ACCESS).filter(([h, a]) => a.sms && handlerExists(h)).map(([h]) => h);
    expect(texting).toEqual(expect.arrayContaining(['send-reminder']));
    for (const fn of sms.stack.functions) {
      const env = sms.resources[sms.idOf(fn)]!.Properties.Environment.Variables as Json;
      const smsStatements = sms.statementsOf(fn.handlerName).filter((st) => list(st.Action).some((a) => a.startsWith('sms-voice:')));
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
