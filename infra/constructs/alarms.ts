/**
 * What wakes a human: a timeline that failed or timed out, any Lambda error, anything parked in a
 * dead-letter queue, a table stream falling behind (reminders and thank-yous late), the API
 * failing, SES reputation drifting toward suspension, SES refusing the account (nothing leaves), customer messages
 * refused, and bank statements late (firm stages wait). All go to one encrypted SNS topic
 * (customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerFunction } from './defaults.js';

/**
 * The account may administer and use the key through IAM, action by action (no kms:*): key
 * administration, and the data-key calls SNS makes for encrypted topics.
 */
export const KEY_ACCOUNT_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
];

export interface AlarmsProps {
  readonly stateMachine: sfn.IStateMachine;
  readonly functions: readonly HandlerFunction[];
  /** Dead-letter queues by what they hold. */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Queues a function drains, where every message that arrives is worth a look. */
  readonly arrivals?: Readonly<Record<string, { queue: sqs.IQueue; description: string }>>;
  /** The stream consumer whose IteratorAge tells how far behind the table it runs. */
  readonly streamConsumer: lambda.IFunction;
  readonly httpApi: apigwv2.HttpApi;
  readonly alarmEmail?: string;
}

export const ITERATOR_AGE_THRESHOLD = Duration.minutes(5);
/** Refused customer messages in an hour worth a look: one is a bad address (the fix-contact task says so), a few are a pattern. */
export const MESSAGES_FAILED_THRESHOLD = 3;

export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Sollecito alarm topic',
      enableKeyRotation: true,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions: KEY_ACCOUNT_ACTIONS, resources: ['*'] }),
          new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
          }),
        ],
      }),
    });
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'Sollecito alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const alarm = (id: string, metric: cloudwatch.IMetric, threshold: number, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(notify);
      this.alarms.push(a);
      return a;
    };
    const fiveMinutes = { period: Duration.minutes(5) };

    const sm = props.stateMachine;
    alarm('TimelinesFailed', sm.metricFailed({ ...fiveMinutes, statistic: 'Sum' }), 1, 'A dunning execution failed: an invoice is no longer being chased. See its execution history.');
    alarm('TimelinesTimedOut', sm.metricTimedOut({ ...fiveMinutes, statistic: 'Sum' }), 1, 'A dunning execution timed out.');

    for (const fn of props.functions) {
      alarm(`${fn.node.id}Errors`, fn.metricErrors({ ...fiveMinutes, statistic: 'Sum' }), 1, `The ${fn.handlerName} function failed (see its log group).`);
    }
    for (const [what, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${what}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ ...fiveMinutes, statistic: 'Maximum' }),
        1,
        `Messages wait in the ${what} dead-letter queue: something was not processed.`,
      );
    }
    for (const [what, { queue, description }] of Object.entries(props.arrivals ?? {})) {
      alarm(what, queue.metricNumberOfMessagesSent({ ...fiveMinutes, statistic: 'Sum' }), 1, description);
    }
    alarm(
      'StreamIteratorAge',
      props.streamConsumer.metric('IteratorAge', { ...fiveMinutes, statistic: 'Maximum' }),
      ITERATOR_AGE_THRESHOLD.toMilliseconds(),
      'The table stream consumer runs behind: new invoices start, and paid ones stop, late.',
    );
    // Published by the firm stages (app/timeline/bank-truth.ts) with Powertools' `service` dimension.
    alarm(
      'BankStatementsStale',
      new cloudwatch.Metric({ namespace: 'Sollecito', metricName: 'BankStatementsStale', dimensionsMap: { service: 'sollecito' }, statistic: 'Sum', period: Duration.hours(1) }),
      1,
      "The company's bank statements are late: credit holds and hand-offs wait until a current one arrives (see the staleStatements task).",
    );
    // Published by the customer's gate (app/messaging/send-guarded-message.ts) with the service dimension.
    const business = (metricName: string, period: Duration) =>
      new cloudwatch.Metric({ namespace: 'Sollecito', metricName, dimensionsMap: { service: 'sollecito' }, statistic: 'Sum', period });
    alarm(
      'SesAccountRefusals',
      business('SesAccountRefusals', Duration.minutes(5)),
      1,
      'SES refuses to send for the account (sending paused, account suspended, sandbox or unverified sender): no customer message leaves, and every timeline waits at its stage (WaitSenderUnblocked) until the account is fixed.',
    );
    alarm(
      'MessagesFailed',
      business('MessagesFailed', Duration.hours(1)),
      MESSAGES_FAILED_THRESHOLD,
      'Customer messages the providers refused (a bad address, refused content): those stages are used up, and a credit hold or hand-off whose notice failed is withheld. See the contact log and the fix-contact tasks.',
    );
    alarm('ApiServerErrors', props.httpApi.metricServerError({ ...fiveMinutes, statistic: 'Sum' }), 5, 'The API answers 5xx.');
    // SES reviews an account at 5% bounces and 0.1% complaints: act before it pauses sending.
    alarm(
      'EmailBounceRate',
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.BounceRate', statistic: 'Maximum', period: Duration.hours(1) }),
      0.04,
      'SES bounce rate near the 5% review threshold: clean up customer e-mail addresses.',
    );
    alarm(
      'EmailComplaintRate',
      new cloudwatch.Metric({ namespace: 'AWS/SES', metricName: 'Reputation.ComplaintRate', statistic: 'Maximum', period: Duration.hours(1) }),
      0.0008,
      'SES complaint rate near the 0.1% review threshold.',
    );
  }
}
