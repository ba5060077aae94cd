/**
 * A send SES keeps refusing for the account's sending rate (issue 19): statemachines/dunning.asl.json
 * run by aws-local-stepfunctions with every Task served by its real handler module, against
 * DynamoDB Local and SES v2 local behind the rate proxy (local/services/ses-rate-limit.ts) at 0
 * messages a second: every SendEmail answered 429 TooManyRequestsException, as SES answers a
 * breach of the maximum sending rate. The Task's Retry sends it again (intervals at 0 here, with
 * `$$.State.RetryCount` counted by local/services/retry-count.ts); on the last attempt the Retry
 * allows the message is deferred with the reason, its claim given back, and the execution re-plans
 * (PlanTimeline, then the stage's Wait) instead of ending in RecordFailure. SES lets messages through
 * again while the stage waits: it leaves once, at the deferral's moment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import { supplier } from '../support/fixtures.js';
import { startSesRateLimit, type SesRateLimit } from '../../local/services/ses-rate-limit.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, type ContactEvent } from '../../lambdas/domain/model.js';
import { RATE_LATER_TODAY, RATE_PAUSE_MS, RATE_SPAN_MS } from '../../lambdas/domain/timeline/rate-deferral.js';

polyfillWithResolvers();
await useLocalTable();
const T = 'rate-co';
let now = new Date('2026-03-02T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
let services: TaskServices;
let rate: SesRateLimit;
const store = dynamoRepositories();
/** The attempts of one Task before its Catch: the first and the ASL's six retries. */
const ATTEMPTS = 7;

