/**
 * Where each fault that outlasts its retries ends up, in the synthesized template: someone is
 * told. A start that keeps failing parks its stream position in the StreamFailures queue, whose
 * every arrival is alarmed (stream-failures then marks the invoice); a stage that keeps failing ends the timeline in RecordFailure and Fail (ExecutionsFailed);
 * an API that keeps answering 503/500 trips the 5xx alarm. Each alarm notifies the alarm topic.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { synthStack, type Synthesized } from '../support/synth.js';

type Json = Record<string, any>;
let synth: Synthesized;
let resources: Record<string, Json>;
let topic: string;

const idOf = (c: { node: { defaultChild?: unknown } }): string => synth.stack.getLogicalId(c.node.defaultChild as CfnElement);
const refersTo = (value: unknown, logicalId: string): boolean => JSON.stringify(value).includes(`"${logicalId}"`);
const alarms = (): Json[] =>
  Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm')
    .map((r) => r.Properties as Json);
/** The alarms on `metric` that notify the topic as soon as one datapoint reaches the threshold. */
const alarmsOn = (namespace: string, metric: string): Json[] =>
  alarms().filter(
    (a) =>
      a.Namespace === namespace &&
      a.MetricName === metric &&
      a.ComparisonOperator === 'GreaterThanOrEqualToThreshold' &&
      a.EvaluationPeriods === 1 &&
      refersTo(a.AlarmActions, topic),
  );

beforeAll(() => {
  synth = synthStack({ bundle: false });
  resources = synth.template.toJSON().Resources as Record<string, Json>;
  topic = idOf(synth.stack.alarms.topic);
}, 120_000);

describe('StartExecution failing past its retries (test/faults/start-execution.test.ts)', () => {
  it('the stream hands back only the failed record, retries it, then parks it in a queue whose every arrival is alarmed', () => {
    const fn = idOf(synth.stack.tableStream.fn);
    const queue = idOf(synth.stack.tableStream.failures);
    const mapping = Object.values(resources).find((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && refersTo(r.Properties.FunctionName, fn))?.Properties;
    expect(mapping).toMatchObject({
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } },
    });
    // Finite: a record that keeps failing reaches the queue instead of holding the shard for 24 h.
    expect(mapping!.MaximumRetryAttempts).toBeGreaterThanOrEqual(3);
    expect(mapping!.MaximumRetryAttempts).toBeLessThan(100);

    // stream-failures drains the queue, so what arrives is alarmed, not only what waits.
    const arrived = alarmsOn('AWS/SQS', 'NumberOfMessagesSent').filter((a) => refersTo(a.Dimensions, queue));
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
    // What stream-failures cannot act on moves to a queue whose depth is alarmed.
    const unhandled = idOf(synth.stack.tableStream.unhandled);
    expect(resources[queue]!.Properties.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': [unhandled, 'Arn'] });
    expect(alarmsOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter((a) => refersTo(a.Dimensions, unhandled))).toHaveLength(1);
    // While it retries, the stream falls behind: that is alarmed too.
    expect(alarmsOn('AWS/Lambda', 'IteratorAge').filter((a) => refersTo(a.Dimensions, fn))).toHaveLength(1);
  });
});

describe('a stage failing past the Task’s retries (test/faults/dynamo-send-path.test.ts)', () => {
  it('the deployed definition retries Sollecito.Transient with backoff, then records the failure and fails the execution', () => {
    const sm = Object.values(resources).find((r) => r.Type === 'AWS::StepFunctions::StateMachine')!.Properties;
    const key = String(sm.DefinitionS3Location.Key);
    const file = synth.assetPath(key);
    expect(file, `definition asset ${key}`).toBeDefined();
    const asl = JSON.parse(readFileSync(file!, 'utf8')) as { States: Record<string, Json> };
    const sends = Object.entries(asl.States).filter(([name, s]) => s.Type === 'Task' && name.startsWith('Send'));
    expect(sends.length).toBeGreaterThanOrEqual(3);
    for (const [name, s] of sends) {
      const retry = (s.Retry as Json[]).find((r) => r.ErrorEquals.includes('Sollecito.Transient'));
      expect(retry, name).toBeDefined();
      expect(retry!.BackoffRate, name).toBeGreaterThan(1);
      expect(retry!.MaxAttempts, name).toBeGreaterThanOrEqual(3);
      expect((s.Catch as Json[]).find((c) => c.ErrorEquals.includes('States.ALL'))?.Next, name).toBe('RecordFailure');
    }
    expect(asl.States.RecordFailure!.Next).toBe('Failed');
    expect(asl.States.Failed!.Type).toBe('Fail');
  });

  it('a failed execution trips the ExecutionsFailed alarm of the dunning state machine', () => {
    const sm = idOf(synth.stack.workflow.stateMachine);
    const failed = alarmsOn('AWS/States', 'ExecutionsFailed').filter((a) => refersTo(a.Dimensions, sm));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ Threshold: 1, Statistic: 'Sum' });
  });
});

describe('the admin API answering 503 or 500 (test/faults/dynamo-admin-api.test.ts)', () => {
  it('is alarmed on the HTTP API’s 5xx count', () => {
    const httpApi = idOf(synth.stack.api.httpApi);
    const serverErrors = alarmsOn('AWS/ApiGateway', '5xx').filter((a) => refersTo(a.Dimensions, httpApi));
    expect(serverErrors).toHaveLength(1);
    expect(serverErrors[0]!.Statistic).toBe('Sum');
  });
});
