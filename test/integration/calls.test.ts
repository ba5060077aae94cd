/**
 * One call per customer per day, through the real place-call handler, admin API and plan-timeline
 * handler against DynamoDB Local: the invoices whose call is due that day share one call task (even
 * when their executions reach the stage at the same moment), the other overdue invoices are talking
 * points, the queue lists one row per call, an outcome applies to all its invoices; and two ignored
 * e-mails with no SMS possible bring the call forward.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callApi } from '../support/api-events.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { supplier } from '../support/fixtures.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { executionName } from '../../lambdas/domain/timeline/execution-name.js';
import { Customer, Invoice, type CustomerInput, type InvoiceInput, type PolicyId } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { callTaskId } from '../../lambdas/domain/commands/tasks.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import type { TimelinePlan } from '../../lambdas/domain/timeline/plan.js';
import { placeCall as placeCallUseCase } from '../../lambdas/app/timeline/place-call.js';
import { sendStageReminder as sendStageReminderUseCase } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { ExecutionRef, StageRequest } from '../../lambdas/app/timeline/execution.js';
import { planFor as planForUseCase } from '../../lambdas/app/timeline/plan-timeline.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
const T = 'calls-co';
const STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:dunning-calls';
// Tuesday 3 March 2026, 09:00 in Rome: the call day of the invoices due on Monday 16 February (standard: +15).
const CALL_DAY = '2026-03-03';
let now = new Date('2026-03-03T08:00:00Z');
useClock({ now: () => now });

const workflow = await startStandInWorkflow(STATE_MACHINE_ARN, now);
Object.assign(process.env, {
  ...workflow.env,
  EVENT_BUS_NAME: 'sollecito-calls',
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const deps = timelineDeps();
const placeCall = (input: StageRequest) => placeCallUseCase(deps, input);
const sendStageReminder = (input: StageRequest) => sendStageReminderUseCase(deps, input);
const planFor = (input: ExecutionRef) => planForUseCase(deps, input);
const adminApi = adminApiHandler(T);
const api = <R = any>(req: Parameters<typeof callApi>[1]) => callApi<R>(adminApi, req);

const store = dynamoRepositories();
const tenant = supplier(T, { language: 'en' });

let customerN = 0;
const newCustomer = async (over: Partial<CustomerInput> = {}) => {
  const c = Customer.parse({
    tenantId: T,
    customerId: `C-${++customerN}`,
    name: `Ferramenta ${customerN} S.p.A.`,
    country: 'IT',
    language: 'it',
    timeZone: 'Europe/Rome',
    email: `ap${customerN}@ferramenta.example`,
    phone: '+393471234567',
    billingContact: { name: 'Giulia Neri', phone: '+390512345678' },
    salesNotes: ['Ask for Giulia, never before 10:00'],
    ...over,
  });
  await store.customers.putCustomer(c);
  return c;
};

let invoiceN = 0;
/** An open invoice in the table, its stages up to secondOverdue done (standard policy) unless told otherwise. */
const newInvoice = async (customer: Customer, over: Partial<InvoiceInput> = {}, done: Stage[] = ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue']) => {
  const n = ++invoiceN;
  const inv = Invoice.parse({
    tenantId: T,
    invoiceId: `INV-${n}`,
    number: `2026/${String(n).padStart(4, '0')}`,
    customerId: customer.customerId,
    issueDate: '2026-01-16',
    dueDate: '2026-02-16',
    currency: 'EUR',
    amount: 100_000 + n,
    status: 'open',
    createdAt: '2026-01-16T08:00:00Z',
    updatedAt: '2026-01-16T08:00:00Z',
    ...over,
  });
  await store.invoices.putInvoice(inv);
  for (const stage of done) {
    await store.doc.send(
      new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, inv.invoiceId, stage), entity: 'stageDone', stage, at: '2026-03-02T08:00:00Z', revision: inv.revision, run: inv.run } }),
    );
  }
  return inv;
};

