/**
 * Ended executions onto their invoices (infra/constructs/ended-executions.ts): the rule on the
 * default bus for the dunning state machine's failed, timed-out and aborted executions, its target
 * with retries and a dead-letter queue, the function's grants, and the alarms.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, list, refersTo, stackTemplate, type Json, type StackTemplate, type Statement } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('ended executions', () => {
  it("a rule on the default bus sends the dunning machine's FAILED, TIMED_OUT and ABORTED executions to ended-executions, with retries and a dead-letter queue", () => {
    const rules = t.ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties.EventPattern?.source) === '["aws.states"]');
    expect(rules).toHaveLength(1);
    const [ruleId, rule] = rules[0]!;
    // No EventBusName: the account's default bus, where Step Functions publishes.
    expect(rule.Properties.EventBusName).toBeUndefined();
    expect(rule.Properties.State).toBe('ENABLED');
    const pattern = rule.Properties.EventPattern as Json;
    expect(pattern['detail-type']).toEqual(['Step Functions Execution Status Change']);
    expect([...(pattern.detail.status as string[])].sort()).toEqual(['ABORTED', 'FAILED', 'TIMED_OUT']);
    expect(pattern.detail.stateMachineArn).toEqual([{ Ref: t.idOf(t.stack.workflow.stateMachine) }]);

    const targets = rule.Properties.Targets as Json[];
    expect(targets).toHaveLength(1);
    const dlq = t.idOf(t.stack.endedExecutions.deadLetters);
    expect(targets[0]).toMatchObject({ Arn: getAtt(t.fnId('ended-executions')), DeadLetterConfig: { Arn: getAtt(dlq) } });
    expect(targets[0]!.RetryPolicy.MaximumRetryAttempts).toBeGreaterThan(0);
    t.template.hasResourceProperties('AWS::Lambda::Permission', {
      FunctionName: getAtt(t.fnId('ended-executions')),
      Principal: 'events.amazonaws.com',
      SourceArn: getAtt(ruleId),
    });
    // Invocations that keep failing after Lambda's own retries land in the same queue.
    expect(t.resources[t.fnId('ended-executions')]!.Properties.DeadLetterConfig).toEqual({ TargetArn: getAtt(dlq) });
  });

  it('ended-executions may read and update the tenant\'s items of the table, and nothing else (besides its logs, traces and dead-letter queue)', () => {
    const table = t.idOf(t.stack.storage.table);
    const statements = t.statementsOf('ended-executions');
    for (const st of statements as (Statement & { Condition?: Json })[]) {
      const actions = list(st.Action);
      const where = JSON.stringify(actions);
      const services = new Set(actions.map((a) => a.split(':')[0]));
      expect(services.size, where).toBe(1);
      if (services.has('dynamodb')) {
        for (const r of list(st.Resource)) expect(refersTo(r, table), where).toBe(true);
        expect(actions).not.toContain('dynamodb:Scan');
        expect(actions).not.toContain('dynamodb:BatchWriteItem');
        expect(st.Condition, where).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [expect.stringMatching(/^T#/), expect.stringMatching(/^T#.*#\*$/)] } });
      } else if (services.has('logs')) {
        expect(list(st.Resource), where).toEqual([getAtt(t.idOf(t.stack.endedExecutions.fn.logGroup))]);
      } else if (services.has('xray')) {
        expect(actions.sort(), where).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      } else {
        expect({ actions, resources: list(st.Resource) }).toEqual({ actions: ['sqs:SendMessage'], resources: [getAtt(t.idOf(t.stack.endedExecutions.deadLetters))] });
      }
    }
    expect(statements.some((st) => list(st.Action).includes('dynamodb:UpdateItem'))).toBe(true);
    expect(Object.keys(t.envOf('ended-executions')).filter((k) => !/^(POWERTOOLS_|NODE_OPTIONS$|AWS_)/.test(k)).sort()).toEqual(['TABLE_NAME', 'TENANT_ID']);
  });

  it('EventBridge may write to the dead-letter queue from that rule only', () => {
    const dlq = t.idOf(t.stack.endedExecutions.deadLetters);
    const allows = t.ofType('AWS::SQS::QueuePolicy')
      .filter(([, p]) => refersTo(p.Properties.Queues, dlq))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => st.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const st of allows) {
      expect(list(st.Action)).toEqual(['sqs:SendMessage']);
      expect(st.Condition).toEqual({ ArnEquals: { 'aws:SourceArn': getAtt(t.idOf(t.stack.endedExecutions.rule)) } });
    }
  });

  it("its errors, its dead-letter queue and every interrupted timeline notify the alarm topic", () => {
    const topic = { Ref: t.idOf(t.stack.alarms.topic) };
    const alarms = t.ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties as Json);
    const dlq = t.idOf(t.stack.endedExecutions.deadLetters);
    const fn = t.fnId('ended-executions');
    const on = (pred: (a: Json) => boolean) => alarms.filter(pred);
    const dlqAlarms = on((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && refersTo(a.Dimensions, dlq));
    const errorAlarms = on((a) => a.MetricName === 'Errors' && refersTo(a.Dimensions, fn));
    const interrupted = on((a) => a.MetricName === 'TimelinesInterrupted');
    for (const found of [dlqAlarms, errorAlarms, interrupted]) {
      expect(found).toHaveLength(1);
      expect(found[0]!.AlarmActions).toEqual([topic]);
      expect(found[0]!.Threshold).toBe(1);
    }
    expect(interrupted[0]).toMatchObject({ Namespace: 'Sollecito', Dimensions: [{ Name: 'service', Value: 'sollecito' }], Statistic: 'Sum' });
  });
});
