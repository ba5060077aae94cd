/**
 * SES v2 on a loopback port (aws-ses-v2-local): the production SesMailer sends to it through
 * AWS_ENDPOINT_URL_SESV2, received mail is listed at GET /store and shown in a web inbox at /.
 * aws-ses-v2-local keeps one store per process: starting a server empties it.
 *
 * In front of it, SES's mailbox simulator: mail to bounce@, complaint@ or suppressionlist@
 * simulator.amazonses.com (a +label allowed) produces the event SES would publish through the
 * configuration set (a permanent bounce, a complaint, a bounce of an address on the suppression
 * list; success@ a delivery), handed to the delivery-events handler as the EventBridge rule would.
 * The SendEmail call is answered once the event has been handled, so the local stack's discrete
 * clock never moves on with it in flight.
 *
 * The sending account's state can be set (`account`, `setAccount`): paused or suspended, SES v2
 * answers every SendEmail with SendingPausedException or AccountSuspendedException; in the
 * sandbox, with MessageRejected "Email address is not verified" for a sender or recipient not in
 * `verified`. Each as SES does it: HTTP 400, the error type in `x-amzn-ErrorType`, nothing accepted.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as sesLocal from 'aws-ses-v2-local';
import { clearStore, getStoreReadonly, type Email } from 'aws-ses-v2-local/dist/store.js';
import { clock } from '../../lambdas/adapters/clock.js';
import { localContext } from '../lambda-context.js';
import { asFunction } from './table-access.js';
import { freePort } from './ports.js';

type StartServer = typeof sesLocal.default;
// A CommonJS module with `exports.default`: Node's ESM loader wraps it once more than TypeScript expects.
const startServer: StartServer =
  (sesLocal.default as unknown as { default?: StartServer }).default ?? sesLocal.default;

export type ReceivedEmail = Email;

/** One message as SES accepted it, on the product's clock (the virtual one in the local stack). */
export interface SentEmail {
  messageId: string;
  at: string;
  to: string[];
  subject: string;
  tags: Record<string, string>;
}

/** An EventBridge event from aws.ses, as the configuration set's event destination sends it. */
export type SesEvent = { source: 'aws.ses'; 'detail-type': string; detail: Record<string, unknown> };

/** The sending account as SES sees it: production and sending (the default), paused, suspended, or in the sandbox. */
export type SesAccountState = { sending: 'enabled' | 'paused' | 'suspended'; sandbox?: { verified: readonly string[] } };

const REGION = (process.env.AWS_REGION ?? 'eu-south-1').toUpperCase();

/** SES v2's answer to a SendEmail the account may not make now (undefined: it may). */
export const accountRefusal = (account: SesAccountState, addresses: readonly string[]): { type: string; message: string } | undefined => {
  if (account.sending === 'paused') return { type: 'SendingPausedException', message: 'Sending paused for this account. For more information, please check the AWS SES console.' };
  if (account.sending === 'suspended') return { type: 'AccountSuspendedException', message: "The account's ability to send email has been permanently restricted." };
  const verified = new Set((account.sandbox?.verified ?? []).map((a) => a.toLowerCase()));
  const failed = account.sandbox ? addresses.filter((a) => !verified.has(a.toLowerCase()) && !verified.has(a.toLowerCase().split('@')[1] ?? '')) : [];
  if (failed.length > 0) return { type: 'MessageRejected', message: `Email address is not verified. The following identities failed the check in region ${REGION}: ${failed.join(', ')}` };
  return undefined;
};

export interface RunningSes {
  endpoint: string;
  /** The web inbox, for people. */
  inboxUrl: string;
  /** Every message received since this server started, oldest first. */
  messages(): readonly ReceivedEmail[];
  /** Every message accepted, with when (product clock), whom and its tags, oldest first. */
  sent(): readonly SentEmail[];
  /** Every simulator event produced, in order. */
  events(): readonly SesEvent[];
  /** Changes the sending account's state from the next SendEmail on. */
  setAccount(state: SesAccountState): void;
  /** How many SendEmail calls the account's state refused. */
  refused(): number;
  stop(): Promise<void>;
}

