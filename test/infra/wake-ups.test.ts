/**
 * Timelines resumed in a later run (infra/constructs/wake-ups.ts): the hourly schedule in its own
 * group, its role (assumed by Scheduler for this account's group only, invoking wake-timelines and
 * nothing else), the dead-letter queue, and what wake-timelines and plan-timeline may do.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENV } from '../support/synth.js';
import { SYNTH_TIMEOUT_MS, list, refersTo, stackTemplate, type Json, type StackTemplate, type Statement } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const TENANT_ONLY = { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [expect.stringMatching(/^T#/), expect.stringMatching(/^T#.*#\*$/)] } };

describe('timeline wake-ups', () => {
  it('an hourly schedule in its own group invokes wake-timelines with the scheduled time, retried, with a dead-letter queue', () => {
    t.template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: t.stack.wakeUps.group.scheduleGroupName });
    t.template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      GroupName: t.stack.wakeUps.group.scheduleGroupName,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Arn: getAtt(t.fnId('wake-timelines')),
        RoleArn: getAtt(t.idOf(t.stack.wakeUps.role)),
        Input: Match.serializedJson(Match.objectLike({ scheduledTime: '<aws.scheduler.scheduled-time>' })),
        DeadLetterConfig: { Arn: getAtt(t.idOf(t.stack.wakeUps.deadLetters)) },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 3 }),
      }),
    });
  });

  it("the schedule's role is assumed by EventBridge Scheduler for this account's wake-up group only, and may only invoke wake-timelines and write to its dead-letter queue", () => {
    const roleId = t.idOf(t.stack.wakeUps.role);
    const trust = t.resources[roleId]!.Properties.AssumeRolePolicyDocument.Statement as (Statement & { Principal: Json; Condition: Json })[];
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' } });
    expect(trust[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': TEST_ENV.account },
      ArnEquals: { 'aws:SourceArn': getAtt(t.idOf(t.stack.wakeUps.group)) },
    });
    const statements = t.policiesOfRole(roleId);
    expect(statements.length).toBeGreaterThan(0);
    const dlq = t.idOf(t.stack.wakeUps.deadLetters);
    for (const st of statements) {
      const actions = list(st.Action);
      if (actions.includes('sqs:SendMessage')) {
        expect({ actions, resources: list(st.Resource) }).toEqual({ actions: ['sqs:SendMessage'], resources: [getAtt(dlq)] });
        continue;
      }
      expect(actions).toEqual(['lambda:InvokeFunction']);
      // The function and its versions (CDK's grantInvoke): no other function.
      for (const r of list(st.Resource)) expect(refersTo(r, t.fnId('wake-timelines')), JSON.stringify(r)).toBe(true);
    }
    expect(statements.flatMap((st) => list(st.Action)).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it("wake-timelines may touch the deployment tenant's items only, without scan, batch or transactions across tenants, and gets only the table's name and the tenant", () => {
    const table = t.idOf(t.stack.storage.table);
    const statements = t.statementsOf('wake-timelines');
    const dynamo = statements.filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.length).toBeGreaterThan(0);
    for (const st of dynamo as (Statement & { Condition?: Json })[]) {
      for (const r of list(st.Resource)) expect(refersTo(r, table)).toBe(true);
      expect(list(st.Action)).not.toContain('dynamodb:Scan');
      expect(list(st.Action)).not.toContain('dynamodb:BatchWriteItem');
      expect(st.Condition).toEqual(TENANT_ONLY);
    }
    expect(statements.flatMap((st) => list(st.Action)).filter((a) => a.startsWith('states:') || a.startsWith('scheduler:') || a.startsWith('iam:'))).toEqual([]);
    expect(Object.keys(t.envOf('wake-timelines')).filter((k) => !/^(POWERTOOLS_|NODE_OPTIONS$|AWS_|PUBLIC_BASE_URL$)/.test(k)).sort()).toEqual(['TABLE_NAME', 'TENANT_ID']);
  });

  it("plan-timeline, which records the wake-up, may write the tenant's items only, and delete none", () => {
    const statements = t.statementsOf('plan-timeline').filter((st) => list(st.Action).some((a) => a.startsWith('dynamodb:')));
    expect(statements.flatMap((st) => list(st.Action))).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:PutItem']));
    expect(statements.flatMap((st) => list(st.Action))).not.toContain('dynamodb:DeleteItem');
    for (const st of statements as (Statement & { Condition?: Json })[]) expect(st.Condition).toEqual(TENANT_ONLY);
  });

  it('the dead-letter queue is alarmed', () => {
    const dlq = t.idOf(t.stack.wakeUps.deadLetters);
    const alarms = t.ofType('AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(a.Properties.Dimensions ?? a.Properties.Metrics ?? '').includes(dlq));
    expect(alarms.length).toBeGreaterThan(0);
  });
});
