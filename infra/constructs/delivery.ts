/**
 * Delivery feedback into the contact log (lambdas/handlers/delivery-events.ts): an EventBridge rule
 * on the default bus (the only bus SES publishes to) for the SES configuration set's events, and,
 * when SMS is configured, a subscription to the SMS events topic (text statuses, STOP, replies).
 * Both invoke the function asynchronously; an event EventBridge or SNS could not hand over, or
 * that kept failing in the function after Lambda's two retries, lands in one dead-letter queue.
 * The handler is idempotent, so a redelivered or replayed event changes nothing.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { accessOf, applyAccess, type AccessResources } from './access.js';
import { HandlerFunction, deadLetterQueue } from './defaults.js';
import { SES_EVENTS } from './messaging.js';

export const DELIVERY_HANDLER = 'delivery-events';

/** The EventBridge detail-type SES gives each configuration-set event type. */
const SES_DETAIL_TYPE: Partial<Record<ses.EmailSendingEvent, string>> = {
  [ses.EmailSendingEvent.SEND]: 'Email Sent',
  [ses.EmailSendingEvent.DELIVERY]: 'Email Delivered',
  [ses.EmailSendingEvent.BOUNCE]: 'Email Bounced',
  [ses.EmailSendingEvent.COMPLAINT]: 'Email Complaint Received',
  [ses.EmailSendingEvent.DELIVERY_DELAY]: 'Email Delivery Delayed',
  [ses.EmailSendingEvent.REJECT]: 'Email Rejected',
  [ses.EmailSendingEvent.RENDERING_FAILURE]: 'Email Rendering Failed',
};

/** The detail-types of exactly the events the configuration set publishes (SES_EVENTS). */
export const sesDetailTypes = (published: readonly ses.EmailSendingEvent[] = SES_EVENTS): string[] =>
  published.map((e) => {
    const detailType = SES_DETAIL_TYPE[e];
    if (!detailType) throw new Error(`no EventBridge detail-type known for the SES event ${e}`);
    return detailType;
  });

export interface DeliveryEventsProps {
  readonly resources: AccessResources;
  readonly logRetention: logs.RetentionDays;
}

export class DeliveryEvents extends Construct {
  readonly fn: HandlerFunction;
  readonly deadLetters: sqs.Queue;
  readonly sesRule: events.Rule;

  constructor(scope: Construct, id: string, props: DeliveryEventsProps) {
    super(scope, id);
    const { messaging } = props.resources;
    this.deadLetters = deadLetterQueue(this, 'DeliveryEventsDeadLetters', 'SES and SMS delivery events that delivery-events never processed');
    this.fn = new HandlerFunction(this, 'DeliveryEventsFunction', {
      handler: DELIVERY_HANDLER,
      description: 'Records SES and SMS delivery feedback (bounces, complaints, opt-outs) in the contact log',
      logRetention: props.logRetention,
      deadLetterQueue: this.deadLetters,
    });
    applyAccess(this.fn, accessOf(DELIVERY_HANDLER), props.resources);

    // No eventBus: the rule sits on the account's default bus, where SES publishes.
    this.sesRule = new events.Rule(this, 'SesEvents', {
      description: 'SES configuration-set events (deliveries, bounces, complaints...) to delivery-events',
      eventPattern: { source: ['aws.ses'], detailType: sesDetailTypes() },
    });
    this.sesRule.addTarget(
      new targets.LambdaFunction(this.fn, {
        deadLetterQueue: this.deadLetters,
        retryAttempts: 8,
        maxEventAge: Duration.hours(24),
      }),
    );

    if (messaging.smsFeedback) {
      messaging.smsFeedback.topic.addSubscription(new subscriptions.LambdaSubscription(this.fn, { deadLetterQueue: this.deadLetters }));
    }
  }
}
