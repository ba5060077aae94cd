/**
 * One gate for every customer message, with the real use cases against DynamoDB Local, SES v2
 * local and the EventBridge sink: what is due the same day is merged into the firmest message,
 * one message a day, the send window for a thank-you; and the same instant gives the same single
 * message whichever execution runs first, the customer's turns taken one at a time (the voice lease).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import { placeCreditHold } from '../../lambdas/app/timeline/place-credit-hold.js';
import { sendThankYou } from '../../lambdas/app/messaging/send-thank-you.js';
import type { TimelinePorts } from '../../lambdas/app/timeline/ports.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';

await useLocalTable();
const T = 'gate-co';
// Wednesday 4 March 2026, 09:00 in Rome.
const NINE = new Date('2026-03-04T08:00:00Z');
let now = NINE;
useClock({ now: () => now });
let ses: RunningSes;
let sink: Awaited<ReturnType<typeof startEventsSink>>;
let deps: TimelinePorts;
const store = dynamoRepositories();
const tenant = supplier(T, { language: 'en' });

let n = 0;
const newCustomer = async (over: Partial<Customer> = {}) => {
  const c = Customer.parse({ tenantId: T, customerId: `C-${++n}`, name: `Delta ${n} Ltd`, country: 'IT', language: 'en', timeZone: 'Europe/Rome', email: `ap${n}@delta.example`, ...over });
  await store.customers.putCustomer(c);
  return c;
};
const invoice = async (c: Customer, id: string, over: Partial<InvoiceInput> = {}, done: string[] = []) => {
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `${c.customerId}-${id}`,
    number: `${c.customerId}/${id}`,
    customerId: c.customerId,
    issueDate: '2026-01-02',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-02T08:00:00Z',
    updatedAt: '2026-01-02T08:00:00Z',
    ...over,
  });
  await store.invoices.putInvoice(inv);
  for (const stage of done) {
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, inv.invoiceId, stage), entity: 'stageDone', stage, at: '2026-02-20T08:00:00.000Z', revision: 1, run: 0 } }));
  }
  return inv;
};
const stage = async (inv: Invoice, s: Stage) => {
  const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
  const customer = (await store.customers.getCustomer(T, inv.customerId))!;
  const plan = planTimeline({ invoice: view.invoice, customer, policy: policyFor(customer, tenant), stagesDone: view.stagesDone, now });
  return { tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run, stage: s, plan };
};
const mailsTo = (c: Customer) => ses.messages().filter((m) => m.destination.to.includes(c.email!));
/** The message as the customer reads it; which execution carried it does not show. */
const seen = (c: Customer) => mailsTo(c).map((m) => ({ subject: m.subject, text: m.body.text }));

/** A credit hold due today and another invoice's due-date reminder due today, for a new customer. */
const holdAndDueDate = async () => {
  const c = await newCustomer();
  const held = await invoice(c, 'A', {}, ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']);
  const due = await invoice(c, 'B', { issueDate: '2026-02-02', dueDate: '2026-03-04', amount: 50_000 }, ['preDue']);
  return { c, held, due };
};

beforeAll(async () => {
  ses = await startSes();
  sink = await startEventsSink(await freePort(), { now: () => now });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: sink.endpoint,
    EVENT_BUS_NAME: 'gate',
    SENDER_EMAIL: 'crediti@officinerossi.example',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
  });
  deps = timelineDeps();
  await store.tenants.putTenant(tenant);
});
afterAll(async () => {
  useSystemClock();
  await ses.stop();
  await sink.stop();
});
beforeEach(() => {
  now = NINE;
});

