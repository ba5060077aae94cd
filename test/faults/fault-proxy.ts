/**
 * A fault-injecting HTTP proxy in front of a local service (DynamoDB Local, the Step Functions
 * emulator, SES v2 local). Pointed at through AWS_ENDPOINT_URL_<SERVICE>, it lets the production
 * adapters and their production SDK clients meet throttling, 5xx and cancelled transactions with
 * the SDK's own retry strategy running: every attempt reaches the proxy and is counted with its
 * arrival time, which aws-sdk-client-mock (it replaces `send`, retries included) cannot show.
 *
 * Requests are named by operation: the X-Amz-Target action for JSON protocols (`TransactWriteItems`,
 * `StartExecution`), otherwise `METHOD /path` (`POST /v2/email/outbound-emails`).
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An error answer in the awsJson shape the SDK deserializes (`__type` names the exception). */
export interface AwsFault {
  status: number;
  type: string;
  message?: string;
  /** More body fields: CancellationReasons of a TransactionCanceledException. */
  fields?: Record<string, unknown>;
}

export interface FaultRule {
  op: string;
  /** Only requests whose body matches (which item, which transaction). */
  when?: (body: string) => boolean;
  /** How many matching requests it applies to; every one when absent. */
  times?: number;
  /** Answer with this error instead of forwarding. */
  fail?: AwsFault;
  /** Forward only once this resolves (a call held in flight). */
  hold?: () => Promise<void>;
}

export interface Attempt {
  op: string;
  /** performance.now() at arrival. */
  at: number;
  body: string;
  /** The fault answered, if any. */
  fault?: string;
}

export interface FaultProxy {
  url: string;
  inject(rule: FaultRule): void;
  /** Attempts seen, optionally of one operation and matching a body test. */
  attempts(op?: string, when?: (body: string) => boolean): Attempt[];
  /** Drops the rules and the attempts seen. */
  reset(): void;
  stop(): Promise<void>;
}

export const THROTTLED = (type = 'ThrottlingException'): AwsFault => ({ status: 400, type, message: 'Rate exceeded' });

/**
 * The least the SDK's standard retry waits before retry `i` (0-based) after a throttling error,
 * with Math.random fixed at `random`: random × 1 s × 2^i (its 2026 defaults; 5xx start at 50 ms).
 * Only a floor: the request's own time comes on top, so a loaded machine cannot make it fail.
 */
export const throttlingBackoffFloor = (i: number, random: number): number => 0.9 * random * 1000 * 2 ** i;

/** Gaps between consecutive attempts (ms): the backoff the client waited. */
export const gaps = (attempts: readonly Attempt[]): number[] => attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const operationOf = (req: IncomingMessage): string => {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target.slice(target.lastIndexOf('.') + 1);
  return `${req.method ?? 'GET'} ${new URL(req.url ?? '/', 'http://x').pathname}`;
};

export const startFaultProxy = async (target: string): Promise<FaultProxy> => {
  const upstream = new URL(target);
  let rules: (FaultRule & { left: number })[] = [];
  let seen: Attempt[] = [];

  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse) => {
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    out.end(body);
  };

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const text = body.toString('utf8');
      const op = operationOf(req);
      const rule = rules.find((r) => r.op === op && r.left > 0 && (!r.when || r.when(text)));
      const attempt: Attempt = { op, at: performance.now(), body: text };
      seen.push(attempt);
      if (rule) rule.left--;
      if (rule?.fail) {
        const f = rule.fail;
        attempt.fault = f.type;
        const payload = JSON.stringify({ __type: `com.amazonaws.fault#${f.type}`, message: f.message ?? f.type, ...f.fields });
        res.writeHead(f.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-errortype': f.type, 'content-length': Buffer.byteLength(payload) });
        res.end(payload);
        return;
      }
      if (rule?.hold) await rule.hold();
      forward(req, body, res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    inject: (rule) => rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY }),
    attempts: (op, when) => seen.filter((a) => (!op || a.op === op) && (!when || when(a.body))),
    reset: () => {
      rules = [];
      seen = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