const customerOf = (customerId: string) =>
  Customer.parse({ tenantId: T, customerId, name: `${customerId} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `amministrazione@${customerId.toLowerCase()}.example`, policy: 'standard' });
const invoiceOf = (invoiceId: string, customerId: string) =>
  Invoice.parse({ tenantId: T, invoiceId, number: `2026/${invoiceId}`, customerId, issueDate: '2026-02-14', dueDate: '2026-03-16', currency: 'EUR', amount: 245_000, status: 'open', createdAt: '2026-03-02T09:00:00Z', updatedAt: '2026-03-02T09:00:00Z' });

beforeAll(async () => {
  services = await startTaskServices({ tenantId: T, name: 'rate', now: () => now });
  // Every SendEmail goes through the rate proxy (the mailer's client is built on the first send).
  rate = await startSesRateLimit(services.ses.endpoint, 14);
  process.env.AWS_ENDPOINT_URL_SESV2 = rate.endpoint;
  await store.tenants.putTenant(supplier(T, { language: 'it', financeInboxes: [] }));
});
afterAll(async () => {
  useSystemClock();
  await rate?.stop();
  await Promise.all([services?.ses.stop(), services?.sms.stop(), services?.events.stop()]);
});

const walk = (invoiceId: string, before: Record<string, (n: number) => Promise<void>>) =>
  walkDunning({ input: { tenantId: T, invoiceId, revision: 1, run: 0 }, handlers, clock: { get: () => now, set: (d) => (now = d) }, before });

/** The invoice paid behind the execution's back: its next Task ends the walk in Closed. */
const pay = async (invoiceId: string) => {
  await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...(await store.invoices.getInvoice(T, invoiceId))!, ...keys.invoice(T, invoiceId), entity: 'invoice', status: 'paid' } }));
};

/** What the invoice's log says of one message (its e-mail entries) and of its deferrals. */
const logOf = async (invoiceId: string, stage: string) => {
  const v = (await store.invoices.getInvoiceView(T, invoiceId))!;
  const mail = v.events.filter((e) => e.type === 'message' && e.stage === stage && e.channel === 'email');
  const by = (o: ContactEvent['outcome']) => mail.filter((e) => e.outcome === o);
  return { view: v, skipped: by('skipped'), sent: by('sent'), failed: by('failed'), deferred: v.events.filter((e) => e.type === 'deferred' && e.stage === stage) };
};

describe('a reminder SES refuses for the sending rate on every attempt', () => {
  const customer = customerOf('C-RATE');
  const inv = invoiceOf('RATE-1', customer.customerId);
  let entered: string[];
  const attemptsAt: number[] = [];

  beforeAll(async () => {
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    entered = await walk(inv.invoiceId, {
      SendPreDue: async (n) => {
        attemptsAt.push(now.getTime());
        if (n === 0) rate.setRate(0);
        // Re-planned to its fresh slot: SES has room again.
        if (n === ATTEMPTS) rate.setRate(14);
      },
      SendDueDate: () => pay(inv.invoiceId),
    });
  }, 120_000);

  it('is deferred after its last retry and re-planned, never failed: PlanTimeline, then the stage’s Wait', () => {
    expect(attemptsAt).toHaveLength(ATTEMPTS + 1);
    const first = entered.indexOf('SendPreDue');
    expect(entered.slice(first, first + 4)).toEqual(['SendPreDue', 'PlanTimeline', 'Route', 'WaitPreDue']);
    expect(entered.filter((s) => s === 'SendPreDue')).toHaveLength(2);
    expect(entered).not.toContain('RecordFailure');
    expect(rate.throttled()).toBeGreaterThanOrEqual(ATTEMPTS);
  });

  it('logs the deferral with the reason, and its moment is a fresh slot later in the same window', async () => {
    const log = await logOf(inv.invoiceId, 'preDue');
    expect(log.deferred).toHaveLength(1);
    const d = log.deferred[0]!;
    expect(d.details?.reason).toBe(RATE_LATER_TODAY);
    const refusedAt = attemptsAt[ATTEMPTS - 1]!;
    const until = Date.parse(String(d.details?.until));
    expect(until - refusedAt).toBeGreaterThanOrEqual(RATE_PAUSE_MS);
    expect(until - refusedAt).toBeLessThan(RATE_PAUSE_MS + RATE_SPAN_MS);
    // The re-planned stage waited for exactly that moment.
    expect(attemptsAt[ATTEMPTS]).toBe(until);
    expect(log.view.invoice.failure).toBeUndefined();
  });

  it('gives every refused attempt’s claim back, then leaves once at the deferral’s moment: none lost, none twice', async () => {
    const log = await logOf(inv.invoiceId, 'preDue');
    expect(log.skipped).toHaveLength(ATTEMPTS);
    for (const e of log.skipped) expect(String(e.details?.reason)).toMatch(/TooManyRequestsException \(Maximum sending rate exceeded\.\)/);
    expect(log.failed).toEqual([]);
    expect(log.sent).toHaveLength(1);
    expect(log.sent[0]!.at).toBe(String(log.deferred[0]!.details?.until));
    expect(services.ses.sent().filter((m) => m.tags.invoice === inv.invoiceId && m.tags.stage === 'preDue')).toHaveLength(1);
    expect(log.view.stagesDone.filter((s) => s.stage === 'preDue')).toHaveLength(1);
  });
});

describe('the final notice of a credit hold SES refuses for the sending rate on every attempt', () => {
  const customer = customerOf('C-HOLD');
  const inv = invoiceOf('RATE-2', customer.customerId);
  let entered: string[];

  beforeAll(async () => {
    now = new Date('2026-03-02T10:00:00Z');
    rate.setRate(14);
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    entered = await walk(inv.invoiceId, {
      PlaceCreditHold: async (n) => {
        if (n === 0) rate.setRate(0);
        if (n === ATTEMPTS) rate.setRate(14);
      },
      EscalateToAgency: () => pay(inv.invoiceId),
    });
  }, 180_000);

  it('defers the stage with the reason instead of failing it, and places the hold once the notice has left', async () => {
    const first = entered.indexOf('PlaceCreditHold');
    expect(entered.slice(first, first + 4)).toEqual(['PlaceCreditHold', 'PlanTimeline', 'Route', 'WaitCreditHold']);
    expect(entered).not.toContain('RecordFailure');
    const log = await logOf(inv.invoiceId, 'creditHold');
    expect(log.deferred.map((d) => d.details?.reason)).toEqual([RATE_LATER_TODAY]);
    expect(log.skipped).toHaveLength(ATTEMPTS);
    expect(log.sent).toHaveLength(1);
    const hold = log.view.events.filter((e) => e.type === 'credit_hold');
    expect(hold).toHaveLength(1);
    expect(Date.parse(hold[0]!.at)).toBeGreaterThanOrEqual(Date.parse(log.sent[0]!.at));
    expect(services.ses.sent().filter((m) => m.tags.invoice === inv.invoiceId && m.tags.stage === 'creditHold')).toHaveLength(1);
  });
});
