/**
 * The ageing histogram on DynamoDB Local, kept through the real table-stream batch loop
 * (makeTableStreamRun) fed by the local stream poller: the same buckets and DSO as the per-invoice
 * report over a generated portfolio (the DSO's credit sales from the sales days beside the report's
 * from the activity feed), exact under redelivered and concurrent batches, and rebuilt exactly by
 * the repair, also while the stream keeps writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { localStreamPoller, useLocalTable } from '../support/dynamo.js';
import { supplier } from '../support/fixtures.js';
import { adminApiHandler } from '../support/admin-api-wiring.js';
import { callApi } from '../support/api-events.js';
import { startStandInWorkflow } from '../support/stand-in-workflow.js';
import { silent, timelineDeps } from '../support/timeline-deps.js';
import { prng } from '../../bench/prng.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoAgeingDays } from '../../lambdas/adapters/dynamo-ageing-days.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { ageingSummary } from '../../lambdas/app/reports/ageing-summary.js';
import { rebuildAgeingDays } from '../../lambdas/app/reports/rebuild-ageing-days.js';
import { Customer, Invoice, INVOICE_STATUSES, type InvoiceInput, type InvoiceStatus } from '../../lambdas/domain/model.js';
import { buildAgeingReport } from '../../lambdas/domain/reports/report.js';
import { salesDaysOf, type SalesDay } from '../../lambdas/domain/reports/sales-days.js';
import { addDays } from '../../lambdas/domain/shared/days.js';

const table = await useLocalTable();
const NOW = new Date('2026-03-09T07:00:00Z');
const TODAY = '2026-03-09';
const standIn = await startStandInWorkflow('arn:aws:states:eu-south-1:000000000000:stateMachine:ageing-days', NOW);
Object.assign(process.env, standIn.env, { EVENT_BUS_NAME: 'sollecito-test', SENDER_EMAIL: 'crediti@officinerossi.example' });

const { makeTableStreamRun } = await import('../../lambdas/handlers/table-stream.js');
const store = dynamoRepositories();
const ageingDays = new DynamoAgeingDays(store);
const run = makeTableStreamRun(timelineDeps(), { ageingDays });

const T = 'acme-days';
const tenant = supplier(T);
const CUSTOMERS = ['C-1', 'C-2', 'C-3', 'C-4'];

/** 'run': the poller hands batches to the stream handler; 'hold': it only keeps them (a stream that has not delivered yet). */
let mode: 'run' | 'hold' = 'run';
const delivered: DynamoDBStreamEvent[] = [];
const held: DynamoDBStreamEvent[] = [];
const poller = localStreamPoller(table, {
  filter: (r) => (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.entity?.S === 'invoice',
  handler: async (event): Promise<DynamoDBBatchResponse> => {
    if (mode === 'hold') {
      held.push(event);
      return { batchItemFailures: [] };
    }
    delivered.push(event);
    return run(event);
  },
});

afterAll(async () => {
  await poller.stop();
  await standIn.stop();
});

const random = prng(19);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));

let seq = 0;
const invoices = new Map<string, Invoice>();
const put = async (inv: Invoice) => {
  invoices.set(inv.invoiceId, inv);
  await store.invoices.putInvoice(inv);
};
const newInvoice = (over: Partial<InvoiceInput> = {}): Invoice => {
  const n = ++seq;
  const amount = between(1_000, 500_000);
  const status: InvoiceStatus = pick(INVOICE_STATUSES);
  const issueDate = addDays(TODAY, -between(0, 200));
  return Invoice.parse({
    tenantId: T,
    invoiceId: `D-${n}`,
    number: `2026/D${n}`,
    customerId: pick(CUSTOMERS),
    issueDate,
    dueDate: addDays(issueDate, pick([0, 30, 60, 90])),
    currency: pick(['EUR', 'EUR', 'EUR', 'RON', 'USD']),
    amount,
    amountPaid: status === 'paid' ? amount : random() < 0.3 ? between(0, amount - 1) : 0,
    status,
    ...(status === 'disputed' ? { dispute: { reason: 'goods', text: '', openedAt: '2026-03-01T10:00:00Z' } } : {}),
    ...(status === 'paused' ? { pause: { reason: 'holiday' } } : {}),
    createdAt: '2026-01-05T08:00:00Z',
    updatedAt: '2026-03-01T08:00:00Z',
    ...over,
  });
};

