/**
 * The credit hold and the hand-off rest on a notice to the customer; when that notice did not leave
 * (its log entries say every channel failed), neither acts on it (issue 20, item 4): the stage is
 * deferred with the reason and waits for a working contact. A notice that left lets them act as
 * before. The real use cases against DynamoDB Local, SES v2 local and the EventBridge sink; the
 * notice's record is written as an earlier attempt would have left it (claimed, then failed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { STAGE_IDS, type Stage } from '../../lambdas/domain/timeline/stages.js';
import { NOTICE_KEY, placeCreditHold } from '../../lambdas/app/timeline/place-credit-hold.js';
import { HANDOFF_NOTICE_KEY, escalateToAgency } from '../../lambdas/app/timeline/escalate-to-agency.js';

await useLocalTable();
const T = 'notice-co';
// 18 March 2026 in Rome: past the hold (+30) and the hand-off (+45) of a 1 February due date.
const NOW = new Date('2026-03-18T09:00:00Z');
useClock({ now: () => NOW });
const store = dynamoRepositories();
let ses: RunningSes;
let sink: Awaited<ReturnType<typeof startEventsSink>>;

beforeAll(async () => {
  [ses, sink] = await Promise.all([startSes(), freePort().then((p) => startEventsSink(p, { now: () => NOW }))]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: sink.endpoint,
    EVENT_BUS_NAME: 'notice-bus',
    SENDER_EMAIL: 'crediti@officinerossi.example',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
  });
  await store.tenants.putTenant(supplier(T, { language: 'it', financeInboxes: [] }));
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sink?.stop()]);
});

/** A customer of its own with one overdue invoice whose earlier stages are done (`through` included). */
const caseWith = async (id: string, through: Stage) => {
  const customer = Customer.parse({ tenantId: T, customerId: `C-${id}`, name: `${id} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example` });
  const invoice = Invoice.parse({
    tenantId: T,
    invoiceId: id,
    number: `2026/${id}`,
    customerId: customer.customerId,
    issueDate: '2026-01-02',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 100_000,
    status: 'open',
    createdAt: '2026-01-02T08:00:00Z',
    updatedAt: '2026-01-02T08:00:00Z',
  });
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(invoice);
  for (const stage of STAGE_IDS.slice(0, STAGE_IDS.indexOf(through) + 1)) await markDone(id, stage);
  // The customer was reached earlier: the first reminder left and did not come back.
  await store.invoices.appendEvent(contactEvent({ tenantId: T, invoiceId: id, at: '2026-01-25T08:00:00Z', type: 'message', channel: 'email', actor: 'system', stage: 'preDue', to: customer.email!, outcome: 'sent', messageId: `m-${id}` }));
  return { customer, invoice };
};
const markDone = (invoiceId: string, stage: string) =>
  store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.stageDone(T, invoiceId, stage), entity: 'stageDone', stage, at: '2026-03-03T08:00:00.000Z', revision: 1, run: 0 } }));
/** The notice as an earlier attempt left it: claimed under its guard key, then completed with `outcome`. */
const noticeRecorded = async (invoiceId: string, to: string, stage: 'creditHold' | 'escalation', guardKey: string, outcome: 'sent' | 'failed', error?: string) => {
  await markDone(invoiceId, guardKey);
  await store.invoices.appendEvent(
    contactEvent({ tenantId: T, invoiceId, at: '2026-03-18T08:00:00Z', type: 'message', channel: 'email', actor: 'system', stage, to, outcome, ...(outcome === 'sent' ? { messageId: `n-${invoiceId}` } : {}), details: { guardKey, ...(error ? { error } : {}) } }),
  );
};
const request = (invoiceId: string, stage: 'creditHold' | 'escalation') => ({
  tenantId: T,
  invoiceId,
  revision: 1,
  run: 0,
  stage,
  plan: { mode: 'timeline' as const, next: stage, at: Object.fromEntries(STAGE_IDS.map((s) => [s, NOW.toISOString()])) as Record<Stage, string>, skip: [], reason: 'test' },
});

