/**
 * Delivery feedback into the contact log (issue 6), each record in arrival order:
 * 1. An e-mail event: logged; a complaint or hard bounce stops the address and asks for a fix (record-email-feedback.ts).
 * 2. An SMS status: logged and remembered for replies; an invalid number asks for a fix (record-sms-status.ts).
 * 3. An inbound SMS: a STOP opts the number out, a reply is logged (record-inbound-sms.ts).
 * Every effect is idempotent, so a redelivered event changes nothing.
 */
import type { Feedback } from '../../domain/messages/delivery.js';
import type { DeliveryFeedbackDeps } from './delivery-feedback-deps.js';
import { recordEmailFeedback } from './record-email-feedback.js';
import { recordInboundSms } from './record-inbound-sms.js';
import { recordSmsStatus } from './record-sms-status.js';

export type { DeliveryFeedbackDeps };

export const recordDeliveryFeedback = async (deps: DeliveryFeedbackDeps, feedback: readonly Feedback[]): Promise<{ processed: number }> => {
  // One at a time: a customer's bounce and its delivery records for the same message stay in order.
  for (const f of feedback) {
    if (f.channel === 'email') await recordEmailFeedback(deps, f);
    else if (f.channel === 'sms') await recordSmsStatus(deps, f);
    else await recordInboundSms(deps, f);
  }
  return { processed: feedback.length };
};
