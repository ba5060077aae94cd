/**
 * What-if before switching (issue 17 item 5) on DynamoDB Local, through the admin API's real
 * handler: a small portfolio, a company policy that texts at every written stage and holds credit
 * early, replayed beside the relationship preset; a past period from the activity feed; the HTML
 * page; and every problem of a bad request in one 422.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { callApi, viewerUser } from '../support/api-events.js';
import { tableFromEnv } from '../../lambdas/adapters/dynamo/client.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { useClock, useSystemClock } from '../../lambdas/adapters/clock.js';
import { Customer, Invoice, Tenant } from '../../lambdas/domain/model.js';
import type { ActivityItem } from '../../lambdas/domain/reports/activity.js';
import { validateCompanyPolicy } from '../../lambdas/domain/timeline/company-policy.js';

await useLocalTable();
process.env.STATE_MACHINE_ARN ??= 'arn:aws:states:eu-south-1:000000000000:stateMachine:unused';
process.env.EVENT_BUS_NAME ??= 'unused';
const store = dynamoRepositories(tableFromEnv());

/** Monday 16 November 2026, 09:00 in Rome. */
const NOW = new Date('2026-11-16T08:00:00Z');
beforeAll(() => useClock({ now: () => NOW }));
afterAll(() => useSystemClock());

/** SMS beside every written reminder and the hold, the hold at +20 days. */
const smsHeavy = {
  id: 'sms-heavy',
  name: 'SMS heavy',
  tone: 'firm',
  smsPerWeek: 3,
  minGapDays: 3,
  stages: {
    dueDate: { offsetDays: 0, channels: ['email', 'sms'] },
    firstOverdue: { offsetDays: 5, channels: ['email', 'sms'] },
    secondOverdue: { offsetDays: 10, channels: ['email', 'sms'] },
    phoneCall: { offsetDays: 13 },
    creditHold: { offsetDays: 20, channels: ['email', 'sms'] },
    escalation: { offsetDays: 35 },
  },
};

