/**
 * A bounce stops the written chase instead of using it up: statemachines/dunning.asl.json run by
 * aws-local-stepfunctions with every Task served by the real handler module, against DynamoDB
 * Local, SES v2 local with its mailbox simulator (bounce@simulator.amazonses.com bounces, and the
 * real delivery-events handler records it), the SMS sink and the EventBridge sink.
 * Bounce, the fix-contact task once, the SMS fallback, the stage waiting, the address fixed, the
 * chase resuming at the stage it had reached; and no credit hold on a customer nobody reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import type { RunningSes } from '../../local/services/ses.js';
import type { RunningSmsSink } from '../../local/services/sms-sink.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { updateCustomer } from '../../lambdas/domain/commands/commands.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import type { Stage } from '../../lambdas/domain/timeline/stages.js';
import { placeCreditHold } from '../../lambdas/app/timeline/place-credit-hold.js';

polyfillWithResolvers();
await useLocalTable();
const T = 'bounce-co';
let now = new Date('2026-01-15T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
let ses: RunningSes;
let sms: RunningSmsSink;
let events: TaskServices['events'];
const store = dynamoRepositories();
const FINANCE = 'amministrazione@officinerossi.example';
const FIXED = 'contabilita@epsilon.example';

const customer = Customer.parse({
  tenantId: T,
  customerId: 'C-BOUNCE',
  name: 'Epsilon Impianti S.r.l.',
  country: 'IT',
  language: 'it',
  timeZone: 'Europe/Rome',
  email: 'bounce@simulator.amazonses.com',
  phone: '+393470000009',
  policy: 'standard',
});
const inv = Invoice.parse({
  tenantId: T,
  invoiceId: 'BNC-1',
  number: '2026/BNC-1',
  customerId: 'C-BOUNCE',
  issueDate: '2026-01-15',
  dueDate: '2026-02-16',
  currency: 'EUR',
  amount: 245_000,
  status: 'open',
  createdAt: '2026-01-15T09:00:00Z',
  updatedAt: '2026-01-15T09:00:00Z',
});

beforeAll(async () => {
  ({ ses, sms, events } = await startTaskServices({ tenantId: T, name: 'bounce', now: () => now }));
  await store.tenants.putTenant(supplier(T, { language: 'it', financeInboxes: [FINANCE] }));
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(inv);
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop()]);
});

/** One execution; `before` runs ahead of a Task's handler with how many times that state ran before. */
const walk = (run: number, before: Record<string, (n: number) => Promise<void>> = {}, invoiceId = inv.invoiceId) =>
  walkDunning({ input: { tenantId: T, invoiceId, revision: 1, run }, handlers, clock: { get: () => now, set: (d) => (now = d) }, before });

const view = async () => (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
const commands = () => new DynamoCommands(undefined, { doc: store.doc, name: store.name });

describe('a bounce on the written chase', () => {
  let first: string[];
  beforeAll(async () => {
    first = await walk(0, {
      // Two days after the due date the finance team has fixed the address: the waiting run is superseded.
      PlanTimeline: async (n) => {
        if (n < 2) return;
        now = new Date('2026-02-18T09:00:00Z');
        await commands().onCustomer(T, customer.customerId, (c) => updateCustomer(c, { email: FIXED }, { actor: 'finance@officinerossi.example', channel: 'api', now, timeZone: 'Europe/Rome' }));
        await store.invoices.activateInvoicesNeedingContact(T, customer.customerId);
      },
    });
  }, 60_000);

  it('records the bounce from the SES simulator: the address stops and one fix-contact task is raised', async () => {
    const preDue = (await view()).events.filter((e) => e.stage === 'preDue');
    expect(preDue.filter((e) => e.type === 'message' && e.channel === 'email')).toEqual([expect.objectContaining({ outcome: 'sent', to: 'bounce@simulator.amazonses.com' })]);
    expect(preDue.filter((e) => e.type === 'delivery')).toEqual([expect.objectContaining({ outcome: 'bounced' })]);
    const tasks = await store.tasks.list(T, { kind: 'fixContact', includeDone: true });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.failed).toMatchObject({ channel: 'email', address: 'bounce@simulator.amazonses.com' });
  });

  it('does not use the due-date stage up: it texts once instead and waits, deferred with the reason', async () => {
    const v = await view();
    const texts = sms.messages().filter((m) => m.to === customer.phone);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.context).toMatchObject({ stage: 'dueDate' });
    expect(v.events.filter((e) => e.type === 'deferred' && e.stage === 'dueDate')[0]?.details).toMatchObject({ waitsForContact: true, reason: expect.stringMatching(/waiting for a working e-mail address/) });
    expect(v.stagesDone.map((s) => s.stage)).toEqual(expect.arrayContaining(['preDue', 'dueDate#smsFallback']));
    expect(v.invoice.run).toBe(1);
    // The run that waited ended once the contact was fixed (the stream starts the new one).
    expect(first.at(-1)).toBe('Closed');
  });

  it('resumes at the stage it had reached once the address is fixed, by e-mail, without replaying the past', async () => {
    const second = await walk(1, {
      SendFirstOverdue: async () => {
        await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...(await store.invoices.getInvoice(T, inv.invoiceId))!, ...keys.invoice(T, inv.invoiceId), entity: 'invoice', status: 'paid' } }));
      },
    });
    expect(second).toContain('SendDueDate');
    const v = await view();
    const dueDate = v.events.filter((e) => e.type === 'message' && e.stage === 'dueDate' && e.channel === 'email' && e.outcome !== 'skipped');
    // The due-date reminder itself, not the later stage the date has reached: the policy's 5 days
    // after the fallback SMS of 16 February, Monday 23 at 09:00.
    expect(dueDate).toEqual([expect.objectContaining({ outcome: 'sent', to: FIXED, at: '2026-02-23T08:00:00.000Z' })]);
    expect(v.events.filter((e) => e.type === 'message' && e.stage === 'preDue' && e.channel === 'email')).toHaveLength(1);
    expect(await store.tasks.list(T, { kind: 'fixContact', includeDone: true })).toHaveLength(1);
  });
});

