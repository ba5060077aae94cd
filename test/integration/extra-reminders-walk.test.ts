/**
 * A company policy with extra written reminders (issue 17), walked: statemachines/dunning.asl.json
 * in aws-local-stepfunctions with every Task served by its real handler, against DynamoDB Local,
 * SES v2 local and the SMS sink. The policy, uploaded as config/policies.json, writes on the due
 * date, 5 and 12 days after, then twice more before the credit hold (day 20, and 8 days after
 * that one with an SMS, in a firm tone): the generic step WaitExtraReminder ->
 * SendExtraReminder -> PlanTimeline sends each, on a business day, and the walk goes on to the
 * known stages. The customer pays before the credit hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { testObservability } from '../support/observability.js';
import { loadTaskHandlers, walkDunning, startTaskServices, type TaskServices } from '../support/task-walk.js';
import type { RunningSes } from '../../local/services/ses.js';
import type { RunningSmsSink } from '../../local/services/sms-sink.js';
import { polyfillWithResolvers } from '../../local/polyfills.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { ingestFile } from '../../lambdas/app/ingest/ingest-file.js';
import { DynamoInvoiceWriter } from '../../lambdas/adapters/dynamo-invoice-writer.js';
import { DynamoCustomerDirectory } from '../../lambdas/adapters/dynamo-customer-directory.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';

polyfillWithResolvers();
await useLocalTable();
const T = 'extra-walk';
let now = new Date('2026-01-15T10:00:00Z');
useClock({ now: () => now });
const handlers = await loadTaskHandlers();
let ses: RunningSes;
let sms: RunningSmsSink;
let events: TaskServices['events'];
const table = tableFromEnv();
const store = dynamoRepositories(table);

const customer = Customer.parse({
  tenantId: T, customerId: 'C-ETA', name: 'Eta Forniture S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome',
  email: 'amministrazione@eta.example', phone: '+393470000012', policy: 'eta-six-step',
});
const inv = Invoice.parse({
  tenantId: T, invoiceId: 'ETA-1', number: '2026/ETA-1', customerId: 'C-ETA', issueDate: '2026-01-15', dueDate: '2026-02-16',
  currency: 'EUR', amount: 118_000, status: 'open', createdAt: '2026-01-15T09:00:00Z', updatedAt: '2026-01-15T09:00:00Z',
});
const POLICIES = {
  policies: [{
    id: 'eta-six-step',
    name: 'Sei passi',
    tone: 'standard',
    minGapDays: 3,
    smsPerWeek: 2,
    stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 5 }, secondOverdue: { offsetDays: 12 }, creditHold: { offsetDays: 45 } },
    extraReminders: [
      { id: 'day-20', after: 'secondOverdue', offsetDays: 20 },
      { id: 'a-week-later', after: 'secondOverdue', offsetDays: 8, from: 'previous', channels: ['email', 'sms'], tone: 'firm' },
    ],
  }],
};

beforeAll(async () => {
  ({ ses, sms, events } = await startTaskServices({ tenantId: T, name: 'extra-walk', now: () => now }));
  await store.tenants.putTenant(supplier(T, { language: 'it' }));
  const bytes = Buffer.from(JSON.stringify(POLICIES));
  const upload = await ingestFile(
    {
      tenants: store.tenants,
      invoiceWriter: () => new DynamoInvoiceWriter(table),
      customerDirectory: () => new DynamoCustomerDirectory(table),
      now: () => now,
      count: testObservability('extra-walk').count,
      creditNotes: { commands: new DynamoCommands(undefined, table), bankCredits: store.bankCredits },
      policies: { policies: store.policies, restarts: store.restarts },
      wording: store.wording,
    },
    { key: 'config/policies.json', size: bytes.byteLength, body: (async function* () { yield bytes; })() },
    { tenantId: T },
  );
  expect(upload.report.errors).toEqual([]);
  await store.customers.putCustomer(customer);
  await store.invoices.putInvoice(inv);
});
afterAll(async () => {
  useSystemClock();
  await Promise.all([ses?.stop(), sms?.stop(), events?.stop()]);
});

const view = async () => (await store.invoices.getInvoiceView(T, inv.invoiceId))!;
const sent = async (channel: 'email' | 'sms') =>
  (await view()).events.filter((e) => e.type === 'message' && e.channel === channel && e.outcome === 'sent').map((e) => `${e.stage} ${String(e.details?.guardKey)} ${e.at.slice(0, 10)}`);

describe('extra written reminders of a company policy, walked by the state machine', () => {
  let entered: string[];
  beforeAll(async () => {
    entered = await walkDunning({
      input: { tenantId: T, invoiceId: inv.invoiceId, revision: 1, run: 0 },
      handlers,
      clock: { get: () => now, set: (d) => (now = d) },
      before: {
        // Paid the day before the credit hold would come.
        PlaceCreditHold: async () => {
          await store.invoices.putInvoice({ ...(await store.invoices.getInvoice(T, inv.invoiceId))!, status: 'paid', amountPaid: inv.amount });
        },
      },
    });
  }, 120_000);

  it('sends each extra reminder through the generic step, then re-plans and goes on to the known stages', async () => {
    const extras = entered.flatMap((s, i) => (s === 'SendExtraReminder' ? [entered[i + 1]] : []));
    expect(extras).toEqual(['PlanTimeline', 'PlanTimeline']);
    expect(entered.indexOf('SendSecondOverdue')).toBeLessThan(entered.indexOf('SendExtraReminder'));
    expect(entered.indexOf('PlaceCreditHold')).toBeGreaterThan(entered.lastIndexOf('SendExtraReminder'));
  });

  it('writes on the policy\'s days: 21 and 28 Feb are Saturdays, 8 March a Sunday, the second extra counts 8 days from the first one sent', async () => {
    expect(await sent('email')).toEqual([
      'dueDate dueDate 2026-02-16',
      'firstOverdue firstOverdue 2026-02-23',
      'secondOverdue secondOverdue 2026-03-02',
      'furtherReminder extra:day-20 2026-03-09',
      'furtherReminder extra:a-week-later 2026-03-17',
    ]);
    const plan = (await view()).invoice;
    expect(plan.policy).toEqual({ id: 'eta-six-step', version: 1 });
  });

  it('gives the extra its own channels and tone, in the further-reminder words', async () => {
    expect(await sent('sms')).toContain('furtherReminder extra:a-week-later 2026-03-17');
    const subjects = ses.messages().filter((m) => m.destination.to.includes(customer.email!)).map((m) => m.subject);
    // day-20 in the policy's standard tone, the one a week later in its own firm tone.
    expect(subjects[3]).toBe('Ulteriore sollecito: fattura 2026/ETA-1 scaduta da 21 giorni');
    expect(subjects[4]).toBe('Ulteriore sollecito: fattura 2026/ETA-1 ancora insoluta dopo 29 giorni');
  });
});
