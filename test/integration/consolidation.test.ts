/**
 * One voice per customer: the real send-reminder handler against DynamoDB Local and SES v2 local.
 * A customer with eight invoices due the same day gets one e-mail listing all eight; invoices at
 * different stages get one e-mail in the firmest stage's words; a companion paid meanwhile is left out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { Customer, Invoice, Tenant, type InvoiceInput } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { sendStageReminder as sendStageReminderUseCase } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { StageRequest } from '../../lambdas/app/timeline/execution.js';
import type { TimelinePorts } from '../../lambdas/app/timeline/ports.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
const T = 'voice-co';
let now = new Date('2026-03-02T09:00:00Z');
useClock({ now: () => now });

let ses: RunningSes;
let store: DynamoRepositories;
let deps: TimelinePorts;
const sendStageReminder = (input: StageRequest) => sendStageReminderUseCase(deps, input);

const tenant = Tenant.parse({
  tenantId: T,
  name: 'Officine Rossi S.r.l.',
  email: 'amministrazione@officinerossi.example',
  iban: 'IT60X0542811101000000123456',
  country: 'IT',
  timeZone: 'Europe/Rome',
  defaultPolicy: 'standard',
  language: 'en',
  financeInboxes: ['finance@officinerossi.example'],
});
let customerN = 0;
const newCustomer = () =>
  Customer.parse({
    tenantId: T,
    customerId: `C-${++customerN}`,
    name: 'Brighton Fabrication Ltd',
    country: 'GB',
    language: 'en',
    timeZone: 'Europe/London',
    email: `ap${customerN}@brighton.example`,
  });
const invoice = (customerId: string, n: number, over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: T,
    invoiceId: `${customerId}-INV-${n}`,
    number: `BF-${customerId}-${String(n).padStart(3, '0')}`,
    customerId,
    issueDate: '2026-01-30',
    dueDate: '2026-03-02',
    currency: 'GBP',
    amount: 10_000 * n,
    status: 'open',
    createdAt: '2026-01-30T09:00:00Z',
    updatedAt: '2026-01-30T09:00:00Z',
    ...over,
  });

/** Marks stages as done the way the guard does (its STAGE# item), as if sent on `at`. */
const markDone = async (inv: Invoice, stages: Stage[], at: string) => {
  for (const stage of stages) {
    await store.doc.send(
      new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, inv.invoiceId, stage), entity: 'stageDone', stage, at, revision: 1, run: 0 } }),
    );
  }
};

const sendStage = (inv: Invoice, customer: Customer, stage: Stage) =>
  sendStageReminder({
    tenantId: T,
    invoiceId: inv.invoiceId,
    revision: inv.revision,
    run: inv.run,
    stage,
    plan: planTimeline({ invoice: inv, customer, policy: policyFor(customer, tenant), stagesDone: [], now }),
  });

const mailsTo = (to: string) => ses.messages().filter((m) => JSON.stringify(m).includes(to));

beforeAll(async () => {
  ses = await startSes();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'voice',
  });
  deps = timelineDeps();
  store = dynamoRepositories();
  await store.tenants.putTenant(tenant);
});
afterAll(async () => {
  useSystemClock();
  await ses?.stop();
});
beforeEach(() => {
  now = new Date('2026-03-02T09:00:00Z');
});

describe('one voice per customer', () => {
  it('sends one e-mail for eight invoices due the same day, and every invoice logs that message', async () => {
    const customer = newCustomer();
    await store.customers.putCustomer(customer);
    const invoices = Array.from({ length: 8 }, (_, i) => invoice(customer.customerId, i + 1));
    for (const inv of invoices) {
      await store.invoices.putInvoice(inv);
      await markDone(inv, ['preDue'], '2026-02-23T09:00:00Z');
    }

    const first = await sendStage(invoices[0]!, customer, 'dueDate');
    expect(first.outcome).toBe('sent');
    const mails = await mailsTo(customer.email!);
    expect(mails).toHaveLength(1);
    const body = JSON.stringify(mails[0]);
    for (const inv of invoices) expect(body).toContain(inv.number);

    const messageIds = new Set<string>();
    for (const inv of invoices) {
      const view = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
      expect(view.stagesDone.map((s) => s.stage).sort()).toEqual(['dueDate', 'preDue']);
      const sent = view.events.filter((e) => e.type === 'message' && e.outcome === 'sent');
      expect(sent).toHaveLength(1);
      messageIds.add(sent[0]!.messageId!);
      expect(view.invoice.lastContactAt).toBe(now.toISOString());
    }
    expect(messageIds.size).toBe(1);

    // The other executions reach their own due-date stage a moment later and find it done.
    now = new Date('2026-03-02T09:00:05Z');
    for (const inv of invoices.slice(1)) expect((await sendStage(inv, customer, 'dueDate')).outcome).toBe('alreadyDone');
    expect(await mailsTo(customer.email!)).toHaveLength(1);
  });

  it('speaks with the firmest stage among the invoices, and lists a pre-due one as coming due', async () => {
    const customer = newCustomer();
    await store.customers.putCustomer(customer);
    // Due 16 Feb: second overdue (+14) on 2 March. Due 9 March: pre-due (-7) on 2 March.
    const late = invoice(customer.customerId, 1, { dueDate: '2026-02-16' });
    const soon = invoice(customer.customerId, 2, { dueDate: '2026-03-09' });
    await store.invoices.putInvoice(late);
    await store.invoices.putInvoice(soon);
    await markDone(late, ['preDue', 'dueDate', 'firstOverdue'], '2026-02-23T09:00:00Z');
    const out = await sendStage(soon, customer, 'preDue');
    expect(out.outcome).toBe('sent');
    const mails = await mailsTo(customer.email!);
    expect(mails).toHaveLength(1);
    // The second overdue reminder's words, with the pre-due invoice under "coming due".
    const text = JSON.stringify(mails[0]);
    expect(text).toContain(late.number);
    expect(text).toContain(soon.number);
    const lateView = (await store.invoices.getInvoiceView(T, late.invoiceId))!;
    expect(lateView.stagesDone.map((s) => s.stage)).toContain('secondOverdue');
    const soonOnly = (await store.invoices.getInvoiceView(T, soon.invoiceId))!.events.find((e) => e.type === 'message' && e.channel === 'email');
    const lateOnly = lateView.events.find((e) => e.type === 'message' && e.channel === 'email');
    expect(soonOnly?.messageId).toBe(lateOnly?.messageId);
  });

  it('leaves out a companion that was paid before the message was claimed', async () => {
    const customer = newCustomer();
    await store.customers.putCustomer(customer);
    const a = invoice(customer.customerId, 1);
    const b = invoice(customer.customerId, 2, { status: 'paid', amountPaid: 20_000 });
    const c = invoice(customer.customerId, 3);
    for (const inv of [a, b, c]) {
      await store.invoices.putInvoice(inv);
      await markDone(inv, ['preDue'], '2026-02-23T09:00:00Z');
    }
    await sendStage(a, customer, 'dueDate');
    const body = JSON.stringify(await mailsTo(customer.email!));
    expect(body).toContain(a.number);
    expect(body).toContain(c.number);
    expect(body).not.toContain(b.number);
    expect((await store.invoices.getInvoiceView(T, b.invoiceId))!.stagesDone.map((x) => x.stage)).toEqual(['preDue']);
  });
});

