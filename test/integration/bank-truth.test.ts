/**
 * The bank truth before a send: the real send-reminder use case against DynamoDB Local and SES v2
 * local. An unconfirmed credit from the customer's known debtor IBAN holds the reminder (deferred,
 * the reason in the log, no e-mail); once the finance team rejects the credit, the reminder goes out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { startSes, type RunningSes } from '../../local/services/ses.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories, type DynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { BankCreditRecord } from '../../lambdas/domain/bank/credit-records.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { policyFor } from '../../lambdas/domain/timeline/policies.js';
import { sendStageReminder } from '../../lambdas/app/timeline/send-stage-reminder.js';
import type { TimelinePorts } from '../../lambdas/app/timeline/ports.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { supplier } from '../support/fixtures.js';

await useLocalTable();
const T = 'bank-truth-co';
// Tuesday 3 March 2026, 10:00 in Rome.
const now = new Date('2026-03-03T09:00:00Z');
useClock({ now: () => now });

let ses: RunningSes;
let store: DynamoRepositories;
let deps: TimelinePorts;

const tenant = supplier(T, { email: 'amministrazione@officinerossi.example', language: 'en', financeInboxes: ['finance@officinerossi.example'] });
const customer = Customer.parse({
  tenantId: T,
  customerId: 'C-1',
  name: 'Brighton Fabrication Ltd',
  country: 'IT',
  language: 'en',
  timeZone: 'Europe/Rome',
  email: 'ap@brighton.example',
});
const invoice = Invoice.parse({
  tenantId: T,
  invoiceId: 'INV-1',
  number: 'BF-001',
  customerId: 'C-1',
  issueDate: '2026-02-02',
  dueDate: '2026-03-03',
  currency: 'EUR',
  amount: 120_000,
  status: 'open',
  createdAt: '2026-02-02T09:00:00Z',
  updatedAt: '2026-02-02T09:00:00Z',
});
const DEBTOR_IBAN = 'DE89370400440532013000';
const credit = BankCreditRecord.parse({
  tenantId: T,
  creditId: 'bc_truth1',
  dedupKey: 'IT60X0542811101000000123456|ref:TRUTH1',
  account: { iban: tenant.iban, currency: 'EUR' },
  amount: 120_000,
  currency: 'EUR',
  bookingDate: '2026-03-02',
  // An unrelated name: the known account is what ties it to the customer.
  debtor: { name: 'HOLDING XYZ', iban: DEBTOR_IBAN },
  source: { key: 'bank/march.xml', format: 'camt.053', entryIndex: 1 },
  status: 'unmatched',
  reasons: ['no reference, no known invoice number'],
  receivedAt: '2026-03-02T10:00:00Z',
  decidedAt: '2026-03-02T10:00:01Z',
  decidedBy: 'matcher',
});

const sendDueDate = () =>
  sendStageReminder(deps, {
    tenantId: T,
    invoiceId: invoice.invoiceId,
    revision: invoice.revision,
    run: invoice.run,
    stage: 'dueDate',
    plan: planTimeline({ invoice, customer, policy: policyFor(customer, tenant), stagesDone: [], now }),
  });
const mailsTo = async (to: string) => (await ses.messages()).filter((m) => JSON.stringify(m).includes(to));

beforeAll(async () => {
  ses = await startSes();
  Object.assign(process.env, { AWS_ENDPOINT_URL_SESV2: ses.endpoint, SENDER_EMAIL: 'crediti@officinerossi.example', SES_CONFIGURATION_SET: 'truth' });
  deps = timelineDeps();
  store = dynamoRepositories();
  await store.tenants.putTenant(tenant);
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(invoice);
});
afterAll(async () => {
  useSystemClock();
  await ses?.stop();
});

describe('the bank truth before a send', () => {
  it('holds the reminder while a credit from the known IBAN is unconfirmed, and sends it once the credit is rejected', async () => {
    await store.bankCredits.learnDebtorIban(T, DEBTOR_IBAN, customer.customerId, '2026-01-10T09:00:00Z');
    expect((await store.bankCredits.addNew([credit])).added).toBe(1);

    await expect(sendDueDate()).rejects.toMatchObject({ name: 'Sollecito.Deferred', message: expect.stringContaining('bc_truth1') });
    expect(await mailsTo(customer.email!)).toHaveLength(0);
    const held = (await store.invoices.getInvoiceView(T, invoice.invoiceId))!;
    const deferred = held.events.filter((e) => e.type === 'deferred');
    expect(deferred).toHaveLength(1);
    expect(deferred[0]!.details?.reason).toEqual(expect.stringContaining(`from ${DEBTOR_IBAN}, a debtor account known for this customer`));
    expect(held.stagesDone).toEqual([]);

    // The finance team rejects the credit: it pays no invoice, and no longer holds the chase.
    const rejected = await store.bankCredits.decide(T, credit.creditId, ['unmatched', 'suggested'], {
      status: 'rejected',
      reasons: [...credit.reasons, 'rejected by finance: not a customer payment'],
      suggestions: [],
      applied: [],
      decidedAt: now.toISOString(),
      decidedBy: 'finance',
    });
    expect(rejected).toBe(true);

    expect((await sendDueDate()).outcome).toBe('sent');
    expect(await mailsTo(customer.email!)).toHaveLength(1);
  });

  it('resumes the chase past the deadline, telling the finance team (task and log)', async () => {
    const other = Customer.parse({ ...customer, customerId: 'C-2', email: 'ap2@brighton.example' });
    const inv2 = Invoice.parse({ ...invoice, invoiceId: 'INV-2', number: 'BF-002', customerId: 'C-2' });
    await store.customers.putCustomer(other);
    await store.invoices.putInvoice(inv2);
    await store.bankCredits.learnDebtorIban(T, 'FR1420041010050500013M02606', 'C-2', '2026-01-10T09:00:00Z');
    // Received Wednesday 25 February: it held the chase until Monday 2 March.
    const old = BankCreditRecord.parse({ ...credit, creditId: 'bc_truth2', dedupKey: 'x|ref:TRUTH2', debtor: { iban: 'FR1420041010050500013M02606' }, receivedAt: '2026-02-25T10:00:00Z', bookingDate: '2026-02-25' });
    await store.bankCredits.addNew([old]);

    const out = await sendStageReminder(deps, {
      tenantId: T,
      invoiceId: inv2.invoiceId,
      revision: inv2.revision,
      run: inv2.run,
      stage: 'dueDate',
      plan: planTimeline({ invoice: inv2, customer: other, policy: policyFor(other, tenant), stagesDone: [], now }),
    });
    expect(out.outcome).toBe('sent');
    const note = (await store.invoices.getInvoiceView(T, inv2.invoiceId))!.events.find((e) => e.type === 'note' && e.details?.kind === 'unconfirmedCreditLapsed');
    expect(note?.details?.reason).toEqual(expect.stringMatching(/^chase resumed on 2026-03-03 although this credit is unconfirmed/));
    const task = await store.tasks.get(T, 'creditToConfirm#bc_truth2');
    expect(task).toMatchObject({ kind: 'creditToConfirm', status: 'open', customerId: 'C-2', invoiceId: 'INV-2' });
  });
});
