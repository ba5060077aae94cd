/**
 * SmsSender port on AWS End User Messaging SMS (pinpoint-sms-voice-v2 SendTextMessage), transactional
 * route, origination identity from SMS_ORIGINATION_IDENTITY, endpoint from
 * AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2.
 */
import { PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SmsSender } from '../app/ports/sms-sender.js';
import { classifySendError } from './workflow-errors.js';

const CONNECT_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
const MAX_ATTEMPTS = 2;
/** The longest a send() can take, retries included: the send guard's lease must cover it. */
export const SMS_CALL_DEADLINE_MS = MAX_ATTEMPTS * (CONNECT_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + 500;

let shared: PinpointSMSVoiceV2Client | undefined;
const smsClient = (): PinpointSMSVoiceV2Client =>
  (shared ??= new PinpointSMSVoiceV2Client({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  }));

export class PinpointSmsSender implements SmsSender {
  readonly deadlineMs = SMS_CALL_DEADLINE_MS;

  constructor(
    private readonly originationIdentity: string = process.env.SMS_ORIGINATION_IDENTITY ?? '',
    private readonly client: PinpointSMSVoiceV2Client = smsClient(),
  ) {
    if (!originationIdentity) throw new Error('SMS_ORIGINATION_IDENTITY is not set');
  }

  async send(sms: { to: string; body: string; tags?: Record<string, string> }): Promise<{ messageId: string }> {
    const command = new SendTextMessageCommand({
      DestinationPhoneNumber: sms.to,
      OriginationIdentity: this.originationIdentity,
      MessageBody: sms.body,
      MessageType: 'TRANSACTIONAL',
      // The configuration set's event destination (SNS) carries delivery status to delivery-events.
      ...(process.env.SMS_CONFIGURATION_SET ? { ConfigurationSetName: process.env.SMS_CONFIGURATION_SET } : {}),
      // Context comes back in the delivery events: ids only.
      ...(sms.tags && Object.keys(sms.tags).length > 0 ? { Context: sms.tags } : {}),
    });
    try {
      const out = await this.client.send(command, { abortSignal: AbortSignal.timeout(SMS_CALL_DEADLINE_MS) });
      if (!out.MessageId) throw new Error('SendTextMessage answered without a MessageId');
      return { messageId: out.MessageId };
    } catch (err) {
      throw classifySendError('SMS SendTextMessage', err);
    }
  }
}