describe('a customer nobody reached', () => {
  it('is not put on hold: the finance team is told, and the hold waits for a contact', async () => {
    const deps = timelineDeps();
    const c = Customer.parse({ ...customer, customerId: 'C-NEVER', phone: undefined, emailStatus: 'bounced' });
    await store.customers.putCustomer(c);
    const held = Invoice.parse({ ...inv, invoiceId: 'NEV-1', number: '2026/NEV-1', customerId: 'C-NEVER', dueDate: '2026-01-15' });
    await store.invoices.putInvoice(held);
    for (const stage of ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']) {
      await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, held.invoiceId, stage), entity: 'stageDone', stage, at: '2026-02-01T08:00:00.000Z', revision: 1, run: 0 } }));
    }
    await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: held.invoiceId, at: '2026-01-08T08:00:00Z', type: 'message', channel: 'email', actor: 'system', stage: 'preDue', to: c.email!, outcome: 'sent', messageId: 'm-1' }));
    await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: held.invoiceId, at: '2026-01-08T08:00:05Z', type: 'delivery', channel: 'email', actor: 'system', stage: 'preDue', messageId: 'm-1', outcome: 'bounced' }));
    now = new Date('2026-02-16T09:00:00Z');
    const plan = { mode: 'timeline' as const, next: 'creditHold' as const, at: Object.fromEntries(['receiptCheck', 'preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall', 'creditHold', 'escalation'].map((s) => [s, now.toISOString()])) as Record<Stage, string>, skip: [], reason: 'test' };
    await expect(placeCreditHold(deps, { tenantId: T, invoiceId: held.invoiceId, revision: 1, run: 0, stage: 'creditHold', plan })).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect((await store.customers.getCustomer(T, 'C-NEVER'))!.creditHold).toBeUndefined();
    const told = ses.messages().filter((m) => m.destination.to.includes(FINANCE));
    expect(told.map((m) => m.subject)).toEqual(['Blocco del fido sospeso: Epsilon Impianti S.r.l. non è mai stato raggiunto']);
    expect((await store.invoices.getInvoice(T, held.invoiceId))!).toMatchObject({ needsContact: true, deferral: expect.objectContaining({ stage: 'creditHold' }) });
  });
});

