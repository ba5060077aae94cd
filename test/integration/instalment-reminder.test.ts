/**
 * The reminder before an instalment of a plan (Policy.plans.reminderDaysBefore), through
 * CheckPromise's use case with the real adapters on DynamoDB Local, SES v2 local and the SMS sink:
 * on its day the customer hears of the instalment once and the instalment's own check is planned
 * for the morning after, where the plan's grace still follows a miss; held back by the customer's
 * contact limits it waits, but never past the instalment's date; paid in part meanwhile, nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { startSmsSink, type RunningSmsSink } from '../../local/services/sms-sink.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { checkPromise } from '../../lambdas/app/timeline/check-promise.js';
import { Customer, Invoice, type InvoiceInput } from '../../lambdas/domain/model.js';
import { validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

await useLocalTable();
const T = 'instalment-reminder';
let now = new Date('2026-03-17T08:00:00Z');
useClock({ now: () => now });
const table = tableFromEnv();
const store = dynamoRepositories(table);
let ses: RunningSes;
let sms: RunningSmsSink;

const policy = (() => {
  const r = validateCompanyPolicy({
    id: 'announced-plans', name: 'Announced plans', tone: 'standard', minGapDays: 1,
    stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14 } },
    plans: { graceDays: 5, reminderDaysBefore: 3 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
})();

/** 1,000.00 EUR in two instalments: Friday 20 March and Monday 20 April 2026, agreed on 1 March. */
const onPlan = (invoiceId: string, customerId: string, over: Partial<InvoiceInput> = {}) =>
  Invoice.parse({
    tenantId: T, invoiceId, number: invoiceId, customerId, issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
    status: 'promised', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-03-01T10:00:00Z', paymentReference: 'RF18539007547034',
    promise: { date: '2026-03-20', amount: 50_000, recordedAt: '2026-03-01T10:00:00Z', expectedPaid: 50_000, note: 'instalment 1 of 2' },
    plan: { agreedAt: '2026-03-01T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-20', amount: 50_000 }, { date: '2026-04-20', amount: 50_000 }] },
    ...over,
  });

const putCustomer = (customerId: string, recentContacts: { at: string; channel: 'email'; kind: string }[] = []) =>
  store.customers.putCustomer(
    Customer.parse({ tenantId: T, customerId, name: `Rate ${customerId} S.r.l.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap-${customerId}@rate.example`, policy: 'announced-plans', recentContacts }),
  );

beforeAll(async () => {
  [ses, sms] = await Promise.all([startSes(), startSmsSink({ clock: { now: () => now } })]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'instalment-reminder',
    SMS_ORIGINATION_IDENTITY: '+390200000000',
  });
  await store.tenants.putTenant(supplier(T, { language: 'it' }));
  await store.policies.save(T, policy, 0, '2026-01-01T10:00:00Z');
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop()]);
});

const check = (invoiceId: string, checkAt: string) => checkPromise(timelineDeps(), { tenantId: T, invoiceId, revision: 1, run: 0, plan: { checkAt } });
const logOf = async (invoiceId: string) => (await store.invoices.getInvoiceView(T, invoiceId))!;
const messagesOf = async (invoiceId: string, stage: string) => (await logOf(invoiceId)).events.filter((e) => e.type === 'message' && e.stage === stage && e.channel === 'email');
const mailTo = (customerId: string) => ses.messages().filter((m) => m.destination.to.includes(`ap-${customerId}@rate.example`));