describe('the credit hold', () => {
  it('is not placed when its final notice did not leave: deferred, the reason recorded, waiting for a contact', async () => {
    const { customer, invoice } = await caseWith('HLD-1', 'phoneCall');
    await noticeRecorded(invoice.invoiceId, customer.email!, 'creditHold', NOTICE_KEY, 'failed', 'MessageRejected');
    await expect(placeCreditHold(timelineDeps(), request(invoice.invoiceId, 'creditHold'))).rejects.toMatchObject({ name: 'Sollecito.Deferred', message: expect.stringMatching(/credit hold withheld: its notice to the customer did not leave \(email failed: MessageRejected\)/) });
    expect((await store.customers.getCustomer(T, customer.customerId))!.creditHold).toBeUndefined();
    const v = (await store.invoices.getInvoiceView(T, invoice.invoiceId))!;
    expect(v.events.filter((e) => e.type === 'credit_hold')).toEqual([]);
    expect(v.stagesDone.map((s) => s.stage)).not.toContain('creditHold');
    expect(v.invoice).toMatchObject({ needsContact: true, deferral: { stage: 'creditHold', reason: expect.stringContaining('did not leave') } });
    expect(v.events.filter((e) => e.type === 'deferred' && e.stage === 'creditHold')).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: expect.stringContaining('MessageRejected') }) })]);
    expect(sink.events.filter((e) => e.detailType === 'CreditHoldPlaced' && e.detail.customerId === customer.customerId)).toEqual([]);
    // The notice's done mark went with the deferral: once the contact is fixed, the new run sends it, then holds.
    expect(v.stagesDone.map((s) => s.stage)).not.toContain(NOTICE_KEY);
    await store.customers.putCustomer({ ...customer, email: 'contabilita@hld-1.example' });
    expect(await store.invoices.activateInvoicesNeedingContact(T, customer.customerId)).toBe(1);
    await expect(placeCreditHold(timelineDeps(), { ...request(invoice.invoiceId, 'creditHold'), run: 1 })).resolves.toMatchObject({ outcome: 'placed' });
    expect(ses.messages().filter((m) => m.destination.to.includes('contabilita@hld-1.example'))).toHaveLength(1);
    expect((await store.customers.getCustomer(T, customer.customerId))!.creditHold).toMatchObject({ invoiceId: invoice.invoiceId });
  });

  it('is placed, as before, when its final notice left', async () => {
    const { customer, invoice } = await caseWith('HLD-2', 'phoneCall');
    await noticeRecorded(invoice.invoiceId, customer.email!, 'creditHold', NOTICE_KEY, 'sent');
    await expect(placeCreditHold(timelineDeps(), request(invoice.invoiceId, 'creditHold'))).resolves.toMatchObject({ outcome: 'placed' });
    expect((await store.customers.getCustomer(T, customer.customerId))!.creditHold).toMatchObject({ invoiceId: invoice.invoiceId });
  });
});

describe('the hand-off to the agency', () => {
  it('does not happen when its notice to the customer did not leave: still open, deferred with the reason', async () => {
    const { customer, invoice } = await caseWith('ESC-1', 'creditHold');
    await noticeRecorded(invoice.invoiceId, customer.email!, 'escalation', HANDOFF_NOTICE_KEY, 'failed', 'BadRequestException');
    await expect(escalateToAgency(timelineDeps(), request(invoice.invoiceId, 'escalation'))).rejects.toMatchObject({ name: 'Sollecito.Deferred', message: expect.stringMatching(/hand-off withheld: .*BadRequestException/) });
    const v = (await store.invoices.getInvoiceView(T, invoice.invoiceId))!;
    expect(v.invoice.status).toBe('open');
    expect(v.events.filter((e) => e.type === 'escalation')).toEqual([]);
    expect(v.invoice.deferral).toMatchObject({ stage: 'escalation', reason: expect.stringContaining('did not leave') });
    expect(sink.events.filter((e) => e.detailType === 'InvoiceEscalated' && e.detail.invoiceId === invoice.invoiceId)).toEqual([]);
    expect(v.stagesDone.map((s) => s.stage)).not.toContain(HANDOFF_NOTICE_KEY);
  });

  it('happens, as before, when its notice left', async () => {
    const { customer, invoice } = await caseWith('ESC-2', 'creditHold');
    await noticeRecorded(invoice.invoiceId, customer.email!, 'escalation', HANDOFF_NOTICE_KEY, 'sent');
    await expect(escalateToAgency(timelineDeps(), request(invoice.invoiceId, 'escalation'))).resolves.toMatchObject({ outcome: 'escalated' });
    expect((await store.invoices.getInvoice(T, invoice.invoiceId))!.status).toBe('escalated');
  });
});
