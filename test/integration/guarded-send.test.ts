/**
 * The send guard against DynamoDB Local: at most one send per stage, none after a payment or for a
 * stale revision/run, one winner under contention, and no second send after a crash.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf } from '../support/fixtures.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { LEASE_SAFETY_MS } from '../../lambdas/adapters/dynamo-guard.js';
import { leaseAllows, type ClaimRequest, type SendLease } from '../../lambdas/app/ports/send-guard.js';
import { transactItemOf } from '../../lambdas/adapters/dynamo/transaction-part.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { Customer, Invoice, type InvoiceStatus } from '../../lambdas/domain/model.js';

await useLocalTable();
const store = dynamoRepositories();
const T = 'guard-co';

let now = new Date('2026-03-02T09:00:00Z');
beforeEach(() => {
  now = new Date('2026-03-02T09:00:00Z');
  useClock({ now: () => now });
});
afterEach(() => useSystemClock());

let seq = 0;
const newInvoice = async (over: Partial<Invoice> = {}): Promise<Invoice> => {
  const inv = invoiceOf({ tenantId: T, invoiceId: `INV-${++seq}`, number: `2026/${seq}`, ...over });
  await store.invoices.putInvoice(inv);
  return inv;
};

const claimFor = (inv: Invoice, guardKey = 'dueDate', over: Partial<ClaimRequest> = {}): ClaimRequest => ({
  tenantId: T,
  invoiceId: inv.invoiceId,
  revision: inv.revision,
  run: inv.run,
  requiredStatus: 'open',
  guardKey,
  events: [
    contactEvent({
      tenantId: T,
      invoiceId: inv.invoiceId,
      at: now.toISOString(),
      type: 'message',
      channel: 'email',
      actor: 'system',
      stage: 'dueDate',
      to: 'ap@customer.example',
      outcome: 'pending',
      details: {},
    }),
  ],
  ...over,
});

/** The handler's protocol around a provider call: claim, send only when claimed, complete. */
const attempt = async (req: ClaimRequest, sent: string[], opts: { crashAfterSend?: boolean } = {}) => {
  const claim = await store.sendGuard.claimSend(req);
  if (claim.outcome !== 'claimed') return claim.outcome;
  sent.push(req.guardKey);
  if (opts.crashAfterSend) return 'crashed';
  await store.sendGuard.completeSend(claim.lease, claim.lease.events.map((e) => ({ eventId: e.eventId, outcome: 'sent' as const, messageId: `m-${e.eventId}` })));
  return 'sent';
};

const setStatus = (inv: Invoice, status: InvoiceStatus) =>
  store.doc.send(
    new UpdateCommand({
      TableName: store.name,
      Key: keys.invoice(T, inv.invoiceId),
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status },
    }),
  );

const rawInvoice = async (inv: Invoice) =>
  (await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.invoice(T, inv.invoiceId), ConsistentRead: true }))).Item!;

/** The admin API's mirror write: a payment only commits while no send holds the invoice. */
const recordPayment = (inv: Invoice) =>
  store.doc.send(
    new UpdateCommand({
      TableName: store.name,
      Key: keys.invoice(T, inv.invoiceId),
      UpdateExpression: 'SET #s = :paid',
      ConditionExpression: 'attribute_not_exists(sendingUntil) OR sendingUntil < :now',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':paid': 'paid', ':now': now.toISOString() },
    }),
  );