describe('a customer nobody reached, walked through the state machine', () => {
  it('withholds the hold once, tells finance once and ends the execution, instead of re-checking every 14 days', async () => {
    const c = Customer.parse({ ...customer, customerId: 'C-NEVER2', name: 'Eta Impianti S.r.l.', phone: undefined, emailStatus: 'bounced' });
    await store.customers.putCustomer(c);
    const held = Invoice.parse({ ...inv, invoiceId: 'NEV-2', number: '2026/NEV-2', customerId: c.customerId, dueDate: '2026-01-15' });
    await store.invoices.putInvoice(held);
    for (const stage of ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue', 'phoneCall']) {
      await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, held.invoiceId, stage), entity: 'stageDone', stage, at: '2026-02-01T08:00:00.000Z', revision: 1, run: 0 } }));
    }
    await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: held.invoiceId, at: '2026-01-08T08:00:00Z', type: 'message', channel: 'email', actor: 'system', stage: 'preDue', to: c.email!, outcome: 'sent', messageId: 'm-2' }));
    await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: held.invoiceId, at: '2026-01-08T08:00:05Z', type: 'delivery', channel: 'email', actor: 'system', stage: 'preDue', messageId: 'm-2', outcome: 'bounced' }));
    now = new Date('2026-02-20T09:00:00Z');
    const entered = await walk(0, {}, held.invoiceId);
    expect(entered.filter((st) => st === 'PlaceCreditHold')).toHaveLength(1);
    expect(entered.at(-1)).toBe('Closed');
    expect(ses.messages().filter((m) => m.destination.to.includes(FINANCE) && m.subject.includes('Eta Impianti'))).toHaveLength(1);
    expect((await store.customers.getCustomer(T, c.customerId))!.creditHold).toBeUndefined();
    expect((await store.invoices.getInvoice(T, held.invoiceId))!).toMatchObject({ needsContact: true, deferral: expect.objectContaining({ stage: 'creditHold' }) });
    // Fixing the contact releases it: a new run starts (the stream sees run go up).
    expect(await store.invoices.activateInvoicesNeedingContact(T, c.customerId)).toBe(1);
    expect((await store.invoices.getInvoice(T, held.invoiceId))!).toMatchObject({ needsContact: false, run: 1 });
  }, 60_000);
});

describe('a customer whose address bounced on another invoice, where no SMS can go', () => {
  it('has the call brought forward on a new invoice, no written reminder waiting for an address first', async () => {
    now = new Date('2026-01-15T10:00:00Z');
    const known = Customer.parse({ ...customer, customerId: 'C-KNOWN', name: 'Theta Impianti S.r.l.', email: 'old@theta.example', emailStatus: 'bounced', phone: undefined });
    const fresh = Invoice.parse({ ...inv, invoiceId: 'BNC-3', number: '2026/BNC-3', customerId: known.customerId });
    await store.customers.putCustomer(known);
    await store.invoices.putInvoice(fresh);
    const entered = await walk(
      0,
      {
        PlaceCreditHold: async () => {
          await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...(await store.invoices.getInvoice(T, fresh.invoiceId))!, ...keys.invoice(T, fresh.invoiceId), entity: 'invoice', status: 'paid' } }));
        },
      },
      fresh.invoiceId,
    );
    const v = (await store.invoices.getInvoiceView(T, fresh.invoiceId))!;
    // The business day after the due date (Tuesday 17 February, 09:00 Rome).
    expect(v.stagesDone.find((d) => d.stage === 'phoneCall')?.at).toBe('2026-02-17T08:00:00.000Z');
    expect(entered.filter((st) => st.startsWith('Send'))).toEqual([]);
    expect(v.events.filter((e) => e.type === 'deferred')).toEqual([]);
    expect(ses.messages().filter((m) => m.destination.to.includes('old@theta.example'))).toEqual([]);
  }, 60_000);
});

describe('a bounce where no SMS can go', () => {
  it('brings the phone call forward instead of waiting for an address, the written stages left out', async () => {
    now = new Date('2026-01-15T10:00:00Z');
    const silent = Customer.parse({ ...customer, customerId: 'C-NOPHONE', name: 'Zeta Impianti S.r.l.', email: 'bounce+nophone@simulator.amazonses.com', phone: undefined });
    const mine = Invoice.parse({ ...inv, invoiceId: 'BNC-2', number: '2026/BNC-2', customerId: silent.customerId });
    await store.customers.putCustomer(silent);
    await store.invoices.putInvoice(mine);
    const entered = await walk(
      0,
      {
        // The call is queued: the walk ends there (the invoice is paid before its credit hold).
        PlaceCreditHold: async () => {
          await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...(await store.invoices.getInvoice(T, mine.invoiceId))!, ...keys.invoice(T, mine.invoiceId), entity: 'invoice', status: 'paid' } }));
        },
      },
      mine.invoiceId,
    );
    const v = (await store.invoices.getInvoiceView(T, mine.invoiceId))!;
    expect(v.events.filter((e) => e.type === 'message' && e.outcome === 'sent').map((e) => `${e.stage}:${e.channel}`)).toEqual(['preDue:email']);
    expect(v.events.filter((e) => e.type === 'deferred' && e.stage === 'dueDate')[0]?.details).toMatchObject({ waitsForContact: true });
    // The business day after the due date (Tuesday 17 February, 09:00 Rome), not the policy's +15.
    expect(v.stagesDone.find((d) => d.stage === 'phoneCall')?.at).toBe('2026-02-17T08:00:00.000Z');
    expect(entered).toContain('PlacePhoneCall');
    expect(entered.filter((st) => ['SendFirstOverdue', 'SendSecondOverdue'].includes(st))).toEqual([]);
    expect(sms.messages().filter((m) => m.context.invoice === mine.invoiceId)).toEqual([]);
  }, 60_000);
});

