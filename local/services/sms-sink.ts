/**
 * AWS End User Messaging SMS (PinpointSMSVoiceV2, JSON 1.0) on a loopback port, answering
 * SendTextMessage with a MessageId and recording every text, in memory and optionally as JSONL.
 * The production sms-sender adapter reaches it through AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2.
 */
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../lambdas/adapters/clock.js';
import { serveJsonApi } from './json-api.js';
import { freePort } from './ports.js';

export interface RecordedSms {
  messageId: string;
  at: string;
  to: string;
  from: string;
  body: string;
  messageType: string;
  context: Record<string, string>;
}

export interface RunningSmsSink {
  endpoint: string;
  /** Every text received since start, oldest first. */
  messages(): readonly RecordedSms[];
  stop(): Promise<void>;
}

const E164 = /^\+[1-9]\d{6,14}$/;

export const startSmsSink = async (opts: { port?: number; file?: string; clock?: Clock } = {}): Promise<RunningSmsSink> => {
  const texts: RecordedSms[] = [];
  const now = () => (opts.clock ? opts.clock.now() : new Date()).toISOString();
  const { server, endpoint } = await serveJsonApi(opts.port ?? (await freePort()), 'application/x-amz-json-1.0', {
    SendTextMessage: (body) => {
      const to = body.DestinationPhoneNumber;
      const text = body.MessageBody;
      if (typeof to !== 'string' || !E164.test(to)) throw new Error('DestinationPhoneNumber must be an E.164 phone number');
      if (typeof text !== 'string' || text.length === 0) throw new Error('MessageBody is required');
      if (text.length > 1600) throw new Error('MessageBody is longer than 1600 characters');
      const rec: RecordedSms = {
        messageId: randomUUID(),
        at: now(),
        to,
        from: typeof body.OriginationIdentity === 'string' ? body.OriginationIdentity : '',
        body: text,
        messageType: typeof body.MessageType === 'string' ? body.MessageType : 'TRANSACTIONAL',
        context: (body.Context as Record<string, string> | undefined) ?? {},
      };
      texts.push(rec);
      if (opts.file) appendFileSync(opts.file, `${JSON.stringify(rec)}\n`);
      return { MessageId: rec.messageId };
    },
  });
  return {
    endpoint,
    messages: () => [...texts],
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
