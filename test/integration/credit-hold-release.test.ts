/**
 * A credit hold lifts itself once no invoice of the customer is past the policy's threshold: real
 * payments through the admin API's command adapter, the table's stream from DynamoDB Local read by
 * the local stream poller into the stream hook, the local EventBridge stand-in and SES v2 server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { localStreamPoller, useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { recordPayment } from '../../lambdas/domain/commands/commands.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { startSes } from '../../local/services/ses.js';
import { invoiceChangeOf } from '../../lambdas/adapters/dynamo/stream-images.js';
import { recordInvoiceActivity } from '../../lambdas/app/timeline/record-invoice-activity.js';
import { timelineDeps } from '../support/timeline-deps.js';

const { endpoint, tableName } = await useLocalTable();
const ses = await startSes();
const NOW = new Date('2026-03-20T10:00:00Z');
useClock({ now: () => NOW });
const events = await startEventsSink(await freePort(), { now: () => NOW });
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
  EVENT_BUS_NAME: 'sollecito-test',
  SENDER_EMAIL: 'crediti@officinerossi.example',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
});
const deps = timelineDeps();
/** What one stream record adds to the activity feed and the credit hold, as the table-stream function reads it. */
const afterInvoiceChange = (record: DynamoDBRecord) => {
  const change = invoiceChangeOf(record);
  if (typeof change === 'string') throw new Error(`not an invoice change: ${change}`);
  return recordInvoiceActivity(deps, { ...(change.beforeInvoice ? { before: change.beforeInvoice } : {}), ...(change.afterInvoice ? { after: change.afterInvoice } : {}) });
};

const T = 'acme-hold';
const store = dynamoRepositories();
// Payments need no execution to stop in this test: a workflow that records what it is asked.
const stopped: string[] = [];
const workflow: Workflow = { start: async () => ({ executionArn: 'x', alreadyStarted: false }), stop: async (name) => void stopped.push(name) };
const commands = new DynamoCommands(workflow, store);

const outcomes: unknown[] = [];
const poller = localStreamPoller({ endpoint, tableName }, {
  filter: (r) => (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.entity?.S === 'invoice',
  handler: async (event: DynamoDBStreamEvent) => {
    for (const r of event.Records) outcomes.push(await afterInvoiceChange(r));
    return { batchItemFailures: [] };
  },
});

const invoice = (id: string, over: Partial<InvoiceInput>): Invoice =>
  Invoice.parse({
    tenantId: T,
    invoiceId: id,
    number: `2026/${id}`,
    customerId: 'C-HOLD',
    issueDate: '2026-01-01',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-01T08:00:00Z',
    updatedAt: '2026-01-01T08:00:00Z',
    ...over,
  });

const pay = (invoiceId: string, amount: number) =>
  commands.onInvoice(T, invoiceId, (inv) => recordPayment(inv, { amount, date: '2026-03-20' }, { actor: 'anna@officinerossi.example', now: NOW, timeZone: 'Europe/Rome' }));

const drain = async () => {
  while ((await poller.pollOnce()) > 0);
};

const customerLog = async () =>
  (
    await store.doc.send(
      new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :log)', ExpressionAttributeValues: { ':pk': keys.customer(T, 'C-HOLD').pk, ':log': 'LOG#' } }),
    )
  ).Items ?? [];

beforeAll(async () => {
  await store.tenants.putTenant(
    supplier(T, { language: 'it' }),
  );
  await store.customers.putCustomer(
    Customer.parse({
      tenantId: T,
      customerId: 'C-HOLD',
      name: 'Alfa Meccanica S.p.A.',
      country: 'IT',
      language: 'it',
      timeZone: 'Europe/Rome',
      salesRep: { name: 'Marco Neri', email: 'marco.neri@officinerossi.example' },
      creditHold: { placedAt: '2026-03-04T09:00:00Z', invoiceId: 'H-1', reason: 'invoice 2026/H-1 unpaid 31 days' },
    }),
  );
  // Standard policy: a hold from 30 days past due. On 20 March: H-1 47 days, H-2 exactly 30 days, H-3 10 days late.
  await store.invoices.putInvoice(invoice('H-1', { dueDate: '2026-02-01', amount: 100_000 }));
  await store.invoices.putInvoice(invoice('H-2', { dueDate: '2026-02-18', amount: 50_000 }));
  await store.invoices.putInvoice(invoice('H-3', { dueDate: '2026-03-10', amount: 20_000 }));
  await poller.init();
  await drain();
});

