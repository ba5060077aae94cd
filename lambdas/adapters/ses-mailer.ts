/**
 * Mailer port on SES v2 SendEmail. Simple content carries html + text, and attachments too: SES
 * builds the MIME message itself (Simple content has taken Attachments since 2025), so no MIME is
 * assembled here. Sender from SENDER_EMAIL, configuration set (bounce/complaint/delivery events)
 * from SES_CONFIGURATION_SET, endpoint from AWS_ENDPOINT_URL_SESV2.
 */
import { SESv2Client, SendEmailCommand, type MessageTag } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../app/ports/mailer.js';
import { cleanSubject } from '../domain/shared/subject.js';
import { SendingRateExceededError } from '../app/task-errors.js';
import { classifySendError } from './workflow-errors.js';

const CONNECT_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
const MAX_ATTEMPTS = 2;
/** The longest a send() can take, retries included: the send guard's lease must cover it. */
export const SES_CALL_DEADLINE_MS = MAX_ATTEMPTS * (CONNECT_TIMEOUT_MS + REQUEST_TIMEOUT_MS) + 500;

let shared: SESv2Client | undefined;
const sesClient = (): SESv2Client =>
  (shared ??= new SESv2Client({
    maxAttempts: MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  }));

/**
 * SES's answer to a send beyond the account's maximum sending rate or daily quota: v2 answers 429
 * TooManyRequestsException ("Maximum sending rate exceeded."), SES's guide names it a
 * ThrottlingException ("Daily message quota exceeded" / "Maximum sending rate exceeded"). Nothing is accepted.
 */
const SENDING_QUOTA = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);
const sendingQuotaRefusal = (err: unknown): SendingRateExceededError | undefined => {
  if (!(err instanceof Error)) return undefined;
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (!SENDING_QUOTA.has(err.name) && status !== 429) return undefined;
  return new SendingRateExceededError(`SES SendEmail: ${err.name} (${err.message})`, { cause: err, daily: /daily/i.test(err.message) });
};

/** SES tag names and values allow only ASCII letters, digits, '_' and '-' (256 characters). */
const tagValue = (v: string) => v.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256) || '_';

export class SesMailer implements Mailer {
  readonly deadlineMs = SES_CALL_DEADLINE_MS;

  constructor(
    private readonly configurationSet: string | undefined = process.env.SES_CONFIGURATION_SET || undefined,
    private readonly client: SESv2Client = sesClient(),
  ) {}

  async send(mail: OutgoingEmail): Promise<{ messageId: string }> {
    if (mail.to.length === 0) throw new Error('send: no recipient');
    const tags: MessageTag[] = Object.entries(mail.tags ?? {}).map(([Name, Value]) => ({ Name: tagValue(Name), Value: tagValue(Value) }));
    const command = new SendEmailCommand({
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: mail.to },
      ...(mail.replyTo ? { ReplyToAddresses: [mail.replyTo] } : {}),
      ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
      ...(tags.length > 0 ? { EmailTags: tags } : {}),
      Content: {
        Simple: {
          // Every builder cleans its subject; this is the last defence against a header injected by a name.
          Subject: { Data: cleanSubject(mail.subject), Charset: 'UTF-8' },
          Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
          ...(mail.attachments?.length
            ? {
                Attachments: mail.attachments.map((a) => ({
                  FileName: a.filename,
                  ContentType: a.contentType,
                  RawContent: a.content,
                  // Inline (with its Content-ID) for an image the HTML shows by cid:, e.g. the payment QR code.
                  ...(a.contentId ? { ContentDisposition: 'INLINE' as const, ContentId: a.contentId } : { ContentDisposition: 'ATTACHMENT' as const }),
                  ContentTransferEncoding: 'BASE64' as const,
                })),
              }
            : {}),
        },
      },
    });
    try {
      const out = await this.client.send(command, { abortSignal: AbortSignal.timeout(SES_CALL_DEADLINE_MS) });
      if (!out.MessageId) throw new Error('SES answered without a MessageId');
      return { messageId: out.MessageId };
    } catch (err) {
      throw sendingQuotaRefusal(err) ?? classifySendError('SES SendEmail', err);
    }
  }
}

/** The sender address from SENDER_EMAIL (the verified SES identity). */
export const senderEmail = (): string => {
  const v = process.env.SENDER_EMAIL;
  if (!v) throw new Error('SENDER_EMAIL is not set');
  return v;
};
