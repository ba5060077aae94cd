/**
 * The re-plan loop is bounded (domain/timeline/replan-bound.ts): PlanTimeline, on DynamoDB Local,
 * reads the invoice's log and fails with Sollecito.TooManyReplans past 500 re-plans since the
 * execution started, so RecordFailure writes it on the invoice before Step Functions' history
 * limit would fail the execution without a record. Earlier runs' entries do not count.
 */
import { describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { timelineDeps } from '../support/timeline-deps.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { eventToItem } from '../../lambdas/adapters/dynamo/items.js';
import { useClock } from '../../lambdas/adapters/clock.js';
import { contactEvent } from '../../lambdas/domain/shared/contact-event.js';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { MAX_REPLANS, replansSince } from '../../lambdas/domain/timeline/replan-bound.js';
import { planFor } from '../../lambdas/app/timeline/plan-timeline.js';

await useLocalTable();
const T = 'replan-co';
const store = dynamoRepositories();
const NOW = new Date('2026-04-01T08:00:00Z');
useClock({ now: () => NOW });

const deferral = (invoiceId: string, i: number, at: string) =>
  contactEvent({ eventId: `deferred-${i}`, tenantId: T, invoiceId, at, type: 'deferred', channel: 'system', actor: 'system', stage: 'dueDate', outcome: 'recorded', details: { until: at, reason: 'gives way' } });

const seed = async (invoiceId: string, count: number, at: (i: number) => string) => {
  const items = Array.from({ length: count }, (_, i) => eventToItem(deferral(invoiceId, i, at(i))));
  for (let i = 0; i < items.length; i += 25) {
    await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.name]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } }));
  }
};

describe('the re-plan bound', () => {
  it('counts the hold-backs since the execution started, from the log alone', () => {
    const log = [deferral('X', 1, '2026-03-01T08:00:00Z'), deferral('X', 2, '2026-03-02T08:00:00.000Z'), deferral('X', 3, '2026-03-03T08:00:00Z')];
    expect(replansSince(log, '2026-03-02T08:00:00Z')).toBe(2);
    expect(replansSince(log, '2026-03-04T00:00:00.000Z')).toBe(0);
  });

  it(`fails PlanTimeline with Sollecito.TooManyReplans past ${MAX_REPLANS} re-plans in one execution, and plans as usual below`, async () => {
    await store.tenants.putTenant(supplier(T));
    await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: 'C-1', name: 'Loop S.r.l.', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@loop.example' }));
    for (const invoiceId of ['LOOP-1', 'LOOP-2']) {
      await store.invoices.putInvoice(
        Invoice.parse({ tenantId: T, invoiceId, number: invoiceId, customerId: 'C-1', issueDate: '2026-01-10', dueDate: '2026-02-10', currency: 'EUR', amount: 10_000, status: 'open', createdAt: '2026-01-10T08:00:00Z', updatedAt: '2026-01-10T08:00:00Z' }),
      );
    }
    const started = '2026-03-01T08:00:00.000Z';
    // LOOP-1: 501 hold-backs in this execution. LOOP-2: 500 in this one, 300 more in an earlier run.
    await seed('LOOP-1', MAX_REPLANS + 1, (i) => new Date(Date.parse(started) + i * 60_000).toISOString());
    await seed('LOOP-2', MAX_REPLANS + 300, (i) => new Date(Date.parse(started) + (i - 300) * 60_000).toISOString());
    const deps = timelineDeps();
    await expect(planFor(deps, { tenantId: T, invoiceId: 'LOOP-1', revision: 1, run: 0, startedAt: started })).rejects.toMatchObject({ name: 'Sollecito.TooManyReplans' });
    await expect(planFor(deps, { tenantId: T, invoiceId: 'LOOP-2', revision: 1, run: 0, startedAt: started })).resolves.toMatchObject({ mode: 'timeline' });
  }, 60_000);
});