const planOf = async (inv: Invoice, customer: Customer): Promise<TimelinePlan> => {
  const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
  return planTimeline({ invoice: view.invoice, customer, policy: policyFor(customer, tenant), stagesDone: view.stagesDone, now });
};

const call = async (inv: Invoice, customer: Customer) =>
  placeCall({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run, stage: 'phoneCall', plan: await planOf(inv, customer) });

const callItems = async (day: string) =>
  (
    await store.doc.send(
      new QueryCommand({ TableName: store.name, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.callTask(T, day, '', '').pk } }),
    )
  ).Items ?? [];

const callLog = async (inv: Invoice) => (await store.invoices.getInvoiceView(T, inv.invoiceId))!.events.filter((e) => e.type === 'call_task');

beforeAll(async () => {
  await store.tenants.putTenant(tenant);
});
afterAll(async () => {
  useSystemClock();
  await workflow.stop();
});

describe('one call per customer per day', () => {
  it('covers every invoice whose call is due that day, mentions the other overdue ones, and each log points at the call', async () => {
    const customer = await newCustomer();
    const a = await newInvoice(customer, { amount: 120_000 });
    const b = await newInvoice(customer, { amount: 80_000, currency: 'EUR' });
    // Overdue since 25 February, its own next stage (firstOverdue) still ahead: a talking point only.
    const c = await newInvoice(customer, { dueDate: '2026-02-25', amount: 30_000 }, ['preDue', 'dueDate']);
    // Not due yet: neither on the call nor mentioned.
    const d = await newInvoice(customer, { dueDate: '2026-03-20', amount: 999_900 }, []);

    // B's execution planned its call before A's call was placed (its plan still has the stage).
    const planOfB = await planOf(b, customer);
    const first = await call(a, customer);
    expect(first).toMatchObject({ outcome: 'queued', day: CALL_DAY, callId: callTaskId(customer.customerId, CALL_DAY), covers: [b.invoiceId] });

    const items = (await callItems(CALL_DAY)).filter((i) => i.customerId === customer.customerId);
    const header = items.find((i) => i.entity === 'customerCall')!;
    expect(header).toMatchObject({ callId: first.callId, leadInvoiceId: a.invoiceId, phone: '+390512345678', contactName: 'Giulia Neri' });
    expect(header.alsoOverdue).toEqual([{ invoiceId: c.invoiceId, invoiceNumber: c.number, currency: 'EUR', amountDue: 30_000, daysPastDue: 6 }]);
    expect(header.totals).toEqual([{ currency: 'EUR', amount: 120_000 + 80_000 + 30_000 }]);
    const points = (header.talkingPoints as string[]).join('\n');
    for (const inv of [a, b, c]) expect(points).toContain(inv.number);
    expect(points).not.toContain(d.number);
    expect(points).toContain('€2,300.00');
    expect(items.filter((i) => i.entity === 'callTask').map((i) => i.invoiceId).sort()).toEqual([a.invoiceId, b.invoiceId]);

    // Both stages are done by the one call; the mentioned invoice keeps its own timeline.
    for (const inv of [a, b]) {
      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.stagesDone.map((s) => s.stage)).toContain('phoneCall');
      expect(view.sendingUntil).toBeUndefined();
      const logged = await callLog(inv);
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatchObject({ messageId: first.callId, outcome: 'recorded', details: { callId: first.callId, day: CALL_DAY } });
    }
    expect((await callLog(b))[0]!.details).toMatchObject({ sentWith: a.invoiceId, amountDue: 80_000 });
    expect((await store.invoices.getInvoiceView(T, c.invoiceId))!.stagesDone.map((s) => s.stage)).not.toContain('phoneCall');

    // B's execution reaches its call a moment later and moves on; nothing is written twice.
    now = new Date('2026-03-03T08:00:05Z');
    expect(await placeCall({ tenantId: T, invoiceId: b.invoiceId, revision: b.revision, run: b.run, stage: 'phoneCall', plan: planOfB })).toMatchObject({
      outcome: 'alreadyQueued',
    });
    expect((await callItems(CALL_DAY)).filter((i) => i.customerId === customer.customerId)).toHaveLength(3);
    expect(await callLog(b)).toHaveLength(1);
    now = new Date('2026-03-03T08:00:00Z');
  });

  it('gives one call when the executions of two invoices reach the stage at the same moment', async () => {
    const customers = await Promise.all([newCustomer(), newCustomer(), newCustomer()]);
    const pairs = await Promise.all(customers.map(async (cust) => [cust, await newInvoice(cust), await newInvoice(cust)] as const));
    const results = await Promise.all(pairs.flatMap(([cust, x, y]) => [call(x, cust), call(y, cust)]));
    expect(results.every((r) => r.outcome === 'queued' || r.outcome === 'alreadyQueued')).toBe(true);

    const items = await callItems(CALL_DAY);
    for (const [cust, x, y] of pairs) {
      const mine = items.filter((i) => i.customerId === cust.customerId);
      const callId = callTaskId(cust.customerId, CALL_DAY);
      expect(mine.filter((i) => i.entity === 'customerCall').map((i) => i.callId)).toEqual([callId]);
      const lines = mine.filter((i) => i.entity === 'callTask');
      expect(lines.map((i) => i.invoiceId).sort()).toEqual([x.invoiceId, y.invoiceId].sort());
      expect(lines.map((i) => i.callId)).toEqual([callId, callId]);
      // Whichever execution won, the sheet the caller reads talks about both invoices.
      const points = (mine.find((i) => i.entity === 'customerCall')!.talkingPoints as string[]).join('\n');
      expect(points).toContain(x.number);
      expect(points).toContain(y.number);
      for (const inv of [x, y]) {
        const logged = await callLog(inv);
        expect(logged.map((e) => e.messageId)).toEqual([callId]);
      }
    }
    const queue = await api({ method: 'GET', path: `/v1/calls?day=${CALL_DAY}` });
    for (const [cust, x, y] of pairs) {
      const rows = queue.body.calls.filter((r: { customerId: string }) => r.customerId === cust.customerId);
      expect(rows).toHaveLength(1);
      expect(rows[0].invoices.map((i: { invoiceId: string }) => i.invoiceId).sort()).toEqual([x.invoiceId, y.invoiceId].sort());
    }
  });

  it('goes without an invoice held by another send at that moment; that invoice joins the same call by itself', async () => {
    const customer = await newCustomer();
    const a = await newInvoice(customer);
    const b = await newInvoice(customer);
    const hold = (until: string | null) =>
      store.doc.send(
        new UpdateCommand({
          TableName: store.name,
          Key: keys.invoice(T, b.invoiceId),
          UpdateExpression: until ? 'SET sendingUntil = :u' : 'REMOVE sendingUntil',
          ...(until ? { ExpressionAttributeValues: { ':u': until } } : {}),
        }),
      );
    await hold('2026-03-03T08:10:00Z');
    const placed = await call(a, customer);
    expect(placed.outcome).toBe('queued');
    expect(placed.covers).toBeUndefined();
    const before = (await callItems(CALL_DAY)).filter((i) => i.customerId === customer.customerId);
    expect(before.filter((i) => i.entity === 'callTask').map((i) => i.invoiceId)).toEqual([a.invoiceId]);
    // Still open and due: the caller is told about it.
    expect((before.find((i) => i.entity === 'customerCall')!.talkingPoints as string[]).join('\n')).toContain(b.number);

    await hold(null);
    now = new Date('2026-03-03T08:20:00Z');
    try {
      expect(await call(b, customer)).toMatchObject({ outcome: 'queued', callId: callTaskId(customer.customerId, CALL_DAY) });
    } finally {
      now = new Date('2026-03-03T08:00:00Z');
    }
    const after = (await callItems(CALL_DAY)).filter((i) => i.customerId === customer.customerId);
    expect(after.filter((i) => i.entity === 'customerCall')).toEqual([expect.objectContaining({ leadInvoiceId: a.invoiceId, createdAt: '2026-03-03T08:00:00.000Z' })]);
    expect(after.filter((i) => i.entity === 'callTask').map((i) => i.invoiceId).sort()).toEqual([a.invoiceId, b.invoiceId].sort());
    expect((await callLog(b)).map((e) => e.messageId)).toEqual([callTaskId(customer.customerId, CALL_DAY)]);
  });

  it('lists one row per customer call with its invoices, and an outcome applies to all of them', async () => {
    const customer = await newCustomer();
    const a = await newInvoice(customer, { amount: 50_000, amountPaid: 10_000 });
    const b = await newInvoice(customer, { amount: 70_000, dueDate: '2026-02-13' }, ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue']);
    const c = await newInvoice(customer, { dueDate: '2026-02-27', amount: 5_000, currency: 'RON' }, ['preDue', 'dueDate']);
    for (const inv of [a, b]) {
      workflow.emulator.start(executionName(T, inv.invoiceId, inv.revision, inv.run), JSON.stringify({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run }));
    }
    expect(await call(a, customer)).toMatchObject({ outcome: 'queued', covers: [b.invoiceId] });

    const queue = await api({ method: 'GET', path: `/v1/calls?day=${CALL_DAY}` });
    expect(queue.status).toBe(200);
    const rows = queue.body.calls.filter((r: { customerId: string }) => r.customerId === customer.customerId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      callId: callTaskId(customer.customerId, CALL_DAY),
      invoiceId: a.invoiceId,
      phone: '+390512345678',
      done: false,
      // Oldest due date first, with today's amounts.
      invoices: [
        { invoiceId: b.invoiceId, invoiceNumber: b.number, amountDue: 70_000, daysPastDue: 18, currency: 'EUR' },
        { invoiceId: a.invoiceId, invoiceNumber: a.number, amountDue: 40_000, daysPastDue: 15, currency: 'EUR' },
      ],
      alsoOverdue: [{ invoiceId: c.invoiceId, amountDue: 5_000, currency: 'RON', daysPastDue: 4 }],
      totals: [
        { currency: 'EUR', amountDue: 110_000 },
        { currency: 'RON', amountDue: 5_000 },
      ],
    });

    // The finance team logs the call on either invoice: a promise for the whole call.
    const res = await api({ method: 'POST', path: `/v1/calls/${customer.customerId}/${b.invoiceId}/outcome`, body: { reached: true, promise: { date: '2026-03-10' }, day: CALL_DAY } });
    expect(res.status).toBe(200);
    expect(res.body.invoice).toMatchObject({ invoiceId: b.invoiceId, status: 'promised' });
    expect(res.body.callId).toBe(callTaskId(customer.customerId, CALL_DAY));
    expect(res.body.otherInvoices.map((o: { invoice: { invoiceId: string; status: string } }) => [o.invoice.invoiceId, o.invoice.status])).toEqual([[a.invoiceId, 'promised']]);
    for (const inv of [a, b]) {
      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.invoice.promise?.date).toBe('2026-03-10');
      expect(view.events.filter((e) => e.type === 'call_outcome')).toHaveLength(1);
    }
    // The mentioned invoice is not on the call: untouched.
    expect((await store.invoices.getInvoiceView(T, c.invoiceId))!.events.filter((e) => e.type === 'call_outcome')).toEqual([]);

    const after = await api({ method: 'GET', path: `/v1/calls?day=${CALL_DAY}` });
    const row = after.body.calls.find((r: { customerId: string }) => r.customerId === customer.customerId);
    expect(row.done).toBe(true);
    expect(row.outcome).toMatchObject({ reached: true, promiseDate: '2026-03-10' });
    for (const i of row.invoices) expect(i.outcome).toMatchObject({ reached: true, promiseDate: '2026-03-10' });
  });
});

