/**
 * One morning of the reminder bench, in its own process (the handlers read their settings once per
 * process): N invoices, one per customer, whose pre-due reminder falls on the same 09:00, on the
 * local stack with SES local behind a proxy that enforces 14 messages per second of the product
 * clock (local/services/ses-rate-limit.ts) and DynamoDB Local behind the fault proxy's counter.
 * `spread`: the planner spreads the morning at the rate (domain/timeline/send-spread.ts);
 * `flat`: every reminder at the opening, as before. From 09:00 the virtual clock follows real time.
 * A send SES still refuses on the Task's last retry is deferred to a fresh slot (rate-deferral.ts);
 * with `followDeferrals` the morning runs on until those slots have passed (at most RATE_PAUSE_MS +
 * RATE_SPAN_MS more), so what they became is counted too.
 * Prints one JSON line: what happened to every invoice, and the requests the morning cost.
 */
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startStack, ROOT, TENANT_ID } from '../local/stack.js';
import { dynamoRepositories } from '../lambdas/adapters/dynamo-repositories.js';
import { customerToItem, invoiceToItem } from '../lambdas/adapters/dynamo/items.js';
import { keys } from '../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, Tenant } from '../lambdas/domain/model.js';
import { spreadSeconds } from '../lambdas/domain/timeline/send-spread.js';
import { RATE_PAUSE_MS, RATE_REFUSED, RATE_SPAN_MS } from '../lambdas/domain/timeline/rate-deferral.js';
import { startFaultProxy, type FaultProxy } from '../test/faults/fault-proxy.js';

export const RATE = 14;
const TODAY = '2026-03-02';
const DUE = '2026-03-16';
/** The standard policy's pre-due reminder: 7 days before, Monday 9 March at 09:00 Rome. */
const PRE_DUE = Date.parse('2026-03-09T08:00:00Z');
/** After the last slot: the Task's Retry (6 attempts from 2 s, doubling) has run out by then. */
const AFTER_LAST_SLOT_MS = 300_000;

export interface MorningResult {
  shape: 'spread' | 'flat';
  invoices: number;
  delivered: number;
  /** Of the delivered, those that left at a later slot after SES refused them for the rate through the last retry. */
  deliveredAfterRateDeferral: number;
  /** Not delivered when the bench stopped, deferred with a reason (still waiting for its moment). */
  deferred: number;
  deferReasons: Record<string, number>;
  failed: number;
  failReasons: Record<string, number>;
  /** Neither delivered, deferred nor recorded as failed. */
  lost: number;
  /** Invoices with more than one e-mail sent, and inbox messages beyond one per recipient. */
  twice: number;
  inboxDuplicates: number;
  throttled: number;
  busiestSecond: number;
  /** Seconds from 09:00 to the last accepted e-mail (the clock follows real time through the morning). */
  lastSendAfterS: number;
  wallSeconds: number;
  dynamoRequests: number;
  /** The morning's DynamoDB requests by operation. */
  dynamoByOp: Record<string, number>;
}