describe('the same instant gives the same single message, whatever runs first', () => {
  it('due-date reminder first: it gives way to the final notice, which carries it', async () => {
    const { c, held, due } = await holdAndDueDate();
    await expect(sendStageReminder(deps, await stage(due, 'dueDate'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect((await store.invoices.getInvoice(T, due.invoiceId))!.deferral).toMatchObject({ stage: 'dueDate', until: '2026-03-04T08:01:00.000Z' });
    expect(await placeCreditHold(deps, await stage(held, 'creditHold'))).toMatchObject({ outcome: 'placed' });
    now = new Date('2026-03-04T08:01:00Z');
    expect(await sendStageReminder(deps, await stage(due, 'dueDate'))).toMatchObject({ outcome: expect.stringMatching(/alreadyDone|skipped/) });
    expect(mailsTo(c)).toHaveLength(1);
    expect(mailsTo(c)[0]!.subject).toBe('Final notice: overdue invoices and your credit line');
    expect(mailsTo(c)[0]!.body.text).toContain(due.number);
    first = seen(c);
  });

  let first: { subject: string; text: string | undefined }[] = [];
  /** Two customers made alike: their ids and names aside. */
  const alike = (ms: ReturnType<typeof seen>) => ms.map((m) => ({ subject: m.subject, text: m.text?.replace(/C-\d+/g, 'C').replace(/Delta \d+ Ltd/g, 'Delta') }));

  it('final notice first: it carries the due-date reminder, which then finds itself done; the customer reads the same', async () => {
    const { c, held, due } = await holdAndDueDate();
    expect(await placeCreditHold(deps, await stage(held, 'creditHold'))).toMatchObject({ outcome: 'placed' });
    expect(await sendStageReminder(deps, await stage(due, 'dueDate'))).toMatchObject({ outcome: expect.stringMatching(/alreadyDone|skipped/) });
    expect(mailsTo(c)).toHaveLength(1);
    expect(alike(seen(c))).toEqual(alike(first));
  });

  it('both at once: one message, the customer turns taken one after the other', async () => {
    const { c, held, due } = await holdAndDueDate();
    const [hold, reminder] = await Promise.allSettled([placeCreditHold(deps, await stage(held, 'creditHold')), sendStageReminder(deps, await stage(due, 'dueDate'))]);
    expect(hold).toMatchObject({ status: 'fulfilled', value: { outcome: 'placed' } });
    // The reminder either gave way (re-planned) or found itself carried.
    expect(reminder.status === 'rejected' ? (reminder.reason as Error).name : (reminder.value as { outcome: string }).outcome).toMatch(/Sollecito.Deferred|alreadyDone/);
    expect(mailsTo(c)).toHaveLength(1);
    expect(mailsTo(c)[0]!.body.text).toContain(due.number);
  });

  it('waits for the customer while another message to them is being decided', async () => {
    const { c, due } = await holdAndDueDate();
    const lease = (await store.voice.acquire(T, c.customerId))!;
    let settled = false;
    const pending = sendStageReminder(deps, await stage(due, 'dueDate')).catch((e: unknown) => e).finally(() => (settled = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    await store.voice.release(lease);
    await pending;
    expect(settled).toBe(true);
  });
});

describe('one gate for every message', () => {
  it('defers a final notice when the customer already had an e-mail today, past the policy gap', async () => {
    const c = await newCustomer({ recentContacts: [{ at: '2026-03-04T08:00:00.000Z', channel: 'email', kind: 'dueDate' }] });
    const held = await invoice(c, 'A', {}, ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']);
    now = new Date('2026-03-04T08:30:00Z');
    await expect(placeCreditHold(deps, await stage(held, 'creditHold'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect(mailsTo(c)).toEqual([]);
    const after = (await store.invoices.getInvoiceView(T, held.invoiceId))!;
    // One a day, and the standard policy's 5 days between two e-mails: Monday 9 March, 09:00.
    expect(after.invoice.deferral).toMatchObject({ stage: 'creditHold', until: '2026-03-09T08:00:00.000Z' });
    expect(after.invoice.deferral?.reason).toMatch(/already had an e-mail today/);
    expect(after.stagesDone.map((s) => s.stage)).not.toContain('creditHold');
    expect((await store.customers.getCustomer(T, c.customerId))!.creditHold).toBeUndefined();
  });

  it('keeps a thank-you outside the send window for the window, then lets it ride along with a reminder due then', async () => {
    const c = await newCustomer();
    const paid = await invoice(c, 'P', { status: 'paid', amountPaid: 100_000, updatedAt: '2026-03-04T06:30:00Z' }, ['preDue', 'dueDate']);
    const due = await invoice(c, 'B', { issueDate: '2026-02-02', dueDate: '2026-03-04', amount: 50_000 }, ['preDue']);
    const run = { tenantId: T, invoiceId: paid.invoiceId, revision: 1, run: 0, mailbox: { kind: 'thankYou' as const, sendAt: '2026-03-04T06:30:00Z', paymentDate: '2026-03-04' } };
    now = new Date('2026-03-04T06:30:00Z');
    expect(await sendThankYou(deps, run)).toMatchObject({ done: false, sendAt: '2026-03-04T08:00:00.000Z' });
    expect(mailsTo(c)).toEqual([]);
    now = NINE;
    expect(await sendThankYou(deps, run)).toMatchObject({ done: true });
    expect(await sendStageReminder(deps, await stage(due, 'dueDate'))).toMatchObject({ outcome: expect.stringMatching(/alreadyDone|skipped/) });
    const mails = mailsTo(c);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body.text).toContain(`Thank you for your payment of ${paid.number}`);
    expect(mails[0]!.body.text).toContain(due.number);
    expect((await store.customers.getCustomer(T, c.customerId))!.recentContacts).toEqual([{ at: NINE.toISOString(), channel: 'email', kind: 'dueDate' }]);
  });
});