describe('contact limits across invoices', () => {
  it('records each message on the customer, and defers a stage that would break the gap until the planner places it after', async () => {
    const customer = newCustomer();
    await store.customers.putCustomer(customer);
    const a = invoice(customer.customerId, 1);
    const b = invoice(customer.customerId, 2, { dueDate: '2026-03-04' });
    for (const inv of [a, b]) {
      await store.invoices.putInvoice(inv);
      await markDone(inv, ['preDue'], '2026-02-23T09:00:00Z');
    }
    expect((await sendStage(a, customer, 'dueDate')).outcome).toBe('sent');
    const after = (await store.customers.getCustomer(T, customer.customerId))!;
    expect(after.recentContacts).toEqual([{ at: now.toISOString(), channel: 'email', kind: 'dueDate' }]);
    expect(after.contactsVersion).toBe(1);

    // B's due date two days later: within standard's 5-day gap on e-mail.
    now = new Date('2026-03-04T09:00:00Z');
    await expect(sendStage(b, after, 'dueDate')).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect(mailsTo(customer.email!)).toHaveLength(1);
    const view = (await store.invoices.getInvoiceView(T, b.invoiceId))!;
    // 2 March + 5 days is Saturday 7: Monday 9 at 09:00 London.
    expect(view.invoice.deferral).toMatchObject({ stage: 'dueDate', until: '2026-03-09T09:00:00.000Z' });
    expect(view.events.filter((e) => e.type === 'deferred')).toEqual([expect.objectContaining({ stage: 'dueDate', details: expect.objectContaining({ until: '2026-03-09T09:00:00.000Z' }) })]);
    expect(view.stagesDone.map((s) => s.stage)).toEqual(['preDue']);

    // The state machine re-plans: the deferred stage comes at the allowed moment, not dropped.
    const plan = planTimeline({ invoice: view.invoice, customer: after, policy: policyFor(after, tenant), stagesDone: view.stagesDone, now });
    expect(plan).toMatchObject({ mode: 'timeline', next: 'dueDate' });
    expect(plan.at.dueDate).toBe('2026-03-09T09:00:00.000Z');

    now = new Date(plan.at.dueDate);
    const later = (await store.customers.getCustomer(T, customer.customerId))!;
    expect((await sendStage(view.invoice, later, 'dueDate')).outcome).toBe('sent');
    expect(mailsTo(customer.email!)).toHaveLength(2);
  });
});

describe('an answer through a link waits for the finance team', () => {
  it('holds the next reminder while the customer plan request is open, and sends once it is done', async () => {
    const tasks = store.tasks;
    const customer = newCustomer();
    await store.customers.putCustomer(customer);
    const inv = invoice(customer.customerId, 1);
    await store.invoices.putInvoice(inv);
    await markDone(inv, ['preDue'], '2026-02-23T09:00:00Z');
    const task = {
      tenantId: T,
      taskId: `planRequest#${inv.invoiceId}#n1`,
      kind: 'planRequest' as const,
      status: 'open' as const,
      customerId: customer.customerId,
      invoiceId: inv.invoiceId,
      createdAt: '2026-02-27T15:00:00Z',
      createdBy: 'customer',
      plan: { instalments: 3 },
    };
    expect(await tasks.open(task)).toBe(true);

    await expect(sendStage(inv, customer, 'dueDate')).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect(mailsTo(customer.email!)).toHaveLength(0);
    const held = (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
    // The next business morning: Tuesday 3 March, 09:00 London.
    expect(held.invoice.deferral).toMatchObject({ stage: 'dueDate', until: '2026-03-03T09:00:00.000Z' });
    expect(held.invoice.deferral?.reason).toMatch(/finance team/);

    expect(await tasks.complete(T, task.taskId, 'u-finance-1', '2026-03-02T16:00:00Z', 'plan agreed by phone')).toBe(true);
    now = new Date('2026-03-03T09:00:00Z');
    expect((await sendStage(held.invoice, customer, 'dueDate')).outcome).toBe('sent');
  });
});
