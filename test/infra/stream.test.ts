/**
 * The table stream into table-stream, and the parked batches drained by stream-failures.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, list, refersTo, stackTemplate, type StackTemplate } from '../support/stack-template.js';

let t: StackTemplate;
beforeAll(() => {
  t = stackTemplate();
}, SYNTH_TIMEOUT_MS);

describe('table stream', () => {
  it('feeds only invoice items to table-stream, reports failures per record and parks the hopeless ones', () => {
    t.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: t.fnId('table-stream') },
      EventSourceArn: { 'Fn::GetAtt': [t.idOf(t.stack.storage.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [t.idOf(t.stack.tableStream.failures), 'Arn'] } } },
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
    const failures = t.idOf(t.stack.tableStream.failures);
    t.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: t.fnId('stream-failures') },
      EventSourceArn: { 'Fn::GetAtt': [failures, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const timeout = t.resources[t.fnId('stream-failures')]!.Properties.Timeout as number;
    expect(t.resources[failures]!.Properties).toMatchObject({
      VisibilityTimeout: timeout * 6,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [t.idOf(t.stack.tableStream.unhandled), 'Arn'] }, maxReceiveCount: 5 },
    });
  });

  it('stream-failures may read the table and its stream and write the table, nothing else (besides its logs, traces and queue)', () => {
    const table = t.idOf(t.stack.storage.table);
    const statements = t.statementsOf('stream-failures');
    const streamRead = statements.find((st) => list(st.Action).includes('dynamodb:DescribeStream'));
    expect(list(streamRead?.Resource)).toEqual([{ 'Fn::GetAtt': [table, 'StreamArn'] }]);
    for (const st of statements) {
      const actions = list(st.Action);
      const services = new Set(actions.map((a) => a.split(':')[0]));
      expect(services.size, JSON.stringify(actions)).toBe(1);
      if (services.has('dynamodb')) for (const r of list(st.Resource)) expect(refersTo(r, table), JSON.stringify(actions)).toBe(true);
      else if (services.has('sqs')) expect(list(st.Resource)).toEqual([{ 'Fn::GetAtt': [t.idOf(t.stack.tableStream.failures), 'Arn'] }]);
      else expect(['logs', 'xray']).toContain([...services][0]);
    }
  });

  it('every batch that arrives in the queue is alarmed, drained or not', () => {
    const [arrived] = t.ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'NumberOfMessagesSent');
    expect(arrived?.[1].Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Sum',
      Threshold: 1,
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [t.idOf(t.stack.tableStream.failures), 'QueueName'] } }],
    });
  });
});
