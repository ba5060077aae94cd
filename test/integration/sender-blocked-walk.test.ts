/**
 * A message SES refuses for the sending account (sending paused, the account in the sandbox) does
 * not use its stage up, and the timeline does not advance on it (issue 20, item 4):
 * statemachines/dunning.asl.json run by aws-local-stepfunctions with every Task served by the real
 * handler module, against DynamoDB Local and SES v2 local (local/services/ses.ts) set to refuse as
 * SES does. The Task retries Sollecito.SenderBlocked (intervals overridden to 0 here), parks in
 * WaitSenderUnblocked, re-plans and acts on the same stage again; once the account sends, the
 * notice leaves once and only then does the credit hold follow (or the phone call, for a reminder).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import { supplier } from '../support/fixtures.js';
import type { RunningSes } from '../../local/services/ses.js';
import type { RunningSmsSink } from '../../local/services/sms-sink.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { metrics } from '../../lambdas/handlers/lib/powertools.js';
import { ACCOUNT_REFUSAL_METRIC } from '../../lambdas/app/messaging/send-guarded-message.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';

polyfillWithResolvers();
await useLocalTable();
const T = 'blocked-co';
let now = new Date('2026-01-15T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
let ses: RunningSes;
let sms: RunningSmsSink;
let events: TaskServices['events'];
const store = dynamoRepositories();
const SENDER = 'crediti@officinerossi.example';
/** The attempts of one Task before its Catch: the first and the ASL's three retries (one StateEntered). */
const ATTEMPTS = 4;

