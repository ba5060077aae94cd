/**
 * The timelines' wake-ups on DynamoDB Local (adapters/dynamo-timeline-wake-ups.ts through
 * app/timeline/wake-timelines.ts): recorded only for the invoice's current run, due by instant,
 * and starting at most one run, only while the invoice still waits for it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalTable } from '../support/dynamo.js';
import { invoiceOf, supplier } from '../support/fixtures.js';
import { silent } from '../support/timeline-deps.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoTimelineWakeUps } from '../../lambdas/adapters/dynamo-timeline-wake-ups.js';
import { wakeTimelines } from '../../lambdas/app/timeline/wake-timelines.js';
import type { Invoice } from '../../lambdas/domain/model.js';

await useLocalTable();
const T = 'wake-co';
const store = dynamoRepositories();
const wakeUps = new DynamoTimelineWakeUps({ doc: store.doc, name: store.name });
const AT = '2027-01-05T08:00:00.000Z';
const at = (iso: string) => ({ now: () => new Date(iso) });
const turn = (now: string) => wakeTimelines({ ...silent, wakeUps, clock: at(now) }, { tenantId: T });

let n = 0;
const newInvoice = async (over: Partial<Invoice> = {}): Promise<Invoice> => {
  const inv = invoiceOf({ tenantId: T, invoiceId: `WK-${++n}`, revision: 1, run: 2, status: 'paused', ...over });
  await store.invoices.putInvoice(inv);
  return inv;
};
const ref = (inv: Invoice) => ({ tenantId: T, invoiceId: inv.invoiceId, revision: inv.revision, run: inv.run });
const stored = async (inv: Invoice) => (await store.invoices.getInvoice(T, inv.invoiceId))!;
const pending = async () => (await wakeUps.due(T, new Date('2099-01-01T00:00:00Z'))).length;

beforeAll(async () => {
  await store.tenants.putTenant(supplier(T));
});

describe('timeline wake-ups', () => {
  it('start the next run at the wake-up, not before, and once however often the schedule comes', async () => {
    const inv = await newInvoice();
    expect(await wakeUps.record(ref(inv), AT)).toBe(true);
    expect(await wakeUps.record(ref(inv), AT)).toBe(true); // a retried task writes the same wake-up
    expect((await stored(inv)).resumeAt).toBe(AT);
    expect(await wakeUps.first(T)).toBe(AT);

    expect(await turn('2027-01-05T07:59:59.999Z')).toEqual({ due: 0, started: 0 });
    expect((await stored(inv)).run).toBe(2);

    expect(await turn(AT)).toEqual({ due: 1, started: 1 });
    const after = await stored(inv);
    expect(after.run).toBe(3);
    expect(after.resumeAt).toBeUndefined();
    expect(await turn('2027-01-05T09:00:00.000Z')).toEqual({ due: 0, started: 0 });
    expect((await stored(inv)).run).toBe(3);
  });

  it('a wake-up delivered twice at once starts one run', async () => {
    const inv = await newInvoice();
    await wakeUps.record(ref(inv), AT);
    const [w] = await wakeUps.due(T, new Date(AT));
    const both = await Promise.all([wakeUps.wake(w!), wakeUps.wake(w!)]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect((await stored(inv)).run).toBe(3);
  });

  it.each([
    ['paid', { status: 'paid' as const }],
    ['resumed by hand (a new run)', { run: 3 }],
    ['revised (a new revision)', { revision: 2, run: 0 }],
  ])('starts nothing on an invoice %s meanwhile, and forgets the wake-up', async (_what, change) => {
    const inv = await newInvoice();
    await wakeUps.record(ref(inv), AT);
    await store.invoices.putInvoice({ ...(await stored(inv)), ...change });
    const before = await stored(inv);
    const result = await turn(AT);
    expect(result.started).toBe(0);
    const after = await stored(inv);
    expect({ run: after.run, revision: after.revision, status: after.status }).toEqual({ run: before.run, revision: before.revision, status: before.status });
    expect(after.resumeAt).toBeUndefined();
    expect(await pending()).toBe(0);
  });

  it('is not recorded for a run the invoice has left', async () => {
    const inv = await newInvoice();
    expect(await wakeUps.record({ ...ref(inv), run: inv.run - 1 }, AT)).toBe(false);
    expect((await stored(inv)).resumeAt).toBeUndefined();
    expect(await pending()).toBe(0);
  });
});