describe('the reminder before an instalment', () => {
  it('announces it once on its day, plans its check the morning after, and the grace still follows a miss', async () => {
    await putCustomer('C-A');
    await store.invoices.putInvoice(onPlan('P-A', 'C-A'));
    now = new Date('2026-03-17T08:00:00Z');
    const first = await check('P-A', '2026-03-17T08:00:00.000Z');
    // Friday 20 March: checked on Monday 23 at 09:00 Rome.
    expect(first).toMatchObject({ mode: 'promise', checkAt: '2026-03-23T08:00:00.000Z' });
    expect((await logOf('P-A')).invoice.status).toBe('promised');
    const sent = await messagesOf('P-A', 'instalmentDue');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.details).toMatchObject({ guardKey: 'instalmentDue#2026-03-20', daysLate: 0, amountDue: 100_000 });
    const mail = mailTo('C-A');
    expect(mail.map((m) => m.subject)).toEqual(['Rata 1 di 2 in scadenza il 20 marzo 2026: fattura P-A']);
    const text = mail[0]!.body.text!.replace(/[\u00a0\u202f]/g, ' ');
    for (const fact of ['500,00 €', '1.000,00 €', 'IT60 X054 2811 1010 0000 0123 456', 'RF18539007547034', "non c'è nulla di scaduto"]) expect(text).toContain(fact);

    // The state machine retries the task: the guard holds, nothing leaves twice.
    expect(await check('P-A', '2026-03-17T08:00:00.000Z')).toMatchObject({ checkAt: '2026-03-23T08:00:00.000Z' });
    expect(await messagesOf('P-A', 'instalmentDue')).toHaveLength(1);
    expect(mailTo('C-A')).toHaveLength(1);

    // Not paid: the morning after, the missed-instalment follow-up, and the plan stands for its grace.
    now = new Date('2026-03-23T08:00:00Z');
    const missed = await check('P-A', '2026-03-23T08:00:00.000Z');
    expect(missed.reason).toContain('the plan stands until 2026-03-25');
    expect(await messagesOf('P-A', 'instalmentMissed')).toHaveLength(1);
    expect((await logOf('P-A')).invoice.plan?.instalments).toHaveLength(2);
  });

  it('waits for the contact limits when the customer already heard from us today', async () => {
    await putCustomer('C-B', [{ at: '2026-03-17T08:00:00.000Z', channel: 'email', kind: 'firstOverdue' }]);
    await store.invoices.putInvoice(onPlan('P-B', 'C-B'));
    now = new Date('2026-03-17T08:00:00Z');
    const held = await check('P-B', '2026-03-17T08:00:00.000Z');
    expect(held).toMatchObject({ mode: 'promise', checkAt: '2026-03-18T08:00:00.000Z' });
    expect(held.reason).toContain('instalment 1 of 2 for 2026-03-20: its reminder waits until 2026-03-18T08:00:00.000Z');
    expect(await messagesOf('P-B', 'instalmentDue')).toHaveLength(0);
    expect((await logOf('P-B')).events.filter((e) => e.type === 'deferred' && e.stage === 'instalmentDue')).toHaveLength(1);

    now = new Date('2026-03-18T08:00:00Z');
    expect(await check('P-B', '2026-03-18T08:00:00.000Z')).toMatchObject({ checkAt: '2026-03-23T08:00:00.000Z' });
    expect(await messagesOf('P-B', 'instalmentDue')).toHaveLength(1);
  });

  it('leaves the reminder out when the limits would only let it go on the instalment\'s date', async () => {
    await putCustomer('C-C', [{ at: '2026-03-19T08:00:00.000Z', channel: 'email', kind: 'firstOverdue' }]);
    await store.invoices.putInvoice(onPlan('P-C', 'C-C'));
    now = new Date('2026-03-19T08:00:00Z');
    const p = await check('P-C', '2026-03-19T08:00:00.000Z');
    expect(p).toMatchObject({ mode: 'promise', checkAt: '2026-03-23T08:00:00.000Z' });
    expect(await messagesOf('P-C', 'instalmentDue')).toHaveLength(0);
    expect((await logOf('P-C')).invoice.status).toBe('promised');
  });

  it('says nothing of an instalment paid in part since, and does not call it broken before its date', async () => {
    await putCustomer('C-D');
    await store.invoices.putInvoice(onPlan('P-D', 'C-D', { amountPaid: 20_000 }));
    now = new Date('2026-03-17T08:00:00Z');
    const p = await check('P-D', '2026-03-17T08:00:00.000Z');
    expect(p).toMatchObject({ mode: 'promise', checkAt: '2026-03-23T08:00:00.000Z' });
    const log = await logOf('P-D');
    expect(log.invoice.status).toBe('promised');
    expect(log.events.filter((e) => e.type === 'message' || e.type === 'promise_broken')).toHaveLength(0);
    expect(mailTo('C-D')).toHaveLength(0);
  });
});
