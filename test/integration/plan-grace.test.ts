/**
 * A missed instalment under a company policy with a plan grace (issue 17 item 1), CheckPromise's
 * use case with the real adapters on DynamoDB Local, SES v2 local and the SMS sink: the morning
 * after the instalment the customer hears of it once and the plan stands; at the end of the grace,
 * still unpaid, the plan is cancelled and the chase resumes, with no second missed-instalment
 * message; paid within the grace, the plan goes on.
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
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

await useLocalTable();
const T = 'plan-grace';
let now = new Date('2026-03-03T08:00:00Z');
useClock({ now: () => now });
const table = tableFromEnv();
const store = dynamoRepositories(table);
let ses: RunningSes;
let sms: RunningSmsSink;

const policy = (() => {
  const r = validateCompanyPolicy({
    id: 'plans-with-grace', name: 'Plans with grace', tone: 'standard',
    stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14 } },
    plans: { graceDays: 5 },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
})();

const onPlan = (invoiceId: string) =>
  Invoice.parse({
    tenantId: T, invoiceId, number: invoiceId, customerId: 'C-PLAN', issueDate: '2026-01-15', dueDate: '2026-02-16', currency: 'EUR', amount: 100_000,
    status: 'promised', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-02-20T10:00:00Z',
    promise: { date: '2026-03-02', recordedAt: '2026-02-20T10:00:00Z', expectedPaid: 50_000 },
    plan: { agreedAt: '2026-02-20T10:00:00Z', paidBefore: 0, instalments: [{ date: '2026-03-02', amount: 50_000 }, { date: '2026-04-01', amount: 50_000 }] },
  });

beforeAll(async () => {
  [ses, sms] = await Promise.all([startSes(), startSmsSink({ clock: { now: () => now } })]);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SESV2: ses.endpoint,
    AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: sms.endpoint,
    SENDER_EMAIL: 'crediti@officinerossi.example',
    SES_CONFIGURATION_SET: 'plan-grace',
    SMS_ORIGINATION_IDENTITY: '+390200000000',
  });
  await store.tenants.putTenant(supplier(T, { language: 'it' }));
  await store.policies.save(T, policy, 0, '2026-01-01T10:00:00Z');
  await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-PLAN', name: 'Rate S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@rate.example', policy: 'plans-with-grace' }));
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop()]);
});

const check = (invoiceId: string, checkAt: string) => checkPromise(timelineDeps(), { tenantId: T, invoiceId, revision: 1, run: 0, plan: { checkAt } });
const missedMessages = async (invoiceId: string) =>
  (await store.invoices.getInvoiceView(T, invoiceId))!.events.filter((e) => e.type === 'message' && e.stage === 'instalmentMissed' && e.channel === 'email').length;

describe('a missed instalment with a plan grace', () => {
  it('is followed up once, keeps the plan for the grace, then cancels it and resumes the chase', async () => {
    await store.invoices.putInvoice(onPlan('P-1'));
    now = new Date('2026-03-03T08:00:00Z');
    const first = await check('P-1', '2026-03-03T08:00:00.000Z');
    expect(first).toMatchObject({ mode: 'promise', checkAt: '2026-03-09T08:00:00.000Z' });
    expect(first.reason).toContain('the plan stands until 2026-03-07');
    const held = (await store.invoices.getInvoiceView(T, 'P-1'))!;
    expect(held.invoice.status).toBe('promised');
    expect(held.invoice.plan?.instalments).toHaveLength(2);
    expect(await missedMessages('P-1')).toBe(1);
    expect(ses.messages().filter((m) => m.destination.to.includes('ap@rate.example')).map((m) => m.subject)).toEqual([expect.stringContaining('P-1')]);

    now = new Date('2026-03-09T08:00:00Z');
    const second = await check('P-1', '2026-03-09T08:00:00.000Z');
    const after = (await store.invoices.getInvoiceView(T, 'P-1'))!;
    expect(after.invoice.status).toBe('open');
    expect(after.invoice.plan).toBeUndefined();
    expect(after.events.filter((e) => e.type === 'promise_broken')).toHaveLength(1);
    expect(await missedMessages('P-1')).toBe(1);
    // The chase resumes: the written stage due by now comes next.
    expect(second.mode).toBe('timeline');
    expect(second.next).not.toBe('none');
  });

  it('goes on with the plan when the instalment is paid within the grace', async () => {
    await store.invoices.putInvoice(onPlan('P-2'));
    now = new Date('2026-03-03T08:00:00Z');
    await check('P-2', '2026-03-03T08:00:00.000Z');
    await store.invoices.putInvoice({ ...(await store.invoices.getInvoice(T, 'P-2'))!, amountPaid: 50_000 });
    now = new Date('2026-03-09T08:00:00Z');
    await check('P-2', '2026-03-09T08:00:00.000Z');
    const after = (await store.invoices.getInvoiceView(T, 'P-2'))!;
    expect(after.events.filter((e) => e.type === 'promise_kept')).toHaveLength(1);
    expect(after.events.filter((e) => e.type === 'promise_broken')).toHaveLength(0);
    expect(after.invoice.plan?.instalments).toHaveLength(2);
  });
});