const customerOf = (customerId: string, email: string) =>
  Customer.parse({ tenantId: T, customerId, name: `${customerId} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email, policy: 'standard' });
const invoiceOf = (invoiceId: string, customerId: string) =>
  Invoice.parse({
    tenantId: T,
    invoiceId,
    number: `2026/${invoiceId}`,
    customerId,
    issueDate: '2026-01-15',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 245_000,
    status: 'open',
    createdAt: '2026-01-15T09:00:00Z',
    updatedAt: '2026-01-15T09:00:00Z',
  });

beforeAll(async () => {
  ({ ses, sms, events } = await startTaskServices({ tenantId: T, name: 'blocked', now: () => now, sender: SENDER }));
  await store.tenants.putTenant(supplier(T, { language: 'it', financeInboxes: [] }));
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop()]);
});

/** One execution; `before` runs ahead of a Task's handler with how many times that state ran before. */
const walk = (invoiceId: string, before: Record<string, (n: number) => Promise<void>> = {}) =>
  walkDunning({ input: { tenantId: T, invoiceId, revision: 1, run: 0 }, handlers, clock: { get: () => now, set: (d) => (now = d) }, before });

/** The invoice paid behind the execution's back: its next Task ends the walk in Closed. */
const pay = async (invoiceId: string) => {
  await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...(await store.invoices.getInvoice(T, invoiceId))!, ...keys.invoice(T, invoiceId), entity: 'invoice', status: 'paid' } }));
};
const refusalsCounted = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.filter((c) => c[0] === ACCOUNT_REFUSAL_METRIC).length;

describe('the final notice refused because SES paused the account', () => {
  const customer = customerOf('C-PAUSED', 'amministrazione@paused.example');
  const inv = invoiceOf('PAU-1', customer.customerId);
  let entered: string[];
  const heldWhileRefused: unknown[] = [];
  let counted = 0;

  beforeAll(async () => {
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    const spy = vi.spyOn(metrics, 'addMetric');
    entered = await walk(inv.invoiceId, {
      PlaceCreditHold: async (n) => {
        if (n === 0) ses.setAccount({ sending: 'paused' });
        if (n > 0) heldWhileRefused.push((await store.customers.getCustomer(T, customer.customerId))!.creditHold);
        // Parked once (WaitSenderUnblocked), re-planned: the account has been fixed meanwhile.
        if (n === ATTEMPTS) ses.setAccount({ sending: 'enabled' });
      },
      EscalateToAgency: () => pay(inv.invoiceId),
    });
    counted = refusalsCounted(spy);
    spy.mockRestore();
  }, 120_000);

  it('places no credit hold while the notice does not leave: the Task retries, parks, re-plans, never fails', () => {
    // Invoked ATTEMPTS times before the park and once after it; the customer is read before each later one.
    expect(heldWhileRefused).toHaveLength(ATTEMPTS);
    expect(heldWhileRefused.every((h) => h === undefined)).toBe(true);
    expect(entered.filter((s) => s === 'PlaceCreditHold')).toHaveLength(2);
    const parked = entered.indexOf('WaitSenderUnblocked');
    expect(parked).toBeGreaterThan(entered.indexOf('PlaceCreditHold'));
    expect(entered.slice(parked + 1, parked + 3)).toEqual(['PlanTimeline', 'Route']);
    expect(entered).not.toContain('RecordFailure');
    // The hand-off comes only after the hold that followed a notice that left.
    expect(entered.indexOf('WaitEscalation')).toBeGreaterThan(entered.lastIndexOf('PlaceCreditHold'));
    expect(ses.refused()).toBeGreaterThanOrEqual(ATTEMPTS);
  });

  it('does not use the notice up: each refused attempt is given back with the reason, then the notice leaves once and the hold follows it', async () => {
    const v = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    const notice = v.events.filter((e) => e.type === 'message' && e.stage === 'creditHold' && e.channel === 'email');
    expect(notice.filter((e) => e.outcome === 'skipped')).toHaveLength(ATTEMPTS);
    for (const e of notice.filter((x) => x.outcome === 'skipped')) expect(String(e.details?.reason)).toMatch(/refused for the sending account.*SendingPausedException/);
    expect(notice.filter((e) => e.outcome === 'sent')).toHaveLength(1);
    expect(notice.filter((e) => e.outcome === 'failed')).toEqual([]);
    const hold = v.events.filter((e) => e.type === 'credit_hold');
    expect(hold).toHaveLength(1);
    expect(Date.parse(hold[0]!.at)).toBeGreaterThanOrEqual(Date.parse(notice.find((e) => e.outcome === 'sent')!.at));
    expect((await store.customers.getCustomer(T, customer.customerId))!.creditHold).toMatchObject({ invoiceId: inv.invoiceId });
    expect(ses.sent().filter((m) => m.tags.invoice === inv.invoiceId && m.tags.stage === 'creditHold')).toHaveLength(1);
  });

  it('counts every account-level refusal for the alarm', () => {
    expect(counted).toBe(ATTEMPTS);
  });
});

describe('a reminder refused because the account is still in the SES sandbox', () => {
  const customer = customerOf('C-SANDBOX', 'amministrazione@sandbox.example');
  const inv = invoiceOf('SBX-1', customer.customerId);
  let entered: string[];
  let attempts = 0;

  beforeAll(async () => {
    now = new Date('2026-01-15T10:00:00Z');
    await store.customers.putCustomer(customer);
    await store.invoices.putInvoice(inv);
    entered = await walk(inv.invoiceId, {
      SendDueDate: async (n) => {
        attempts = n + 1;
        if (n === 0) ses.setAccount({ sending: 'enabled', sandbox: { verified: ['officinerossi.example'] } });
        // Production access granted while the stage was parked.
        if (n === ATTEMPTS) ses.setAccount({ sending: 'enabled' });
      },
      PlacePhoneCall: () => pay(inv.invoiceId),
    });
  }, 120_000);

  it('keeps the stage: nothing after it while the reminder has not left, then the reminder leaves once', async () => {
    expect(attempts).toBe(ATTEMPTS + 1);
    const first = entered.indexOf('SendDueDate');
    const parked = entered.indexOf('WaitSenderUnblocked');
    expect(parked).toBe(first + 1);
    expect(entered.slice(parked + 1, parked + 3)).toEqual(['PlanTimeline', 'Route']);
    expect(entered.lastIndexOf('SendDueDate')).toBeGreaterThan(parked);
    for (const later of ['WaitFirstOverdue', 'WaitSecondOverdue', 'WaitPhoneCall', 'WaitCreditHold']) expect(entered.indexOf(later) === -1 || entered.indexOf(later) > entered.lastIndexOf('SendDueDate'), later).toBe(true);
    expect(entered).not.toContain('RecordFailure');
    const v = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    const reminder = v.events.filter((e) => e.type === 'message' && e.stage === 'dueDate' && e.channel === 'email');
    expect(reminder.filter((e) => e.outcome === 'sent')).toHaveLength(1);
    expect(reminder.filter((e) => e.outcome === 'skipped')).toHaveLength(ATTEMPTS);
    for (const e of reminder.filter((x) => x.outcome === 'skipped')) expect(String(e.details?.reason)).toMatch(/MessageRejected/);
    expect(reminder.filter((e) => e.outcome === 'failed')).toEqual([]);
  });
});
