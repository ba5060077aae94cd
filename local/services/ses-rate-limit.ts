/**
 * SES's maximum sending rate, enforced in front of SES local: at most `perSecond` SendEmail calls
 * are let through in any one second of the product's clock (the local stack's virtual one, so a
 * discrete run keeps real SES's arithmetic); beyond it the call is answered as SES v2 answers a
 * sending-rate breach: HTTP 429, `x-amzn-ErrorType: TooManyRequestsException`, body
 * `{"message":"Maximum sending rate exceeded."}`, nothing accepted. Other requests pass through.
 *
 * The window is a fixed one-second bucket (SES documents the rate per second and, like this,
 * refuses what exceeds it rather than queueing it).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clock } from '../../lambdas/adapters/clock.js';

/** SES's starting production quota: 14 messages per second. */
export const SES_DEFAULT_MAX_SEND_RATE = 14;
export const SES_RATE_EXCEEDED = { status: 429, type: 'TooManyRequestsException', message: 'Maximum sending rate exceeded.' } as const;

export interface SesRateLimit {
  endpoint: string;
  /** SendEmail calls let through, and refused for the rate. */
  accepted(): number;
  throttled(): number;
  /** The most calls let through within one second of the product's clock (never above the rate). */
  busiestSecond(): number;
  /** Another rate from now on: 0 refuses every SendEmail, as an account SES keeps throttling. */
  setRate(perSecond: number): void;
  stop(): Promise<void>;
}

const isSendEmail = (req: IncomingMessage) => req.method === 'POST' && (req.url ?? '').startsWith('/v2/email/outbound-emails');

export const startSesRateLimit = async (target: string, rate = SES_DEFAULT_MAX_SEND_RATE): Promise<SesRateLimit> => {
  const upstream = new URL(target);
  let perSecond = rate;
  const perSecondCount = new Map<number, number>();
  let accepted = 0;
  let throttled = 0;
  const server = createServer((req, res) => {
    if (isSendEmail(req)) {
      const second = Math.floor(clock.now().getTime() / 1000);
      const used = perSecondCount.get(second) ?? 0;
      if (used >= perSecond) {
        throttled++;
        req.resume();
        const body = JSON.stringify({ message: SES_RATE_EXCEEDED.message });
        res.writeHead(SES_RATE_EXCEEDED.status, { 'content-type': 'application/json', 'x-amzn-errortype': SES_RATE_EXCEEDED.type, 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      perSecondCount.set(second, used + 1);
      accepted++;
    }
    const out = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`ses rate limit: ${err.message}`);
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    throttled: () => throttled,
    busiestSecond: () => Math.max(0, ...perSecondCount.values()),
    setRate: (n) => {
      perSecond = n;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
