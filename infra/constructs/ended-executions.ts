/**
 * Ended executions onto their invoices (issue 19, lambdas/handlers/ended-executions.ts): an
 * EventBridge rule on the default bus (where Step Functions publishes) for the dunning state
 * machine's "Step Functions Execution Status Change" events with status FAILED, TIMED_OUT or
 * ABORTED. EventBridge invokes the function asynchronously: an event it could not hand over, or
 * that kept failing in the function after Lambda's two retries, lands in one dead-letter queue
 * (alarmed with the function's errors by the Alarms construct). The write is conditional, so a
 * redelivered or replayed event changes nothing. The alarm on TimelinesInterrupted tells the
 * operators an invoice stopped being chased for a reason no step recorded (an abort from outside
 * Sollecito above all, which no state-machine metric alarms on).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENDED_STATUSES, STATUS_CHANGE_DETAIL_TYPE, STATUS_CHANGE_SOURCE } from '../../lambdas/domain/timeline/ended-execution.js';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';

export const ENDED_EXECUTIONS_HANDLER = 'ended-executions';

export interface EndedExecutionsProps {
  readonly resources: AccessResources;
  readonly stateMachine: sfn.IStateMachine;
  readonly logRetention: logs.RetentionDays;
}

/** The rule's pattern: this state machine's executions that ended other than by succeeding. */
export const endedExecutionsPattern = (stateMachine: sfn.IStateMachine): events.EventPattern => ({
  source: [STATUS_CHANGE_SOURCE],
  detailType: [STATUS_CHANGE_DETAIL_TYPE],
  detail: { status: [...ENDED_STATUSES], stateMachineArn: [stateMachine.stateMachineArn] },
});

export class EndedExecutions extends Construct {
  readonly fn: HandlerFunction;
  readonly deadLetters: sqs.Queue;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: EndedExecutionsProps) {
    super(scope, id);
    this.deadLetters = deadLetterQueue(this, 'EndedExecutionsDeadLetters', 'execution status changes that ended-executions never recorded');
    this.fn = new HandlerFunction(this, 'EndedExecutionsFunction', {
      handler: ENDED_EXECUTIONS_HANDLER,
      description: 'Records on its invoice a dunning execution that failed, timed out or was aborted from outside Sollecito',
      logRetention: props.logRetention,
      deadLetterQueue: this.deadLetters,
    });
    applyAccess(this.fn, accessOf(ENDED_EXECUTIONS_HANDLER), props.resources);

    // No eventBus: the account's default bus, where Step Functions publishes status changes.
    this.rule = new events.Rule(this, 'StatusChanges', {
      description: 'Dunning executions that failed, timed out or were aborted, to ended-executions',
      eventPattern: endedExecutionsPattern(props.stateMachine),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.fn, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );
  }

  /** The alarm on interrupted timelines (the use case's TimelinesInterrupted count), to the alarm topic. */
  alarmOn(topic: sns.ITopic): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, 'TimelinesInterrupted', {
      // Published by app/timeline/record-ended-execution.ts with Powertools' `service` dimension.
      metric: new cloudwatch.Metric({ namespace: 'Sollecito', metricName: 'TimelinesInterrupted', dimensionsMap: { service: 'sollecito' }, statistic: 'Sum', period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: "An invoice's timeline stopped without a step recording why (timed out, failed by the engine, aborted from outside): it carries the failure (state Execution) in the API; restart it with resume.",
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    return alarm;
  }
}