const SIMULATOR = /^(success|bounce|complaint|suppressionlist|ooto)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/** What SES's mailbox simulator answers for one recipient; undefined for an ordinary address. */
export const simulatorEvent = (to: string, mail: { messageId: string; from: string; tags: Record<string, string>; at: string }): SesEvent | undefined => {
  const m = SIMULATOR.exec(to.trim());
  if (!m) return undefined;
  const base = {
    mail: { timestamp: mail.at, messageId: mail.messageId, source: mail.from, destination: [to], tags: Object.fromEntries(Object.entries(mail.tags).map(([k, v]) => [k, [v]])) },
  };
  const feedbackId = randomUUID();
  switch (m[1]!.toLowerCase()) {
    case 'bounce':
      return { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Bounce', ...base, bounce: { bounceType: 'Permanent', bounceSubType: 'General', feedbackId, timestamp: mail.at, bouncedRecipients: [{ emailAddress: to, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }] } } };
    case 'suppressionlist':
      return { source: 'aws.ses', 'detail-type': 'Email Bounced', detail: { eventType: 'Bounce', ...base, bounce: { bounceType: 'Permanent', bounceSubType: 'Suppressed', feedbackId, timestamp: mail.at, bouncedRecipients: [{ emailAddress: to }] } } };
    case 'complaint':
      return { source: 'aws.ses', 'detail-type': 'Email Complaint Received', detail: { eventType: 'Complaint', ...base, complaint: { complaintFeedbackType: 'abuse', feedbackId, timestamp: mail.at, complainedRecipients: [{ emailAddress: to }] } } };
    default:
      return { source: 'aws.ses', 'detail-type': 'Email Delivered', detail: { eventType: 'Delivery', ...base, delivery: { timestamp: mail.at, recipients: [to] } } };
  }
};

/** The production delivery-events handler, loaded on the first simulator event. */
const deliveryEventsHandler = async (event: SesEvent): Promise<void> => {
  const m = (await import('../../lambdas/handlers/delivery-events.js')) as { handler: (e: unknown, c: unknown) => Promise<unknown> };
  await asFunction('delivery-events', () => m.handler(event, localContext('delivery-events')));
};

export const startSes = async (opts: { port?: number; onEvent?: (event: SesEvent) => Promise<void>; account?: SesAccountState } = {}): Promise<RunningSes> => {
  let account: SesAccountState = opts.account ?? { sending: 'enabled' };
  let refused = 0;
  const port = opts.port ?? (await freePort());
  clearStore();
  const innerPort = await freePort();
  const inner: Server = await startServer({ host: '127.0.0.1', port: innerPort });
  const innerUrl = `http://127.0.0.1:${innerPort}`;
  const sent: SentEmail[] = [];
  const events: SesEvent[] = [];
  const onEvent = opts.onEvent ?? deliveryEventsHandler;

  const front = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails')) {
        const asked = JSON.parse(body.toString('utf8')) as { FromEmailAddress?: string; Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] } };
        const d = asked.Destination ?? {};
        const refusal = accountRefusal(account, [...(asked.FromEmailAddress ? [asked.FromEmailAddress] : []), ...(d.ToAddresses ?? []), ...(d.CcAddresses ?? []), ...(d.BccAddresses ?? [])]);
        if (refusal) {
          refused++;
          res.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': refusal.type, 'x-amzn-requestid': randomUUID() });
          res.end(JSON.stringify({ message: refusal.message }));
          return;
        }
      }
      const headers = Object.fromEntries(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k) ? [[k, v]] : [])));
      const out = await fetch(`${innerUrl}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(body.length > 0 ? { body } : {}) });
      const reply = Buffer.from(await out.arrayBuffer());
      if (req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails') && out.ok) {
        const request = JSON.parse(body.toString('utf8')) as { FromEmailAddress?: string; Destination?: { ToAddresses?: string[] }; EmailTags?: { Name: string; Value: string }[]; Content?: { Simple?: { Subject?: { Data?: string } } } };
        const messageId = String((JSON.parse(reply.toString('utf8')) as { MessageId?: string }).MessageId ?? '');
        const mail = {
          messageId,
          at: clock.now().toISOString(),
          to: request.Destination?.ToAddresses ?? [],
          subject: request.Content?.Simple?.Subject?.Data ?? '',
          tags: Object.fromEntries((request.EmailTags ?? []).map((t) => [t.Name, t.Value])),
        };
        sent.push(mail);
        for (const to of mail.to) {
          const e = simulatorEvent(to, { ...mail, from: request.FromEmailAddress ?? '' });
          if (!e) continue;
          events.push(e);
          await onEvent(e).catch((err: unknown) => console.error('[ses simulator]', (err as Error).message));
        }
      }
      res.writeHead(out.status, Object.fromEntries([...out.headers].filter(([k]) => !['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k))));
      res.end(reply);
    })().catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: (err as Error).message }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const close = (s: Server) =>
    new Promise<void>((resolve, reject) => {
      s.closeAllConnections();
      s.close((err) => (err ? reject(err) : resolve()));
    });
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    messages: () => [...getStoreReadonly().emails],
    sent: () => [...sent],
    events: () => [...events],
    setAccount: (state) => {
      account = state;
    },
    refused: () => refused,
    stop: async () => {
      await close(front);
      await close(inner);
    },
  };
};