afterAll(async () => {
  poller.stop();
  useSystemClock();
  await ses.stop();
  await events.stop();
});

describe('automatic credit hold release', () => {
  it('keeps the hold while another invoice is still past the threshold (exactly 30 days counts)', async () => {
    await pay('H-1', 100_000);
    await drain();
    expect(outcomes.at(-1)).toMatchObject({ hold: 'kept' });
    expect((await store.customers.getCustomer(T, 'C-HOLD'))?.creditHold?.invoiceId).toBe('H-1');
    expect(events.events.filter((e) => e.detailType === 'CreditHoldReleased')).toEqual([]);
  });

  it('lifts it when the last one is paid: customer, both logs, EventBridge and the sales rep', async () => {
    await pay('H-2', 50_000);
    await drain();
    expect(outcomes.at(-1)).toMatchObject({ hold: 'released' });

    const customer = await store.customers.getCustomer(T, 'C-HOLD');
    expect(customer?.creditHold).toBeUndefined();
    const log = await customerLog();
    expect(log).toEqual([expect.objectContaining({ type: 'credit_hold_released', actor: 'system', channel: 'system' })]);
    const holdInvoice = await store.invoices.getInvoiceView(T, 'H-1');
    expect(holdInvoice!.events.map((e) => e.type)).toContain('credit_hold_released');

    const released = events.events.filter((e) => e.detailType === 'CreditHoldReleased');
    expect(released).toHaveLength(1);
    expect(released[0]!.detail).toMatchObject({ tenantId: T, customerId: 'C-HOLD', invoiceId: 'H-1', placedAt: '2026-03-04T09:00:00Z', manual: false, releasedBy: 'system' });
    // Ids only on the bus: no names or addresses.
    expect(JSON.stringify(released[0]!.detail)).not.toMatch(/Alfa|@/);

    const mail = ses.messages().find((m) => m.destination.to.includes('marco.neri@officinerossi.example'));
    expect(mail?.subject).toBe('Fido ripristinato: Alfa Meccanica S.p.A.');
    expect(mail?.body.text).toContain('30 giorni');
  });

  it('does nothing more when the same records come again', async () => {
    const before = events.events.length;
    const view = await store.invoices.getInvoiceView(T, 'H-2');
    const again = await afterInvoiceChange({
      eventName: 'MODIFY',
      dynamodb: {
        OldImage: marshallInvoice({ ...view!.invoice, amountPaid: 0, status: 'open' }),
        NewImage: marshallInvoice(view!.invoice),
      },
    });
    expect(again.hold).toBeUndefined(); // no hold any more: nothing to check
    expect(events.events.length).toBe(before);
  });

  it('records both payments and both settlements for the weekly report, once each', async () => {
    const feed = await store.reports.activity(T, '2026-03-20', '2026-03-20');
    const collected = feed.filter((a) => a.kind === 'collected');
    expect(collected.map((a) => [a.invoiceId, a.amount, a.kind === 'collected' && a.afterStage])).toEqual(
      expect.arrayContaining([
        ['H-1', 100_000, 'none'],
        ['H-2', 50_000, 'none'],
      ]),
    );
    expect(collected).toHaveLength(2);
    expect(feed.filter((a) => a.kind === 'closed').map((a) => a.invoiceId).sort()).toEqual(['H-1', 'H-2']);
    const issued = await store.reports.activity(T, '2026-01-01', '2026-01-01');
    expect(issued.map((a) => a.invoiceId).sort()).toEqual(['H-1', 'H-2', 'H-3']);
  });
});

const { marshall } = await import('@aws-sdk/util-dynamodb');
const marshallInvoice = (inv: Invoice) => marshall({ ...inv, entity: 'invoice' }, { removeUndefinedValues: true }) as never;
