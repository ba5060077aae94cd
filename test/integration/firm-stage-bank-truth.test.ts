/**
 * The bank truth before the firm stages, through the real handler modules over the production
 * adapters (test/support/timeline-deps.ts) against DynamoDB Local, SES v2 local and the local
 * EventBridge stand-in: an unconfirmed credit that could be the customer's holds the phone call,
 * the credit hold and the hand-off; stale statements hold the credit hold and the hand-off (not
 * the call) with one task a day for the finance team; a current statement lets them through.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { lambdaContext } from '../support/api-events.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { BankCreditRecord } from '../../lambdas/domain/bank/credit-records.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { STAGE_IDS, type Stage } from '../../lambdas/domain/timeline/stages.js';
import { startEventsSink } from '../../local/services/events-sink.js';
import { freePort } from '../../local/services/ports.js';
import { startSes } from '../../local/services/ses.js';
import { makeCreditHoldHandler } from '../../lambdas/handlers/credit-hold.js';
import { makeEscalateHandler } from '../../lambdas/handlers/escalate.js';
import { makePlaceCallHandler } from '../../lambdas/handlers/place-call.js';
import { timelineDeps } from '../support/timeline-deps.js';

await useLocalTable();
const ses = await startSes();
// Wednesday 4 March 2026, 10:00 in Rome.
let now = new Date('2026-03-04T09:00:00Z');
useClock({ now: () => now });
const events = await startEventsSink(await freePort(), { now: () => now });
Object.assign(process.env, {
  AWS_ENDPOINT_URL_SESV2: ses.endpoint,
  AWS_ENDPOINT_URL_EVENTBRIDGE: events.endpoint,
  EVENT_BUS_NAME: 'sollecito-test',
  SENDER_EMAIL: 'crediti@officinerossi.example',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused',
});
const deps = timelineDeps();
const creditHold = makeCreditHoldHandler(deps);
const escalate = makeEscalateHandler(deps);
const placeCall = makePlaceCallHandler(deps);
const store = dynamoRepositories();

afterAll(async () => {
  useSystemClock();
  await ses.stop();
  await events.stop();
});

let seq = 0;
/** A fresh company (with or without a statement schedule), customer and overdue invoice per test. */
const setUp = async (opts: { schedule?: boolean } = {}) => {
  const T = `firm-${++seq}`;
  const tenant = supplier(T, { language: 'en', ...(opts.schedule ? { bankStatements: { everyBusinessDays: 1, staleAfterBusinessDays: 2 } } : {}) });
  const customer = Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Alfa Meccanica S.p.A.', country: 'IT', language: 'en', timeZone: 'Europe/Rome', email: `ap@alfa-${seq}.example` });
  const invoice = Invoice.parse({
    tenantId: T,
    invoiceId: 'INV-1',
    number: '2026/77',
    customerId: 'C-1',
    issueDate: '2026-01-02',
    dueDate: '2026-02-01',
    currency: 'EUR',
    amount: 150_000,
    status: 'open',
    createdAt: '2026-01-02T08:00:00Z',
    updatedAt: '2026-01-02T08:00:00Z',
  });
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(invoice);
  const input = (stage: Stage) => ({
    tenantId: T,
    invoiceId: 'INV-1',
    revision: invoice.revision,
    run: invoice.run,
    stage,
    plan: { mode: 'timeline' as const, next: stage, at: Object.fromEntries(STAGE_IDS.map((s) => [s, now.toISOString()])) as Record<Stage, string>, skip: [], reason: 'test' },
  });
  return { T, tenant, customer, invoice, input, mailsToCustomer: () => ses.messages().filter((m) => m.destination.to.includes(customer.email!)) };
};

/** A credit from "Alfa Meccanica SpA" the matcher could not tie to an invoice: it could be the customer's. */
const unconfirmed = (T: string, iban: string) =>
  BankCreditRecord.parse({
    tenantId: T,
    creditId: 'bc_firm1',
    dedupKey: `${iban}|ref:FIRM1`,
    account: { iban, currency: 'EUR' },
    amount: 150_000,
    currency: 'EUR',
    bookingDate: '2026-03-03',
    debtor: { name: 'ALFA MECCANICA SPA' },
    remittance: 'saldo fatture febbraio',
    source: { key: 'bank/2026-03-03.xml', format: 'camt.053', entryIndex: 4 },
    status: 'unmatched',
    reasons: ['no reference, no invoice number'],
    receivedAt: '2026-03-04T06:30:00Z',
    decidedAt: '2026-03-04T06:30:01Z',
    decidedBy: 'bank',
  });

const deferral = async (T: string) => (await store.invoices.getInvoiceView(T, 'INV-1'))!;

beforeEach(() => {
  now = new Date('2026-03-04T09:00:00Z');
});

