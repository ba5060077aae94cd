/**
 * Delivery feedback into the contact log (issue 6). One function, two triggers:
 * - an EventBridge rule on the default bus for SES configuration-set events
 *   (source aws.ses; Email Delivered, Email Bounced, Email Complaint Received, Email Delivery
 *   Delayed, Email Rejected);
 * - an SNS topic that receives End User Messaging SMS delivery events (configuration set event
 *   destination) and inbound two-way SMS (STOP and replies).
 * (adapter) --> use case --> domain: these events --> app/messaging/record-delivery-feedback.ts -->
 * domain/messages/delivery.ts and feedback-rules.ts.
 * A failure is thrown for the trigger's own retry; every effect is idempotent.
 * Config: TENANT_ID, TABLE_NAME.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { parseInboundSms, parseSesEvent, parseSmsStatus, type Feedback } from '../domain/messages/delivery.js';
import { recordDeliveryFeedback, type DeliveryFeedbackDeps } from '../app/messaging/record-delivery-feedback.js';
import { clock } from '../adapters/clock.js';
import { builtOnFirstCall } from './lib/built-on-first-call.js';
import * as deps from './lib/deps.js';
import { requiredEnv } from './lib/env.js';
import { count, logger, metrics } from './lib/powertools.js';
import { lazySchema } from '../domain/shared/lazy-schema.js';

const SnsEvent = lazySchema(() => z.object({ Records: z.array(z.object({ Sns: z.object({ MessageId: z.string(), Message: z.string() }) })) }));
const EventBridgeEvent = lazySchema(() => z.object({ source: z.string(), detail: z.unknown() }));
const DeliveryEvent = lazySchema(() => z.union([SnsEvent, EventBridgeEvent]));
type DeliveryEvent = z.infer<typeof DeliveryEvent>;

export interface DeliveryEventsDeps extends DeliveryFeedbackDeps {
  logger: Logger;
  metrics: Metrics;
}

const snsBody = (r: z.infer<typeof SnsEvent>['Records'][number], log: Pick<Logger, 'warn'>): unknown => {
  try {
    return JSON.parse(r.Sns.Message);
  } catch {
    log.warn('SNS message is not JSON', { messageId: r.Sns.MessageId });
    return undefined;
  }
};

/** Every feedback record an invocation carries, whatever the trigger. */
export const feedbackOf = (event: DeliveryEvent, now: Date, log: Pick<Logger, 'warn'> = logger): Feedback[] => {
  const found = (f: Feedback | undefined): Feedback[] => (f ? [f] : []);
  if ('Records' in event) {
    return event.Records.flatMap((r) => {
      const body = snsBody(r, log);
      return body === undefined ? [] : found(parseInboundSms(body) ?? parseSmsStatus(body, now) ?? parseSesEvent(body, now));
    });
  }
  if (event.source === 'aws.ses') return found(parseSesEvent(event.detail, now));
  if (event.source === 'aws.sms-voice') return found(parseSmsStatus(event.detail, now));
  return [];
};

export const makeDeliveryEventsHandler = (d: DeliveryEventsDeps) =>
  middy(async (event: unknown): Promise<{ processed: number }> => {
    const parsed = z.safeParse(DeliveryEvent, event);
    if (!parsed.success) {
      d.logger.error('not an SNS or EventBridge event', { issues: parsed.error.issues.length });
      return { processed: 0 };
    }
    return recordDeliveryFeedback(d, feedbackOf(parsed.data, d.now(), d.logger));
  })
    .use(injectLambdaContext(d.logger))
    .use(logMetrics(d.metrics));

const fromEnvironment = (): DeliveryEventsDeps => ({
  tenantId: requiredEnv('TENANT_ID'),
  invoices: deps.invoices(),
  customers: deps.customers(),
  commands: deps.customerCommands(),
  tasks: deps.tasks(),
  smsMessages: deps.smsMessages(),
  now: () => clock.now(),
  logger,
  metrics,
  count,
});

export const handler = builtOnFirstCall(() => makeDeliveryEventsHandler(fromEnvironment()));
