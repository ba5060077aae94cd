/**
 * The company's calendar (issue 17 item 3) on DynamoDB Local: a customer's city PATCHed through
 * the admin API's real handler moves a planned stage off its patron saint's day, in the read
 * model (the invoice's next step) and in the plan its new run makes (PlanTimeline); the company's
 * closures, from the stored tenant, keep their stage too; a region its country has not is a 422.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { callApi } from '../support/api-events.js';
import { useClock } from '../../lambdas/adapters/clock.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { planFor } from '../../lambdas/app/timeline/plan-timeline.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';

await useLocalTable();
// The admin API's commands build a Step Functions client; the re-planning here only bumps the run.
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused';
process.env.EVENT_BUS_NAME ??= 'unused';
const store = dynamoRepositories();
const T = `calendar-${Date.now()}`;
// Friday 6 November 2026, 11:00 in Milan: the invoice is a month from due.
useClock({ now: () => new Date('2026-11-06T10:00:00Z') });

const runOf = async (id: string): Promise<number> => Number((await store.doc.send(new GetCommand({ TableName: store.name, Key: keys.invoice(T, id) }))).Item?.run);

describe("the customer's city and the company's closures", () => {
  it('moves the due-date reminder of a customer PATCHed to Milan off Monday 7 December (Sant\'Ambrogio, then the Immacolata) to Wednesday 9th', async () => {
    // 1. The company closes for stock-taking on Monday 14 December, the invoice's +7 reminder day.
    await store.tenants.putTenant(supplier(T, { closures: [{ from: '2026-12-14', to: '2026-12-14', label: 'Inventario' }] }));
    await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Ambrosiana S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@ambrosiana.example' }));
    await store.invoices.putInvoice(
      Invoice.parse({ tenantId: T, invoiceId: 'A', number: '2026/77', customerId: 'C-1', issueDate: '2026-11-06', dueDate: '2026-12-07', currency: 'EUR', amount: 120_000, status: 'open', createdAt: '2026-11-06T08:00:00Z', updatedAt: '2026-11-06T08:00:00Z' }),
    );
    const api = adminApiHandler(T);
    const planned = async () => Object.fromEntries(((await callApi<any>(api, { method: 'GET', path: '/v1/invoices/A' })).body.next.planned as { stage: string; at: string }[]).map((p) => [p.stage, p.at]));

    // 2. No city yet: reminded on the day (09:00 Rome is 08:00Z in December); the closure moves the +7 one to Tuesday.
    expect(await planned()).toMatchObject({ dueDate: '2026-12-07T08:00:00.000Z', firstOverdue: '2026-12-15T08:00:00.000Z' });

    // 3. A region Italy has not is refused, naming the field.
    const wrong = await callApi<any>(api, { method: 'PATCH', path: '/v1/customers/C-1', body: { region: 'BY' } });
    expect(wrong).toMatchObject({ status: 422, body: { code: 'unknown_region', errors: [{ field: 'region' }] } });

    // 4. The city: the read model and the next run's plan move the stage, and the open invoice is re-planned.
    const patched = await callApi<any>(api, { method: 'PATCH', path: '/v1/customers/C-1', body: { city: 'Milano', region: '25' } });
    expect(patched).toMatchObject({ status: 200, body: { customer: { city: 'Milano', region: '25' } } });
    expect(await planned()).toMatchObject({ dueDate: '2026-12-09T08:00:00.000Z', firstOverdue: '2026-12-15T08:00:00.000Z' });
    expect(await runOf('A')).toBe(1);
    const plan = await planFor(timelineDeps(), { tenantId: T, invoiceId: 'A', revision: 1, run: 1 });
    expect(plan).toMatchObject({ mode: 'timeline', next: 'preDue', at: { preDue: '2026-11-30T08:00:00.000Z', dueDate: '2026-12-09T08:00:00.000Z', firstOverdue: '2026-12-15T08:00:00.000Z' } });
    expect(plan.warnings).toBeUndefined();
  }, 60_000);
});
