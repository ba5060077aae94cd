/**
 * Hostile input against the admin API: every write route, through the real handler, with arbitrary
 * JSON bodies, arbitrary raw bodies and hostile path values. Whatever comes in, the answer is a
 * 2xx or a 4xx with a reason, never a 5xx. Bounded: a fixed number of runs per route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { useLocalTable } from '../support/dynamo.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { callApi, type ApiRequest } from '../support/api-events.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import { allRoutes } from '../../lambdas/api/routes/index.js';

await useLocalTable();

const T = 'fuzz-co';
const NOW = new Date('2026-03-10T09:00:00Z');
useClock({ now: () => NOW });
const workflow = await startStandInWorkflow('arn:aws:states:eu-south-1:000000000000:stateMachine:fuzz', NOW);
Object.assign(process.env, {
  TENANT_ID: T,
  ...workflow.env,
  EVENT_BUS_NAME: 'fuzz',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
  AWS_LAMBDA_FUNCTION_NAME: 'admin-api',
});
const { handler } = await import('../../lambdas/handlers/admin-api.js');
const api = (req: ApiRequest) => callApi<unknown>(handler, req);
const store = dynamoRepositories();

beforeAll(async () => {
  await store.tenants.putTenant(
    Tenant.parse({ tenantId: T, name: 'Fuzz S.r.l.', email: 'f@fuzz.example', iban: 'IT60X0542811101000000123456', country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['f@fuzz.example'] }),
  );
  await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'c@c.example' }));
  await store.invoices.putInvoice(
    Invoice.parse({ tenantId: T, invoiceId: 'INV-1', number: '1', customerId: 'C-1', issueDate: '2026-02-01', dueDate: '2026-03-01', currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-02-01T08:00:00Z', updatedAt: '2026-02-01T08:00:00Z' }),
  );
});
afterAll(async () => {
  useSystemClock();
  await workflow.stop();
});

const writes = allRoutes.filter((r) => r.method !== 'GET');
const concrete = (path: string, id: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'customerId' ? 'C-1' : name === 'invoiceId' ? 'INV-1' : id));

const expectHandled = (status: number, what: string) => {
  expect(status, what).toBeGreaterThanOrEqual(200);
  expect(status, what).toBeLessThan(500);
};

describe('the admin API under hostile input', () => {
  it.each(writes.map((r) => [`${r.method} ${r.path}`, r] as const))('%s answers every JSON body with a 2xx or a 4xx', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (body) => {
        const res = await api({ method: route.method as ApiRequest['method'], path: concrete(route.path, route.path.includes('customers') ? 'C-1' : 'INV-1'), body });
        expectHandled(res.status, JSON.stringify(body).slice(0, 200));
      }),
      { numRuns: 40 },
    );
  });

  it('answers raw bodies that are not JSON, and hostile path values, with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), fc.string({ maxLength: 300 }), fc.string({ minLength: 1, maxLength: 200 }), async (route, raw, id) => {
        const path = concrete(route.path, encodeURIComponent(id));
        const res = await api({ method: route.method as ApiRequest['method'], path, rawBody: raw, headers: { 'content-type': 'application/json' } });
        expectHandled(res.status, `${route.method} ${path} ${raw.slice(0, 80)}`);
      }),
      { numRuns: 150 },
    );
  });
});
