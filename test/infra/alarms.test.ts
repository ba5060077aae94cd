/**
 * The alarm topic and the alarms on executions, functions, queues and the stream.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, refersTo, stackTemplate, type Json, type StackTemplate, type Statement } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('alarms', () => {
  let topic: string;
  beforeAll(() => {
    topic = t.idOf(t.stack.alarms.topic);
  });

  const alarmsOn = (metric: string): Json[] =>
    t.ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties as Json)
      .filter((a) => a.MetricName === metric);

  it('the alarm topic is KMS-encrypted and only reachable over TLS', () => {
    t.template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    t.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const denies = t.ofType('AWS::SNS::TopicPolicy').flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[]);
    expect(denies.some((st) => st.Effect === 'Deny' && JSON.stringify(st.Condition).includes('aws:SecureTransport'))).toBe(true);
  });

  it('a failed or timed-out dunning execution notifies the topic', () => {
    const sm = t.idOf(t.stack.workflow.stateMachine);
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
    for (const [handler, id] of t.functionIds) {
      expect(errors.some((a) => refersTo(a.Dimensions, id) && refersTo(a.AlarmActions, topic)), handler).toBe(true);
    }
    const queues = t.ofType('AWS::SQS::Queue').map(([id]) => id);
    const visible = alarmsOn('ApproximateNumberOfMessagesVisible');
    for (const q of queues) expect(visible.some((a) => refersTo(a.Dimensions, q)), q).toBe(true);
    const [age] = alarmsOn('IteratorAge');
    expect(age).toMatchObject({ Statistic: 'Maximum', Dimensions: [{ Name: 'FunctionName', Value: { Ref: t.fnId('table-stream') } }] });
  });

  it('stale bank statements notify the topic (the metric the firm stages publish, with the service dimension)', () => {
    const [alarm] = alarmsOn('BankStatementsStale');
    expect(alarm).toMatchObject({ Namespace: 'Sollecito', Dimensions: [{ Name: 'service', Value: 'sollecito' }], Threshold: 1, AlarmActions: [{ Ref: topic }] });
  });

  it('SES refusing the account, and customer messages refused, notify the topic (the metrics the customer gate publishes)', () => {
    const [blocked] = alarmsOn('SesAccountRefusals');
    expect(blocked).toMatchObject({ Namespace: 'Sollecito', Dimensions: [{ Name: 'service', Value: 'sollecito' }], Statistic: 'Sum', Period: 300, Threshold: 1, AlarmActions: [{ Ref: topic }] });
    const [failed] = alarmsOn('MessagesFailed');
    expect(failed).toMatchObject({ Namespace: 'Sollecito', Dimensions: [{ Name: 'service', Value: 'sollecito' }], Statistic: 'Sum', Period: 3600, AlarmActions: [{ Ref: topic }] });
    expect(failed!.Threshold).toBeGreaterThanOrEqual(1);
  });
});