/** A credit note: the invoice lowered by it, the note itself stored as a not-chased document. */
const creditNote = (inv: Invoice, amount: number): [Invoice, Invoice] => [
  Invoice.parse({ ...inv, amount: inv.amount - amount, creditNotes: [{ creditNoteId: `${inv.invoiceId}-NC`, number: `NC/${inv.number}`, date: '2026-03-02', amount, appliedAt: '2026-03-02T09:00:00Z' }], updatedAt: '2026-03-02T09:00:00Z' }),
  Invoice.parse({ ...inv, invoiceId: `${inv.invoiceId}-NC`, number: `NC/${inv.number}`, amount, amountPaid: 0, status: 'not_chased', updatedAt: '2026-03-02T09:00:00Z' }),
];

const settle = async () => {
  while ((await poller.pollOnce()) > 0);
};

/** The report's figures from the open invoices one by one: the reference. */
const fromInvoices = async () => {
  const report = buildAgeingReport(await store.reports.reportInput(tenant, NOW));
  return { totals: report.totals, dso: report.dso.currencies };
};
const fromDays = async () => {
  const s = await ageingSummary({ ageingDays, reports: store.reports }, tenant, NOW);
  return { totals: s.totals, dso: s.dso.currencies };
};
const order = (days: SalesDay[]) => [...days].sort((a, b) => `${a.date}${a.currency}`.localeCompare(`${b.date}${b.currency}`));
const salesDayItems = async () => order((await store.reports.salesDays(T, '2025-01-01', '2026-12-31')).filter((d) => d.invoices !== 0 || d.amount !== 0));
const dayItems = async () => (await ageingDays.days(T)).map(({ writes: _w, ...d }) => d).sort((a, b) => `${a.currency}${a.dueDate}`.localeCompare(`${b.currency}${b.dueDate}`));

beforeAll(async () => {
  await poller.init();
  await store.tenants.putTenant(tenant);
  for (const c of CUSTOMERS) await store.customers.putCustomer(Customer.parse({ tenantId: T, customerId: c, name: `Cliente ${c}`, country: 'IT', language: 'it', timeZone: 'Europe/Rome' }));
  // The portfolio: every status, partial payments, three currencies, settled differences.
  for (let i = 0; i < 90; i++) await put(newInvoice());
  const owedNothing = newInvoice({ status: 'open', amount: 10_000, amountPaid: 9_990 });
  await put(Invoice.parse({ ...owedNothing, settledDifference: { amount: 10, reason: 'rounding', at: '2026-03-03T10:00:00Z' } }));
  await settle();
  // Then what use does to it: payments, credit notes, moved due dates, corrected currencies, closings, deletions.
  // Enough open invoices for every change below to meet invoices of its own (one status in nine is open).
  for (let i = 0; i < 24; i++) await put(newInvoice({ status: 'open', amountPaid: 0 }));
  await settle();
  const pool = [...invoices.values()].filter((i) => i.status === 'open' && i.amountPaid < i.amount && !i.invoiceId.endsWith('-NC'));
  expect(pool.length).toBeGreaterThanOrEqual(37);
  for (const inv of pool.slice(0, 8)) await put(Invoice.parse({ ...inv, amountPaid: inv.amountPaid + Math.floor((inv.amount - inv.amountPaid) / 2), updatedAt: '2026-03-04T09:00:00Z' }));
  for (const inv of pool.slice(8, 14)) for (const doc of creditNote(inv, Math.floor(inv.amount / 3))) await put(doc);
  for (const inv of pool.slice(14, 19)) await put(Invoice.parse({ ...inv, dueDate: addDays(inv.dueDate, 45), updatedAt: '2026-03-05T09:00:00Z' }));
  for (const inv of pool.slice(19, 22)) await put(Invoice.parse({ ...inv, currency: 'RON', revision: inv.revision + 1, updatedAt: '2026-03-05T09:00:00Z' }));
  for (const inv of pool.slice(22, 27)) await put(Invoice.parse({ ...inv, status: 'paid', amountPaid: inv.amount, updatedAt: '2026-03-06T09:00:00Z' }));
  for (const inv of pool.slice(27, 29)) await put(Invoice.parse({ ...inv, status: 'written_off', updatedAt: '2026-03-06T09:00:00Z' }));
  // Corrected issue dates: into the DSO period and out of it (the issue is filed again under the new day).
  for (const [k, inv] of pool.slice(31, 37).entries()) await put(Invoice.parse({ ...inv, issueDate: addDays(TODAY, k % 2 === 0 ? -10 : -150), revision: inv.revision + 1, updatedAt: '2026-03-05T10:00:00Z' }));
  for (const inv of pool.slice(29, 31)) {
    invoices.delete(inv.invoiceId);
    await store.doc.send(new DeleteCommand({ TableName: store.name, Key: keys.invoice(T, inv.invoiceId) }));
  }
  await settle();
}, 240_000);