describe('claimSend / completeSend', () => {
  it('sends a stage once: the second attempt finds the guard and sends nothing', async () => {
    const inv = await newInvoice();
    const sent: string[] = [];
    expect(await attempt(claimFor(inv), sent)).toBe('sent');
    expect(await attempt(claimFor(inv), sent)).toBe('alreadyDone');
    expect(sent).toEqual(['dueDate']);

    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.stagesDone.map((s) => s.stage)).toEqual(['dueDate']);
    expect(view?.events).toHaveLength(1);
    expect(view?.events[0]).toMatchObject({ outcome: 'sent', messageId: `m-${view?.events[0]?.eventId}` });
    expect(view?.invoice.lastContactAt).toBe(now.toISOString());
    expect(view?.sendingUntil).toBeUndefined();
  });

  it('sends nothing once the invoice is paid, and says the invoice is closed', async () => {
    const inv = await newInvoice();
    await setStatus(inv, 'paid');
    const sent: string[] = [];
    await expect(attempt(claimFor(inv), sent)).rejects.toMatchObject({ name: 'Sollecito.InvoiceClosed' });
    expect(sent).toEqual([]);
    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.stagesDone).toEqual([]);
    expect(view?.events).toEqual([]);
  });

  it('sends nothing for an execution of an older revision or run', async () => {
    const inv = await newInvoice({ revision: 2, run: 3 });
    const sent: string[] = [];
    await expect(attempt(claimFor(inv, 'dueDate', { revision: 1 }), sent)).rejects.toMatchObject({ name: 'Sollecito.InvoiceClosed' });
    await expect(attempt(claimFor(inv, 'dueDate', { run: 2 }), sent)).rejects.toMatchObject({ name: 'Sollecito.InvoiceClosed' });
    expect(sent).toEqual([]);
    expect((await store.invoices.getInvoiceView(T, inv.invoiceId))?.events).toEqual([]);
  });

  it('lets exactly one of two concurrent claims of the same stage win (50 rounds)', async () => {
    for (let round = 0; round < 50; round++) {
      const inv = await newInvoice();
      const sent: string[] = [];
      const outcomes = await Promise.all([attempt(claimFor(inv), sent), attempt(claimFor(inv), sent)]);
      expect(outcomes.sort(), `round ${round}`).toEqual(['alreadyDone', 'sent']);
      expect(sent).toHaveLength(1);
      const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
      expect(view?.events.map((e) => e.outcome)).toEqual(['sent']);
    }
  }, 60_000);

  it('never sends twice after a crash between send and completion; the pending entry stays as the trace', async () => {
    const inv = await newInvoice();
    const sent: string[] = [];
    expect(await attempt(claimFor(inv), sent, { crashAfterSend: true })).toBe('crashed');
    // The Lambda retry, with fresh event ids, as a new invocation would build them.
    expect(await attempt(claimFor(inv), sent)).toBe('alreadyDone');
    expect(sent).toEqual(['dueDate']);
    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.events.map((e) => e.outcome)).toEqual(['pending']);
    expect(view?.stagesDone.map((s) => s.stage)).toEqual(['dueDate']);
  });

  it('holds a lease that a payment waits out, then the send after it is refused', async () => {
    const inv = await newInvoice();
    const claim = await store.sendGuard.claimSend(claimFor(inv));
    expect(claim.outcome).toBe('claimed');
    await expect(recordPayment(inv)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    // Another message (the thank-you, a broken-promise reminder) waits for the lease, then gives up transiently.
    await expect(store.sendGuard.claimSend(claimFor(inv, 'brokenPromise#2026-02-28', { maxLeaseWaitMs: 150 }))).rejects.toMatchObject({
      name: 'Sollecito.Transient',
    });
    const lease = (claim as { lease: SendLease }).lease;
    await store.sendGuard.completeSend(lease, [{ eventId: lease.events[0]!.eventId, outcome: 'sent', messageId: 'm1' }]);
    await recordPayment(inv);
    const sent: string[] = [];
    await expect(attempt(claimFor(inv, 'firstOverdue'), sent)).rejects.toMatchObject({ name: 'Sollecito.InvoiceClosed' });
    expect(sent).toEqual([]);
  });

  it('lets a payment through once a crashed send’s lease has expired', async () => {
    const inv = await newInvoice();
    expect((await store.sendGuard.claimSend(claimFor(inv))).outcome).toBe('claimed');
    now = new Date(now.getTime() + 21_000);
    await recordPayment(inv);
    expect((await rawInvoice(inv)).status).toBe('paid');
  });

  it('gives a claim back when nothing left: the retry claims and sends', async () => {
    const inv = await newInvoice();
    const claim = await store.sendGuard.claimSend(claimFor(inv));
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    await store.sendGuard.releaseSend(claim.lease, 'SES throttled');
    expect((await rawInvoice(inv)).sendingUntil).toBeUndefined();
    const sent: string[] = [];
    expect(await attempt(claimFor(inv), sent)).toBe('sent');
    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.events.map((e) => e.outcome).sort()).toEqual(['sent', 'skipped']);
    expect(view?.events.find((e) => e.outcome === 'skipped')?.details).toMatchObject({ reason: 'SES throttled' });
  });

  it('takes a given-back claim\'s contact off the customer\'s record, keeping what another send added meanwhile', async () => {
    const inv = await newInvoice();
    const customer = Customer.parse({ tenantId: T, customerId: inv.customerId, name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@cliente.example' });
    await store.customers.putCustomer(customer);
    const at = '2026-03-02T08:00:00.000Z';
    const mine = [{ at, channel: 'email' }];
    const claim = await store.sendGuard.claimSend(
      claimFor(inv, 'dueDate', {
        contactRecord: store.customers.contactRecordWrite(T, customer.customerId, 0, mine),
        contactsAdded: { customerId: customer.customerId, added: mine },
      }),
    );
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    // Another invoice's message to the same customer left meanwhile.
    const theirs = { at: '2026-03-02T08:00:01.000Z', channel: 'sms' };
    await store.doc.send(new TransactWriteCommand({ TransactItems: [transactItemOf(store.customers.contactRecordWrite(T, customer.customerId, 1, [...mine, theirs]))] }));
    await store.sendGuard.releaseSend(claim.lease, 'lease too short for the call');
    const after = (await store.customers.getCustomer(T, customer.customerId))!;
    expect(after.recentContacts).toEqual([theirs]);
    expect(after.contactsVersion).toBe(3);
  });

  it('treats a retry of a claim that changed the status itself as done, not as closed', async () => {
    const inv = await newInvoice();
    const req = claimFor(inv, 'escalation', { thenStatus: 'escalated', events: [] });
    const first = await store.sendGuard.claimSend(req);
    expect(first.outcome).toBe('claimed');
    const raw = await rawInvoice(inv);
    expect(raw.status).toBe('escalated');
    expect(raw.gsi1pk).toBeUndefined();
    expect((await store.sendGuard.claimSend(req)).outcome).toBe('alreadyDone');
    // Another stage that needs 'open' is closed now.
    await expect(store.sendGuard.claimSend(claimFor(inv, 'creditHold'))).rejects.toMatchObject({ name: 'Sollecito.InvoiceClosed' });
  });

  it('completes the log entry even when the lease expired and someone else wrote meanwhile', async () => {
    const inv = await newInvoice();
    const claim = await store.sendGuard.claimSend(claimFor(inv));
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    now = new Date(now.getTime() + 25_000);
    await recordPayment(inv);
    await store.sendGuard.completeSend(claim.lease, [{ eventId: claim.lease.events[0]!.eventId, outcome: 'sent', messageId: 'late' }]);
    const view = await store.invoices.getInvoiceView(T, inv.invoiceId);
    expect(view?.events[0]).toMatchObject({ outcome: 'sent', messageId: 'late' });
    expect(view?.invoice.status).toBe('paid');
  });

  it('allows a provider call only while the lease covers its whole deadline', async () => {
    const inv = await newInvoice();
    const claim = await store.sendGuard.claimSend(claimFor(inv, 'dueDate', { leaseMs: 20_000 }));
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    const t0 = claim.lease.deadline - (20_000 - LEASE_SAFETY_MS); // when the claim started, on the monotonic clock
    expect(leaseAllows(claim.lease, 9_000, t0 + 100)).toBe(true);
    expect(leaseAllows(claim.lease, 9_000, t0 + 9_500)).toBe(false);
  });
});
