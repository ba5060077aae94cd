/**
 * An instalment plan walked through statemachines/dunning.asl.json by aws-local-stepfunctions, every
 * Task served by its real handler module, against DynamoDB Local, SES v2 local and the sinks, under
 * the standard preset (reminder 3 days before each instalment): each instalment is announced on its
 * reminder's day, checked the morning after its date, and the plan ends paid without a follow-up.
 * Wait states take no real time: the Task wrapper moves the test clock to the instant waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import { supplier } from '../support/fixtures.js';
import type { RunningSes } from '../../local/services/ses.js';
import type { RunningSmsSink } from '../../local/services/sms-sink.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { recordPayment } from '../../lambdas/domain/commands/commands.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';

polyfillWithResolvers();
await useLocalTable();

const T = 'plan-walk';
let now = new Date('2026-03-01T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
const table = tableFromEnv();
const store = dynamoRepositories(table);
// The walk is the execution: the command's stop and restart of it are the next walk's business.
const commands = new DynamoCommands({ start: async () => ({ executionArn: 'arn:walk', alreadyStarted: false }), stop: async () => undefined }, table);
let ses: RunningSes;
let sms: RunningSmsSink;
let events: TaskServices['events'];

const customer = Customer.parse({ tenantId: T, customerId: 'C-WALK', name: 'Rate a Rate S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@rate-a-rate.example', policy: 'standard' });
/** 1,000.00 EUR in two instalments, Friday 20 March and Monday 20 April 2026, agreed on 1 March. */
const agreed = Invoice.parse({
  tenantId: T, invoiceId: 'PW-1', number: '2026/PW-1', customerId: customer.customerId, issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
  status: 'promised', paymentReference: 'RF-PW-1', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-03-01T10:00:00Z',
  promise: { date: '2026-03-20', amount: 50_000, recordedAt: '2026-03-01T10:00:00Z', expectedPaid: 50_000, note: 'instalment 1 of 2' },
  plan: { agreedAt: '2026-03-01T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-20', amount: 50_000 }, { date: '2026-04-20', amount: 50_000 }] },
});

beforeAll(async () => {
  ({ ses, sms, events } = await startTaskServices({ tenantId: T, name: 'plan-walk', now: () => now }));
  await store.tenants.putTenant(supplier(T, { language: 'it' }));
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(agreed);
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop()]);
});

/** One execution of the invoice as it stands; `before` runs ahead of a Task's handler with how many times that state ran before. */
const walk = async (before: Record<string, (n: number) => Promise<void>> = {}) => {
  const inv = (await store.invoices.getInvoice(T, agreed.invoiceId))!;
  return walkDunning({ input: { tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }, handlers, clock: { get: () => now, set: (d) => (now = d) }, before });
};

const view = async () => (await store.invoices.getInvoiceView(T, agreed.invoiceId))!;
const sentEmails = async () =>
  (await view()).events.filter((e) => e.type === 'message' && e.channel === 'email' && e.outcome === 'sent').map((e) => `${e.stage} ${e.at}`);

describe('an instalment plan under the standard preset, kept', () => {
  let first: string[];
  let second: string[];
  beforeAll(async () => {
    first = await walk({
      // The first instalment arrives on its date; the finance team records it before the morning check.
      CheckPromise: async (n) => {
        if (n !== 1) return;
        await commands.onInvoice(T, agreed.invoiceId, (inv) => recordPayment(inv, { amount: 50_000, date: '2026-03-20' }, { actor: 'anna@officinerossi.example', now, timeZone: 'Europe/Rome' }));
      },
    });
    // The payment started a new revision: the table stream starts its execution, as here.
    now = new Date('2026-03-23T09:00:00Z');
    second = await walk({
      // The second instalment is paid by bank transfer before its check.
      CheckPromise: async (n) => {
        if (n !== 1) return;
        await store.invoices.putInvoice({ ...(await store.invoices.getInvoice(T, agreed.invoiceId))!, amountPaid: 100_000 });
      },
    });
  }, 120_000);

  it('announces each instalment three days ahead at 09:00 Rome, once, and nothing else', async () => {
    // 20 March - 3 = Tuesday 17 (winter time); 20 April - 3 = Friday 17 (summer time).
    expect(await sentEmails()).toEqual(['instalmentDue 2026-03-17T08:00:00.000Z', 'instalmentDue 2026-04-17T07:00:00.000Z']);
    expect(ses.messages().filter((m) => m.destination.to.includes(customer.email!)).map((m) => m.subject)).toEqual([
      'Rata 1 di 2 in scadenza il 20 marzo 2026: fattura 2026/PW-1',
      'Rata 2 di 2 in scadenza il 20 aprile 2026: fattura 2026/PW-1',
    ]);
    expect(sms.messages()).toHaveLength(0);
  });

  it('walks from the reminder to the check of the instalment and ends when the plan is kept', async () => {
    expect(first.filter((s) => s === 'CheckPromise')).toHaveLength(2);
    expect(first.at(-1)).toBe('Closed');
    expect(second).toEqual(['Begin', 'PlanTimeline', 'Route', 'WaitPromiseCheck', 'CheckPromise', 'Route', 'WaitPromiseCheck', 'CheckPromise', 'Route', 'Closed']);
    const v = await view();
    expect(v.invoice.status).toBe('paid');
    expect(v.events.filter((e) => e.type === 'promise_kept')).toHaveLength(2);
    expect(v.events.filter((e) => e.type === 'promise_broken')).toHaveLength(0);
  });
});