const batches = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export const morning = async (shape: 'spread' | 'flat', n: number, opts: { followDeferrals?: boolean } = {}): Promise<MorningResult> => {
  let proxy: FaultProxy | undefined;
  const stack = await startStack({
    mode: 'discrete',
    today: TODAY,
    outDir: join(tmpdir(), `sollecito-bench-morning-${shape}`),
    sesMaxSendRate: RATE,
    ...(shape === 'spread' ? { sendSpreadVolume: n } : {}),
    dynamoVia: async (endpoint) => (proxy = await startFaultProxy(endpoint)).url,
  });
  try {
    const store = dynamoRepositories();
    await store.tenants.putTenant(Tenant.parse(JSON.parse(readFileSync(join(ROOT, 'local/seed/tenant.json'), 'utf8'))));
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < n; i++) {
      const customerId = `C-${String(i).padStart(6, '0')}`;
      items.push(
        customerToItem(Customer.parse({ tenantId: TENANT_ID, customerId, name: `Cliente ${i} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap${i}@bench.example`, policy: 'standard' })),
        invoiceToItem(
          Invoice.parse({ tenantId: TENANT_ID, invoiceId: `INV-${i}`, number: `2026/${i}`, customerId, issueDate: '2026-02-14', dueDate: DUE, currency: 'EUR', amount: 100_000 + i, status: 'open', createdAt: `${TODAY}T08:00:00Z`, updatedAt: `${TODAY}T08:00:00Z` }),
        ),
      );
    }
    for (const group of batches(batches(items, 25), 16)) {
      await Promise.all(group.map((b) => store.doc.send(new BatchWriteCommand({ RequestItems: { [store.name]: b.map((Item) => ({ PutRequest: { Item } })) } }))));
    }
    await stack.settle();
    // Monday's ageing report (08:00 Rome) goes first.
    stack.clock.advanceTo(PRE_DUE - 1);
    await stack.settle();
    proxy!.reset();
    const sentBefore = stack.ses.sent().length;
    const throttledBefore = stack.sesRate!.throttled();
    const started = performance.now();
    const windowMs = 9 * 3_600_000; // DEFAULT_SEND_WINDOW, 09:00-18:00
    const lastSlot = shape === 'spread' ? spreadSeconds({ ratePerSecond: RATE, morningVolume: n }, windowMs) * 1000 : 0;
    // The morning runs at the pace of real time: SES's rate, the proxy's seconds and the engine's
    // Retry waits (real timers) then all count the same seconds, as on AWS.
    const end = PRE_DUE + lastSlot + AFTER_LAST_SLOT_MS + (opts.followDeferrals ? RATE_PAUSE_MS + RATE_SPAN_MS : 0);
    // Quiet: every execution finished or parked and none due by `t` (following deferrals: by the end).
    // Judged before this turn wakes anyone: an execution woken a moment ago still reads as parked until it runs.
    const quiet = (t: number) => stack.sfn.settled() && !stack.activity.busy && !((stack.clock.nextWakeUp() ?? Infinity) <= (opts.followDeferrals ? end : t));
    for (;;) {
      const t = Math.min(end, PRE_DUE + (performance.now() - started));
      if (t > PRE_DUE + lastSlot && quiet(t)) break;
      stack.clock.advanceTo(t);
      if (t >= end) break;
      await stack.poller.pollOnce();
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.settle();
    const wallSeconds = (performance.now() - started) / 1000;
    const dynamoRequests = proxy!.attempts().length;
    const dynamoByOp: Record<string, number> = {};
    for (const a of proxy!.attempts()) dynamoByOp[a.op] = (dynamoByOp[a.op] ?? 0) + 1;

    const sent = stack.ses.sent().slice(sentBefore);
    const recipients = new Set(sent.flatMap((m) => m.to));
    const result: MorningResult = {
      shape, invoices: n, delivered: 0, deliveredAfterRateDeferral: 0, deferred: 0, deferReasons: {}, failed: 0, failReasons: {}, lost: 0, twice: 0,
      inboxDuplicates: sent.length - recipients.size,
      throttled: stack.sesRate!.throttled() - throttledBefore,
      busiestSecond: stack.sesRate!.busiestSecond(),
      lastSendAfterS: sent.length ? Math.round((Math.max(...sent.map((m) => Date.parse(m.at))) - PRE_DUE) / 1000) : 0,
      wallSeconds,
      dynamoRequests,
      dynamoByOp,
    };
    for (const group of batches(Array.from({ length: n }, (_, i) => i), 200)) {
      const logs = await Promise.all(
        group.map(async (i) => {
          const out = await store.doc.send(new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)', ExpressionAttributeValues: { ':pk': keys.invoice(TENANT_ID, `INV-${i}`).pk, ':log': 'LOG#' } }));
          return out.Items ?? [];
        }),
      );
      for (const log of logs) {
        const emails = log.filter((e) => e.type === 'message' && e.outcome === 'sent' && e.channel === 'email').length;
        const deferrals = log.filter((e) => e.type === 'deferred' && e.stage === 'preDue' && typeof e.details?.reason === 'string' && e.details.reason.length > 0);
        const deferral = deferrals.at(-1);
        if (emails > 1) result.twice++;
        if (emails >= 1) {
          result.delivered++;
          if (deferrals.some((d) => String(d.details.reason).startsWith(RATE_REFUSED))) result.deliveredAfterRateDeferral++;
        } else if (deferral) {
          result.deferred++;
          const reason = String(deferral.details.reason);
          result.deferReasons[reason] = (result.deferReasons[reason] ?? 0) + 1;
        } else if (log.some((e) => e.type === 'failure')) {
          result.failed++;
          const f = log.find((e) => e.type === 'failure')!;
          const why = `${String(f.details?.state)}: ${String(f.details?.error)}`;
          result.failReasons[why] = (result.failReasons[why] ?? 0) + 1;
        }
        else result.lost++;
      }
    }
    return result;
  } finally {
    await stack.stop();
    await proxy?.stop();
  }
};

if (process.argv[2] === '--morning') {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const r = await morning(process.argv[3] === 'flat' ? 'flat' : 'spread', Number(process.argv[4]), { followDeferrals: process.argv[5] === 'follow' });
  process.stdout.write(`MORNING ${JSON.stringify(r)}\n`);
  process.exit(0);
}
