/**
 * Habitual late payers on DynamoDB Local (issue 17 item 4): a payment recorded through the real
 * commands settles the invoice, the stream's activity step keeps how late it was in the customer's
 * history (also on a customer written before histories existed), the admin API shows the habit,
 * and the case of the customer's next invoice is chased under the policy's extra for such customers.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { callApi } from '../support/api-events.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { DynamoCommands } from '../../lambdas/adapters/dynamo-commands.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { recordInvoiceActivity } from '../../lambdas/app/timeline/record-invoice-activity.js';
import { loadCase } from '../../lambdas/app/timeline/invoice-case.js';
import type { Workflow } from '../../lambdas/app/ports/workflow.js';
import { recordPayment } from '../../lambdas/domain/commands/commands.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import { validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

await useLocalTable();
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused';
process.env.EVENT_BUS_NAME ??= 'unused';
const table = tableFromEnv();
const store = dynamoRepositories(table);
const workflow: Workflow = { start: async () => ({ executionArn: 'x', alreadyStarted: false }), stop: async () => undefined };
const commands = new DynamoCommands(workflow, store);
const deps = timelineDeps({ workflow });

const latePayersPolicy = (() => {
  const r = validateCompanyPolicy({
    id: 'late-payers', name: 'Watch the late payers', tone: 'standard',
    stages: { dueDate: { offsetDays: 0 }, firstOverdue: { offsetDays: 7 }, secondOverdue: { offsetDays: 14 } },
    habitualLatePayers: { lateOf: 2, outOf: 3, extraBeforeDue: { offsetDays: -3, channels: ['email', 'sms'] } },
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
})();

let n = 0;
const setUp = async () => {
  const t = Tenant.parse({
    tenantId: `habit-${++n}-${Date.now()}`, name: 'Officine Rossi S.r.l.', email: 'crediti@officinerossi.example', iban: 'IT60X0542811101000000123456',
    country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'late-payers', financeInboxes: ['amministrazione@officinerossi.example'],
  });
  await store.tenants.putTenant(t);
  await store.policies.save(t.tenantId, latePayersPolicy, 0, '2026-01-01T10:00:00Z');
  await store.customers.putCustomer(Customer.parse({ tenantId: t.tenantId, customerId: 'C-1', name: 'Lenta S.p.A.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@lenta.example', phone: '+393470000001' }));
  return t;
};

const invoice = async (t: string, id: string, dueDate: string) => {
  const inv = Invoice.parse({ tenantId: t, invoiceId: id, number: id, customerId: 'C-1', issueDate: '2026-01-02', dueDate, currency: 'EUR', amount: 50_000, status: 'open', createdAt: '2026-01-02T08:00:00Z', updatedAt: '2026-01-02T08:00:00Z' });
  await store.invoices.putInvoice(inv);
  return inv;
};

/** Pays the invoice in full on `valueDate` through the real commands, then runs the stream's activity step on the change. */
const payInFull = async (t: string, id: string, valueDate: string) => {
  const before = (await store.invoices.getInvoiceView(t, id))!.invoice;
  const now = new Date(`${valueDate}T15:00:00Z`);
  await commands.onInvoice(t, id, (inv) => recordPayment(inv, { amount: inv.amount - inv.amountPaid, date: valueDate }, { actor: 'anna@officinerossi.example', now, timeZone: 'Europe/Rome' }));
  const after = (await store.invoices.getInvoiceView(t, id))!.invoice;
  expect(after.status).toBe('paid');
  return recordInvoiceActivity(deps, { before, after });
};

describe('habitual late payers', () => {
  it('keeps how late each settled invoice was, shows the habit, and gives the next invoice the extra pre-due reminder', async () => {
    const t = await setUp();
    await invoice(t.tenantId, 'A', '2026-01-31');
    await invoice(t.tenantId, 'B', '2026-02-28');
    await invoice(t.tenantId, 'C', '2026-03-31');
    const next = await invoice(t.tenantId, 'D', '2026-05-29');

    // Not yet habitual: its next invoice follows the policy as written (no pre-due reminder).
    expect((await loadCase(deps, t.tenantId, next.invoiceId, { latestPolicy: true }))!.policy.stages.preDue?.enabled).toBe(false);

    expect((await payInFull(t.tenantId, 'A', '2026-02-10')).settled).toMatchObject({ daysLate: 10, settledOn: '2026-02-10', how: 'paid' });
    await payInFull(t.tenantId, 'B', '2026-02-27');
    // A retried stream record writes the same entry again.
    const retried = await payInFull(t.tenantId, 'C', '2026-04-06');
    const stored = (await store.customers.getCustomer(t.tenantId, 'C-1'))!;
    expect(stored.paymentHistory).toEqual({
      A: { dueDate: '2026-01-31', settledOn: '2026-02-10', daysLate: 10, how: 'paid' },
      B: { dueDate: '2026-02-28', settledOn: '2026-02-27', daysLate: 0, how: 'paid' },
      C: { dueDate: '2026-03-31', settledOn: '2026-04-06', daysLate: 6, how: 'paid' },
    });
    await deps.customers.recordPaymentOutcome(t.tenantId, 'C-1', 'C', retried.settled!, []);
    expect(Object.keys((await store.customers.getCustomer(t.tenantId, 'C-1'))!.paymentHistory)).toHaveLength(3);

    const api = adminApiHandler(t.tenantId);
    const shown = await callApi(api, { method: 'GET', path: '/v1/customers/C-1' });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ paymentHabit: { habitual: true, late: 2, counted: 3, rule: { lateOf: 2, outOf: 3, minDaysLate: 1 }, policy: 'late-payers' } });

    const c = (await loadCase(deps, t.tenantId, next.invoiceId, { latestPolicy: true }))!;
    expect(c.policy.stages.preDue).toMatchObject({ enabled: true, offsetDays: -3, sms: true });
  });

  it('gives a customer written before histories existed its first entry', async () => {
    const t = await setUp();
    await table.doc.send(new UpdateCommand({ TableName: table.name, Key: keys.customer(t.tenantId, 'C-1'), UpdateExpression: 'REMOVE paymentHistory' }));
    await invoice(t.tenantId, 'A', '2026-01-31');
    await payInFull(t.tenantId, 'A', '2026-02-03');
    const item = (await table.doc.send(new GetCommand({ TableName: table.name, Key: keys.customer(t.tenantId, 'C-1') }))).Item!;
    expect(item.paymentHistory).toEqual({ A: { dueDate: '2026-01-31', settledOn: '2026-02-03', daysLate: 3, how: 'paid' } });
  });

  it('records nothing for a customer that no longer exists', async () => {
    const t = await setUp();
    expect(await deps.customers.recordPaymentOutcome(t.tenantId, 'C-GONE', 'X', { dueDate: '2026-01-31', settledOn: '2026-02-03', daysLate: 3, how: 'paid' }, [])).toBe(false);
  });
});