describe('two ignored e-mails and no SMS: the call comes forward', () => {
  const sentEmail = (inv: Invoice, stage: Stage, at: string) =>
    contactEvent({ tenantId: T, invoiceId: inv.invoiceId, at, type: 'message', channel: 'email', actor: 'system', stage, to: 'ap@x.example', outcome: 'sent' });

  const plannedAt = async (policy: PolicyId, engaged: false | 'opened' | 'viewed') => {
    // Relationship never texts; standard texts, but this customer has no mobile.
    const customer = await newCustomer({ policy, phone: undefined });
    const inv = await newInvoice(customer, { lastContactAt: '2026-02-16T08:00:00Z' }, ['preDue', 'dueDate']);
    await store.invoices.appendEvent(sentEmail(inv, 'preDue', '2026-02-06T08:00:00Z'));
    await store.invoices.appendEvent(sentEmail(inv, 'dueDate', '2026-02-16T08:00:00Z'));
    if (engaged === 'opened') {
      await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: inv.invoiceId, at: '2026-02-17T10:00:00Z', type: 'message_opened', channel: 'email', actor: 'customer', outcome: 'recorded' }));
    }
    if (engaged === 'viewed') {
      await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: inv.invoiceId, at: '2026-02-17T10:00:00Z', type: 'link_view', channel: 'link', actor: 'customer', outcome: 'recorded' }));
    }
    return planFor({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run });
  };

  it('plans the call for the accounts office on the next business day and leaves out the e-mails before it', async () => {
    // Thursday 26 February, 11:00 Rome: firstOverdue (relationship +10) is due today.
    now = new Date('2026-02-26T10:00:00Z');
    try {
      const ignored = await plannedAt('relationship', false);
      expect(ignored).toMatchObject({ mode: 'timeline', next: 'phoneCall' });
      expect(ignored.at.phoneCall).toBe('2026-02-27T08:00:00.000Z'); // Friday 09:00 Rome, not +25
      expect(ignored.skip).toEqual(expect.arrayContaining(['firstOverdue', 'secondOverdue']));
      expect(ignored.reason).toContain('call comes forward');

      // A page of a link fetched (a mail gateway's prefetch as much as a person): still ignored, the call still comes forward.
      expect(await plannedAt('relationship', 'viewed')).toMatchObject({ next: 'phoneCall', at: { phoneCall: '2026-02-27T08:00:00.000Z' } });

      // The customer opened the last reminder: the policy's own course.
      const heard = await plannedAt('relationship', 'opened');
      expect(heard.next).toBe('firstOverdue');
      expect(Date.parse(heard.at.phoneCall)).toBeGreaterThanOrEqual(Date.parse('2026-03-13T08:00:00Z')); // +25 or later

      // A policy that texts, but no mobile to text: the call comes forward too.
      const noMobile = await plannedAt('standard', false);
      expect(noMobile.next).toBe('phoneCall');
      expect(noMobile.at.phoneCall).toBe('2026-02-27T08:00:00.000Z');
    } finally {
      now = new Date('2026-03-03T08:00:00Z');
    }
  });

  it('makes a written reminder already under way give way to the call, once, with the reason in the log', async () => {
    now = new Date('2026-02-26T10:00:00Z');
    try {
      const customer = await newCustomer({ policy: 'relationship', phone: undefined });
      const inv = await newInvoice(customer, { lastContactAt: '2026-02-16T08:00:00Z' }, ['preDue', 'dueDate']);
      await store.invoices.appendEvent(sentEmail(inv, 'preDue', '2026-02-06T08:00:00Z'));
      await store.invoices.appendEvent(sentEmail(inv, 'dueDate', '2026-02-16T08:00:00Z'));
      const plan = await planOf(inv, customer);
      const send = () => sendStageReminder({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run, stage: 'firstOverdue', plan });
      await expect(send()).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.events.filter((e) => e.type === 'deferred').map((e) => [e.stage, e.details?.reason])).toEqual([['firstOverdue', expect.stringContaining('call comes forward')]]);
      expect(view.events.filter((e) => e.type === 'message' && e.stage === 'firstOverdue')).toEqual([]);
      // Back in PlanTimeline (the Catch on Sollecito.Deferred): the call is next, the e-mail left out.
      const replanned = await planFor({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run });
      expect(replanned).toMatchObject({ next: 'phoneCall' });
      expect(replanned.skip).toContain('firstOverdue');
    } finally {
      now = new Date('2026-03-03T08:00:00Z');
    }
  });
});
