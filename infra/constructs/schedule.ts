/**
 * The weekly ageing report: an EventBridge Scheduler schedule read in the finance team's time zone
 * (Monday 08:00 Europe/Rome by default, daylight saving included) that invokes the ageing-report
 * function with the scheduled time, its idempotency key. Without that handler file the construct
 * builds nothing: the schedule appears the day lambdas/handlers/ageing-report.ts does.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue, handlerExists } from './defaults.js';
import { acknowledgeWildcardResources } from './nag.js';

export const REPORT_HANDLER = 'ageing-report';

export interface ReportScheduleProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
  /** Defaults to the presence of lambdas/handlers/ageing-report.ts. */
  readonly enabled?: boolean;
}

export class ReportSchedule extends Construct {
  readonly fn?: HandlerFunction;
  readonly schedule?: scheduler.Schedule;
  readonly deadLetters?: sqs.Queue;

  constructor(scope: Construct, id: string, props: ReportScheduleProps) {
    super(scope, id);
    if (!(props.enabled ?? handlerExists(REPORT_HANDLER))) return;
    const { config } = props.resources;

    this.fn = new HandlerFunction(this, 'AgeingReportFunction', {
      handler: REPORT_HANDLER,
      description: 'Weekly ageing report to the finance inboxes',
      logRetention: props.logRetention,
      memorySize: 1024,
      timeout: Duration.minutes(2),
    });
    applyAccess(this.fn, accessOf(REPORT_HANDLER), props.resources);

    this.deadLetters = deadLetterQueue(this, 'ReportDeadLetters', 'ageing-report invocations Scheduler could not deliver');
    // Our own role (not the stack-wide one the target would create) so its one finding is acknowledged here.
    const role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    const target = new targets.LambdaInvoke(this.fn, {
      role,
      input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime, tenantId: config.tenantId }),
      retryAttempts: 3,
      maxEventAge: Duration.hours(6),
      deadLetterQueue: this.deadLetters,
    });
    this.schedule = new scheduler.Schedule(this, 'Weekly', {
      description: `Ageing report, ${config.reportSchedule} ${config.reportTimeZone}`,
      schedule: scheduler.ScheduleExpression.expression(config.reportSchedule, TimeZone.of(config.reportTimeZone)),
      target,
    });
    acknowledgeWildcardResources(
      role,
      'lambda:InvokeFunction on <ageing-report function>:* is how CDK grantInvoke covers that one function\'s versions and aliases; the schedule invokes the unqualified function.',
      [`${this.fn.functionArn}:*`],
    );
  }
}