describe('an unconfirmed credit that could be the customer’s', () => {
  it('holds the credit hold, the hand-off and the call: deferred to the next business day, nothing sent', async () => {
    const { T, tenant, input, mailsToCustomer } = await setUp();
    await store.bankCredits.addNew([unconfirmed(T, tenant.iban)]);

    await expect(creditHold(input('creditHold'), lambdaContext('credit-hold'))).rejects.toMatchObject({ name: 'Sollecito.Deferred', message: expect.stringContaining('bc_firm1') });
    const view = await deferral(T);
    expect(view.invoice.deferral).toMatchObject({ stage: 'creditHold', until: '2026-03-05T09:00:00.000Z', reason: expect.stringContaining('ALFA MECCANICA SPA') });
    expect(view.events.filter((e) => e.type === 'deferred' && e.stage === 'creditHold')).toHaveLength(1);
    expect((await store.customers.getCustomer(T, 'C-1'))?.creditHold).toBeUndefined();
    expect(mailsToCustomer()).toEqual([]);
    expect(events.events.filter((e) => e.detailType === 'CreditHoldPlaced' && e.detail.tenantId === T)).toEqual([]);

    await expect(escalate(input('escalation'), lambdaContext('escalate'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect((await deferral(T)).invoice.status).toBe('open');

    await expect(placeCall(input('phoneCall'), lambdaContext('place-call'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    expect(await store.callQueue.callQueue(T, '2026-03-04')).toEqual([]);
  });

  it('re-plans the held stage at the deferral, and lets it through once the finance team rejects the credit', async () => {
    const { T, tenant, customer, invoice, input, mailsToCustomer } = await setUp();
    await store.bankCredits.addNew([unconfirmed(T, tenant.iban)]);
    await expect(creditHold(input('creditHold'), lambdaContext('credit-hold'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    const held = (await deferral(T)).invoice;
    // Back in PlanTimeline (the Catch on Sollecito.Deferred): the hold is planned at the deferral.
    const plan = planTimeline({ invoice: held, customer, policy: policyFor(customer, tenant), stagesDone: [], now });
    expect(Date.parse(plan.at.creditHold)).toBeGreaterThanOrEqual(Date.parse(held.deferral!.until));

    const rejected = await store.bankCredits.decide(T, 'bc_firm1', ['unmatched'], { status: 'rejected', reasons: ['not ours: a refund from a supplier'], suggestions: [], applied: [], decidedAt: now.toISOString(), decidedBy: 'finance@example' });
    expect(rejected).toBe(true);
    now = new Date('2026-03-05T09:00:00Z');
    expect(await creditHold(input('creditHold'), lambdaContext('credit-hold'))).toMatchObject({ outcome: 'placed' });
    expect(mailsToCustomer()).toHaveLength(1);
    expect(invoice.invoiceId).toBe('INV-1');
  });
});

describe('stale statements', () => {
  it('hold the credit hold and the hand-off (not the call), with one task a day, until a current statement arrives', async () => {
    const { T, tenant, input, mailsToCustomer } = await setUp({ schedule: true });
    // The newest statement covers Thursday 26 February: Fri, Mon, Tue, Wed = 4 business days old (allowed 1 + 2).
    await store.statementFeed.record(T, { account: tenant.iban, lastDay: '2026-02-26', receivedAt: '2026-02-27T06:00:00Z', key: 'bank/2026-02-26.xml' });

    await expect(creditHold(input('creditHold'), lambdaContext('credit-hold'))).rejects.toMatchObject({ name: 'Sollecito.Deferred', message: expect.stringContaining('stale') });
    await expect(escalate(input('escalation'), lambdaContext('escalate'))).rejects.toMatchObject({ name: 'Sollecito.Deferred' });
    const tasks = (await store.tasks.list(T)).filter((t) => t.kind === 'staleStatements');
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ taskId: 'staleStatements#2026-03-04', status: 'open', note: expect.stringContaining('last statement for 2026-02-26, 4 business days old') });
    expect((await deferral(T)).invoice.deferral).toMatchObject({ stage: 'escalation', reason: expect.stringContaining('waits for current bank statements') });
    expect(mailsToCustomer()).toEqual([]);

    // The call is not a firm stage: stale data does not hold it.
    expect(await placeCall(input('phoneCall'), lambdaContext('place-call'))).toMatchObject({ outcome: 'queued' });

    // Tuesday's statement arrives (an older one uploaded after it changes nothing).
    await store.statementFeed.record(T, { account: tenant.iban, lastDay: '2026-03-03', receivedAt: '2026-03-04T09:30:00Z', key: 'bank/2026-03-03.xml' });
    await store.statementFeed.record(T, { account: tenant.iban, lastDay: '2026-02-20', receivedAt: '2026-03-04T09:31:00Z', key: 'bank/2026-02-20.xml' });
    expect(await store.statementFeed.marks(T)).toEqual([expect.objectContaining({ lastDay: '2026-03-03', key: 'bank/2026-03-03.xml' })]);
    now = new Date('2026-03-04T10:00:00Z');
    expect(await creditHold(input('creditHold'), lambdaContext('credit-hold'))).toMatchObject({ outcome: 'placed' });
  });

  it('hold the firm stages of a company that expects statements and never sent one; a company without a schedule is not held', async () => {
    const expecting = await setUp({ schedule: true });
    await expect(creditHold(expecting.input('creditHold'), lambdaContext('credit-hold'))).rejects.toMatchObject({ message: expect.stringContaining('no bank statement has arrived yet') });
    const without = await setUp();
    expect(await creditHold(without.input('creditHold'), lambdaContext('credit-hold'))).toMatchObject({ outcome: 'placed' });
  });
});