let tenants = 0;
const seed = async () => {
  const t = Tenant.parse({
    tenantId: `sim-${++tenants}-${Date.now()}`, name: 'Officine Rossi S.r.l.', email: 'crediti@officinerossi.example', iban: 'IT60X0542811101000000123456',
    country: 'IT', timeZone: 'Europe/Rome', defaultPolicy: 'standard', financeInboxes: ['amministrazione@officinerossi.example'],
  });
  await store.tenants.putTenant(t);
  for (const id of ['C-1', 'C-2', 'C-3']) {
    await store.customers.putCustomer(Customer.parse({ tenantId: t.tenantId, customerId: id, name: `Customer ${id}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: `ap@${id.toLowerCase()}.example`, phone: '+393471234567' }));
  }
  // Six open invoices, two per customer, due from today to two weeks ahead.
  const dues = ['2026-11-16', '2026-11-18', '2026-11-20', '2026-11-23', '2026-11-25', '2026-11-30'];
  for (const [i, dueDate] of dues.entries()) {
    await store.invoices.putInvoice(Invoice.parse({
      tenantId: t.tenantId, invoiceId: `INV-${i}`, number: `2026/${i}`, customerId: `C-${(i % 3) + 1}`, issueDate: '2026-10-16', dueDate,
      currency: 'EUR', amount: 100_000 * (i + 1), status: 'open', createdAt: '2026-10-16T08:00:00Z', updatedAt: '2026-10-16T08:00:00Z',
    }));
  }
  const checked = validateCompanyPolicy(smsHeavy);
  if (!checked.ok) throw new Error(JSON.stringify(checked.problems));
  await store.policies.save(t.tenantId, checked.policy, 0, '2026-11-01T09:00:00Z');
  // A thin history: three invoices paid after the first overdue reminder, three issued in September.
  const base = { tenantId: t.tenantId, customerId: 'C-1', currency: 'EUR', amount: 50_000 };
  const history: ActivityItem[] = [
    ...[0, 1, 2].map((i): ActivityItem => ({
      ...base, kind: 'closed', invoiceId: `OLD-${i}`, number: `2026/O${i}`, dueDate: '2026-09-01', date: '2026-09-12', outcome: 'paid', policy: 'standard',
      lastStage: 'firstOverdue', lastStageDate: '2026-09-08', paidOn: '2026-09-11',
    })),
    ...[0, 1, 2].map((i): ActivityItem => ({ ...base, kind: 'issued', invoiceId: `SEP-${i}`, number: `2026/S${i}`, customerId: `C-${i + 1}`, dueDate: '2026-10-15', date: `2026-09-1${i}` })),
  ];
  await store.reports.recordActivity(history);
  return t;
};

describe('POST /v1/simulations', () => {
  it('compares relationship with an SMS-heavy company policy over the open portfolio', async () => {
    const t = await seed();
    const api = adminApiHandler(t.tenantId);
    const res = await callApi(api, { method: 'POST', path: '/v1/simulations', body: { policies: [{ id: 'relationship' }, { id: 'sms-heavy' }] }, user: viewerUser });
    expect(res.status).toBe(200);
    const [relationship, heavy] = res.body.policies;
    expect(res.body.scope).toEqual({ kind: 'open', asOf: '2026-11-16' });
    expect([relationship.policy, heavy.policy]).toMatchObject([{ id: 'relationship', source: 'built-in' }, { id: 'sms-heavy', source: 'company', version: 1 }]);
    expect([relationship.invoices, heavy.invoices]).toEqual([6, 6]);
    // Relationship never texts; the SMS-heavy policy does on four stages, priced at the default 8 cents.
    expect(relationship.sms.messages).toBe(0);
    expect(heavy.sms.messages).toBeGreaterThan(0);
    expect(heavy.sms.costMinor).toBe(Math.round(heavy.sms.messages * 8));
    // The firmer one holds credit at +20 where relationship waits until +45.
    expect(heavy.creditHold.medianDaysLate).toBeLessThan(relationship.creditHold.medianDaysLate);
    expect(heavy.creditHold.medianDaysLate).toBeGreaterThanOrEqual(20);
    expect(relationship.creditHold.medianDaysLate).toBeGreaterThanOrEqual(45);
    // Three invoices of history: every stage keeps its default, and the answer says so.
    expect(res.body.usesDefaults).toBe(true);
    expect(res.body.model.find((s: { stage: string }) => s.stage === 'firstOverdue')).toMatchObject({ source: 'default', paid: 3 });
    expect(res.body.model.every((s: { source: string }) => s.source === 'default')).toBe(true);
    // Money in one currency, shares between 0 and 1, growing with the horizon.
    const within = heavy.recovery[0].within.map((w: { share: number }) => w.share);
    expect(within).toEqual([...within].sort((a: number, b: number) => a - b));
    expect(within.at(-1)).toBeLessThanOrEqual(1);
  });

  it('replays a past period from the activity feed: the invoices issued then, each from its issue date', async () => {
    const t = await seed();
    const res = await callApi(adminApiHandler(t.tenantId), {
      method: 'POST', path: '/v1/simulations', body: { policies: [{ id: 'relationship' }, { id: 'firm' }], period: { from: '2026-09-01', to: '2026-09-30' }, contactLimit: 2 },
    });
    expect(res.status).toBe(200);
    expect(res.body.scope).toEqual({ kind: 'period', from: '2026-09-01', to: '2026-09-30' });
    expect(res.body.policies.map((p: { invoices: number }) => p.invoices)).toEqual([3, 3]);
    expect(res.body.assumptions.contactLimit).toBe(2);
    // Replayed from September, the first messages fall in October (due 15 October).
    expect(res.body.policies[1].byMonth[0].month).toBe('2026-10');
  });

  it('answers the self-contained HTML page for format=html and for Accept: text/html', async () => {
    const t = await seed();
    const api = adminApiHandler(t.tenantId);
    const body = { policies: [{ id: 'relationship' }, { id: 'sms-heavy' }] };
    for (const req of [{ path: '/v1/simulations?format=html' }, { path: '/v1/simulations', headers: { Accept: 'text/html' } }]) {
      const res = await callApi(api, { method: 'POST', body, ...req });
      expect(res.status).toBe(200);
      expect(res.headers?.['content-type']).toContain('text/html');
      expect(String(res.body)).toContain('<html lang="en">');
      expect(String(res.body)).toContain('sms-heavy');
      expect(String(res.body)).toContain('<svg');
    }
  });

  it('refuses a bad request with every problem at once, and a malformed one with a 400', async () => {
    const t = await seed();
    const api = adminApiHandler(t.tenantId);
    const res = await callApi(api, {
      method: 'POST', path: '/v1/simulations',
      body: { policies: [{ id: 'no-such-policy' }, { policy: { id: 'bad', name: 'Bad', tone: 'firm', stages: { creditHold: { offsetDays: 30 } } } }], period: { from: '2026-10-01', to: '2026-09-01' } },
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('simulation_refused');
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toContain('policies.0.id');
    expect(fields.some((f: string) => f.startsWith('policies.1.policy.stages'))).toBe(true);
    expect(fields).toContain('period.to');
    const malformed = await callApi(api, { method: 'POST', path: '/v1/simulations', body: { policies: [{ id: 'relationship' }] } });
    expect(malformed.status).toBe(400);
  });

  it('answers any written-out policy and any period with a 200, a 400 or a 422, never a 500', async () => {
    const t = await seed();
    const api = adminApiHandler(t.tenantId);
    const day = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const policy = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ minGapDays: fc.integer({ min: -2, max: 70 }), stages: fc.dictionary(fc.constantFrom('dueDate', 'firstOverdue', 'creditHold', 'escalation', 'phoneCall'), fc.record({ offsetDays: fc.integer({ min: -400, max: 400 }) })) }).map((r) => ({ ...smsHeavy, ...r })));
    await fc.assert(
      fc.asyncProperty(policy, fc.option(fc.tuple(day, day)), async (p, period) => {
        const res = await callApi(api, { method: 'POST', path: '/v1/simulations', body: { policies: [{ id: 'standard' }, { policy: p }], ...(period ? { period: { from: period[0], to: period[1] } } : {}) } });
        expect([200, 400, 422], JSON.stringify(p).slice(0, 200)).toContain(res.status);
      }),
      { numRuns: 25, seed: 5 },
    );
  });
});