describe('the histogram kept by the table stream', () => {
  it('gives the buckets and DSO of the per-invoice report over a mixed portfolio', async () => {
    const want = await fromInvoices();
    // A portfolio worth comparing: three currencies, several buckets, invoices left out for every reason.
    expect(want.totals.map((t) => t.currency)).toEqual(['EUR', 'RON', 'USD']);
    expect(want.totals.flatMap((t) => Object.values(t.buckets)).filter((v) => v > 0).length).toBeGreaterThan(6);
    expect(want.dso.some((d) => d.creditSales > 0)).toBe(true);
    expect(await fromDays()).toEqual(want);
  });

  it('answers the same figures at GET /v1/reports/ageing/summary as the full report gives', async () => {
    const api = adminApiHandler(T);
    const [summary, full] = await Promise.all([callApi(api, { method: 'GET', path: '/v1/reports/ageing/summary' }), callApi(api, { method: 'GET', path: '/v1/reports/ageing' })]);
    expect([summary.status, full.status]).toEqual([200, 200]);
    expect(summary.body.totals).toEqual(full.body.totals);
    expect(summary.body.dso.currencies).toEqual(full.body.dso.currencies);
    expect(summary.body.today).toBe(full.body.today);
  });

  it('holds one day item per currency and due day still owed on, with the invoices and amount of that day', async () => {
    const want = new Map<string, { amount: number; invoices: number }>();
    for (const i of invoices.values()) {
      const due = i.amount - i.amountPaid - (i.settledDifference?.amount ?? 0);
      if (!['open', 'promised', 'disputed', 'paused', 'payment_claimed'].includes(i.status) || due <= 0) continue;
      const d = want.get(`${i.currency}#${i.dueDate}`) ?? { amount: 0, invoices: 0 };
      d.amount += due;
      d.invoices += 1;
      want.set(`${i.currency}#${i.dueDate}`, d);
    }
    const held = (await dayItems()).filter((d) => d.invoices !== 0 || d.amount !== 0);
    expect(new Map(held.map((d) => [`${d.currency}#${d.dueDate}`, { amount: d.amount, invoices: d.invoices }]))).toEqual(want);
  });

  it('holds the credit sales of each issue day as the activity feed adds them up', async () => {
    const feed = await store.reports.activity(T, '2025-01-01', '2026-12-31');
    expect(feed.filter((a) => a.kind === 'issued').length).toBeGreaterThan(90);
    expect(await salesDayItems()).toEqual(order(salesDaysOf(feed)));
  });

  it('stays exact when every batch is delivered again (retries, a batch resumed from a failed record)', async () => {
    const before = await dayItems();
    const salesBefore = await salesDayItems();
    for (const event of delivered.slice()) expect((await run(event)).batchItemFailures).toEqual([]);
    expect(await salesDayItems()).toEqual(salesBefore);
    // Older records after newer ones: the first batches again, alone.
    await run(delivered[0]!);
    expect(await dayItems()).toEqual(before);
    // The feed files the older image's issue again (its amount before a credit note): the sales days follow the feed exactly.
    expect(await salesDayItems()).toEqual(order(salesDaysOf(await store.reports.activity(T, '2025-01-01', '2026-12-31'))));
    expect(await fromDays()).toEqual(await fromInvoices());
  });

  it('adds two batches delivered at once on the same day exactly (atomic ADD, no lost update)', async () => {
    mode = 'hold';
    held.length = 0;
    const sameDay = Array.from({ length: 24 }, () => newInvoice({ status: 'open', amountPaid: 0, currency: 'EUR', issueDate: '2026-01-02', dueDate: '2026-01-20' }));
    for (const inv of sameDay) await put(inv);
    await settle();
    mode = 'run';
    const records = held.flatMap((e) => e.Records);
    expect(records).toHaveLength(24);
    const before = (await ageingDays.days(T)).find((d) => d.currency === 'EUR' && d.dueDate === '2026-01-20');
    const salesOf = async () => (await store.reports.salesDays(T, '2026-01-02', '2026-01-02')).find((d) => d.currency === 'EUR');
    const salesBefore = await salesOf();
    const halves = [records.filter((_, i) => i % 2 === 0), records.filter((_, i) => i % 2 === 1)];
    const outs = await Promise.all(halves.map((Records) => run({ Records })));
    expect(outs.flatMap((o) => o.batchItemFailures)).toEqual([]);
    const after = (await ageingDays.days(T)).find((d) => d.currency === 'EUR' && d.dueDate === '2026-01-20')!;
    expect(after.amount - (before?.amount ?? 0)).toBe(sameDay.reduce((s, i) => s + i.amount, 0));
    expect(after.invoices - (before?.invoices ?? 0)).toBe(24);
    const salesAfter = (await salesOf())!;
    expect([salesAfter.amount - (salesBefore?.amount ?? 0), salesAfter.invoices - (salesBefore?.invoices ?? 0)]).toEqual([sameDay.reduce((s, i) => s + i.amount, 0), 24]);
    expect(await fromDays()).toEqual(await fromInvoices());
  });
});

