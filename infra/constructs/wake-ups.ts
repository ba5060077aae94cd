/**
 * Timelines resumed in a later run (issue 19: Step Functions' one-year limit). A plan reaching past
 * what one execution may wait ends the execution after recording the next run's wake-up in the
 * table (lambdas/app/timeline/keep-within-year.ts); an EventBridge Scheduler schedule in its own
 * group invokes wake-timelines every hour, which raises the due invoices' `run` so the table stream
 * starts their next execution (the one path that starts runs). The next run starts days before the
 * first instant it waits for, so an hour's granularity delays no stage. The schedule's role may
 * invoke that one function and nothing else, assumed only by this account's schedules of this group;
 * what the schedule could not deliver after its retries lands in a dead-letter queue (alarmed).
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';
import { acknowledgeWildcardResources } from './nag.js';

export const WAKE_HANDLER = 'wake-timelines';
/** How often the schedule looks for due wake-ups (RESUME_LEAD_DAYS in domain/timeline/execution-year.ts is days ahead of the stage). */
export const WAKE_RATE = Duration.hours(1);

export interface TimelineWakeUpsProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

export class TimelineWakeUps extends Construct {
  readonly fn: HandlerFunction;
  readonly group: scheduler.ScheduleGroup;
  readonly schedule: scheduler.Schedule;
  readonly role: iam.Role;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: TimelineWakeUpsProps) {
    super(scope, id);
    const { config } = props.resources;
    this.fn = new HandlerFunction(this, 'WakeTimelinesFunction', {
      handler: WAKE_HANDLER,
      description: 'Starts the next run of timelines whose execution ended before a wait longer than one execution may last',
      logRetention: props.logRetention,
      timeout: Duration.minutes(1),
    });
    applyAccess(this.fn, accessOf(WAKE_HANDLER), props.resources);

    this.group = new scheduler.ScheduleGroup(this, 'Group', { scheduleGroupName: `${Stack.of(this).stackName}-timeline-wake-ups` });
    this.deadLetters = deadLetterQueue(this, 'WakeUpDeadLetters', 'wake-timelines invocations Scheduler could not deliver');
    this.role = new iam.Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invoke wake-timelines, only for this account\'s timeline wake-up schedules',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnEquals: { 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    const target = new targets.LambdaInvoke(this.fn, {
      role: this.role,
      input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime, tenantId: config.tenantId }),
      retryAttempts: 3,
      // A turn not delivered within the hour is superseded by the next one, which finds the same wake-ups.
      maxEventAge: Duration.hours(1),
      deadLetterQueue: this.deadLetters,
    });
    this.schedule = new scheduler.Schedule(this, 'Hourly', {
      description: 'Timelines due to resume in a new run (Step Functions executions last at most a year)',
      scheduleGroup: this.group,
      schedule: scheduler.ScheduleExpression.rate(WAKE_RATE),
      target,
    });
    acknowledgeWildcardResources(
      this.role,
      "lambda:InvokeFunction on <wake-timelines function>:* is how CDK grantInvoke covers that one function's versions and aliases; the schedule invokes the unqualified function.",
      [`${this.fn.functionArn}:*`],
    );
  }
}