describe('the repair', () => {
  it('replaces a damaged histogram exactly: wrong days, a day of nothing, lost shares, changes the stream never delivered', async () => {
    const [first, second] = await ageingDays.days(T);
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.ageingDay(T, first!.currency, first!.dueDate), entity: 'ageDay', tenantId: T, currency: first!.currency, dueDate: first!.dueDate, amount: first!.amount + 777, invoices: first!.invoices + 1, writes: first!.writes + 1 } }));
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.ageingDay(T, 'GBP', '2026-01-01'), entity: 'ageDay', tenantId: T, currency: 'GBP', dueDate: '2026-01-01', amount: 5_000, invoices: 1, writes: 1 } }));
    const someOpen = [...invoices.values()].find((i) => i.status === 'open' && i.currency === second!.currency && i.dueDate === second!.dueDate && i.amountPaid < i.amount);
    if (someOpen) await store.doc.send(new DeleteCommand({ TableName: store.name, Key: keys.ageingShare(T, someOpen.invoiceId) }));
    // Changes the stream holds back (never delivered to the histogram).
    mode = 'hold';
    for (const inv of [...invoices.values()].filter((i) => i.status === 'open').slice(0, 4)) await put(Invoice.parse({ ...inv, status: 'paid', amountPaid: inv.amount }));
    for (let i = 0; i < 3; i++) await put(newInvoice({ status: 'open', amountPaid: 0, currency: 'USD' }));
    await settle();
    mode = 'run';
    expect(await fromDays()).not.toEqual(await fromInvoices());

    const out = await rebuildAgeingDays({ ageingDays, ...silent }, { tenantId: T });
    expect(out.daysUnsettled).toBe(0);
    expect(out.sharesReplaced).toBeGreaterThanOrEqual(7);
    expect(await fromDays()).toEqual(await fromInvoices());
    expect((await ageingDays.days(T)).some((d) => d.currency === 'GBP')).toBe(false);

    // The held records arrive late: already in the shares the repair wrote, they leave the days as they are.
    const repaired = await dayItems();
    for (const event of held) await run(event);
    expect(await dayItems()).toEqual(repaired);
    // A second rebuild finds nothing to do.
    expect(await rebuildAgeingDays({ ageingDays, ...silent }, { tenantId: T })).toMatchObject({ sharesReplaced: 0, daysReplaced: 0 });
  });

  it('ends exact when the stream keeps writing during the rebuild', async () => {
    const changes = (async () => {
      for (const inv of [...invoices.values()].filter((i) => i.status === 'open').slice(0, 12)) {
        await put(Invoice.parse({ ...inv, amountPaid: inv.amountPaid + 1, dueDate: addDays(inv.dueDate, 7) }));
        await put(newInvoice({ status: 'open', amountPaid: 0 }));
        await poller.pollOnce();
      }
    })();
    const out = await rebuildAgeingDays({ ageingDays, ...silent }, { tenantId: T });
    await changes;
    await settle();
    expect(out.daysUnsettled).toBe(0);
    expect(await fromDays()).toEqual(await fromInvoices());
  });
});
