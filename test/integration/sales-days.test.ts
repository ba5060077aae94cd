/**
 * Credit sales by issue day on DynamoDB Local, through the activity feed's real writer
 * (DynamoReports.recordActivity / forgetActivity): the day items stay the feed's issued items added
 * up whatever the writes (replays, lowered amounts, a corrected currency, a moved issue date,
 * concurrent writers of one day and of one item), the DSO's credit sales read from them are the
 * ones the feed gives, and the repair rebuilds them exactly, also with writes landing inside its
 * rounds.
 */
import { describe, expect, it } from 'vitest';
import { PutCommand, DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { useLocalTable } from '../support/dynamo.js';
import { silent } from '../support/timeline-deps.js';
import { dynamoRepositories } from '../../lambdas/adapters/dynamo-repositories.js';
import { DynamoSalesDays } from '../../lambdas/adapters/dynamo-sales-days.js';
import { batchPut } from '../../lambdas/adapters/dynamo/batch.js';
import { activityToItem } from '../../lambdas/adapters/dynamo/items.js';
import { keys } from '../../lambdas/adapters/dynamo/keys.js';
import { rebuildSalesDays, salesRebuildRange } from '../../lambdas/app/reports/rebuild-sales-days.js';
import type { SalesDayStore } from '../../lambdas/app/ports/sales-days.js';
import { activityId, type ActivityItem, type IssuedActivity } from '../../lambdas/domain/reports/activity.js';
import { creditSalesOf } from '../../lambdas/domain/reports/ageing-days.js';
import { creditSalesFromDays, salesDaysOf, type SalesDay } from '../../lambdas/domain/reports/sales-days.js';
import { addDays } from '../../lambdas/domain/shared/days.js';

await useLocalTable();
const store = dynamoRepositories();
const sales = new DynamoSalesDays(store);
const TODAY = '2026-03-09';
const ALL = { from: '2025-06-01', to: '2026-12-31' };

const issued = (tenantId: string, invoiceId: string, date: string, amount: number, currency = 'EUR'): IssuedActivity => ({
  tenantId,
  invoiceId,
  number: `2026/${invoiceId}`,
  customerId: 'C-1',
  dueDate: addDays(date, 30),
  kind: 'issued',
  date,
  amount,
  currency,
});
const order = (days: SalesDay[]) => [...days].sort((a, b) => `${a.date}${a.currency}`.localeCompare(`${b.date}${b.currency}`));
/** The day items as stored, without their counters (and without days left at nothing). */
const stored = async (t: string) => order((await sales.days(t, ALL.from, ALL.to)).filter((d) => d.invoices !== 0 || d.amount !== 0).map(({ writes: _w, ...d }) => d));
/** What they must hold: the feed's issued items added up. */
const fromFeed = async (t: string) => order(salesDaysOf(await store.reports.activity(t, ALL.from, ALL.to)));

describe('the writer of the feed', () => {
  it('keeps each day the sum of its issued items: new, replayed, lowered, moved to another currency or day, and forgotten issues', async () => {
    const T = 'sales-writes';
    const first = [issued(T, 'A', '2026-03-02', 10_000), issued(T, 'B', '2026-03-02', 4_000), issued(T, 'C', '2026-03-03', 700, 'RON')];
    await store.reports.recordActivity(first);
    // A replayed stream record, twice: the same items again.
    await store.reports.recordActivity(first);
    await store.reports.recordActivity(first.slice(0, 1));
    expect(await stored(T)).toEqual([
      { currency: 'EUR', date: '2026-03-02', amount: 14_000, invoices: 2 },
      { currency: 'RON', date: '2026-03-03', amount: 700, invoices: 1 },
    ]);

    // A credit note lowers A; B's currency is corrected; C's issue date moves (written at the new date, forgotten at the old).
    await store.reports.recordActivity([issued(T, 'A', '2026-03-02', 6_500)]);
    await store.reports.recordActivity([issued(T, 'B', '2026-03-02', 4_000, 'USD')]);
    await store.reports.recordActivity([issued(T, 'C', '2026-03-05', 700, 'RON')]);
    await store.reports.forgetActivity(T, '2026-03-03', activityId(first[2]!));
    // What else the feed holds moves nothing, and forgetting it touches no day.
    const payment: ActivityItem = { ...issued(T, 'A', '2026-03-04', 3_000), kind: 'collected', paymentId: 'p1', valueDate: '2026-03-04', afterStage: 'none', policy: 'standard' };
    await store.reports.recordActivity([payment]);
    await store.reports.forgetActivity(T, '2026-03-04', activityId(payment));
    // Forgetting what is gone already changes nothing.
    await store.reports.forgetActivity(T, '2026-03-03', activityId(first[2]!));

    expect(await stored(T)).toEqual([
      { currency: 'EUR', date: '2026-03-02', amount: 6_500, invoices: 1 },
      { currency: 'USD', date: '2026-03-02', amount: 4_000, invoices: 1 },
      { currency: 'RON', date: '2026-03-05', amount: 700, invoices: 1 },
    ]);
    expect(await stored(T)).toEqual(await fromFeed(T));
    expect((await store.reports.activity(T, ALL.from, ALL.to)).map((a) => `${a.kind}:${a.invoiceId}:${a.date}:${a.amount}`).sort()).toEqual([
      'issued:A:2026-03-02:6500',
      'issued:B:2026-03-02:4000',
      'issued:C:2026-03-05:700',
    ]);
  });

  it('adds concurrent issues of one day exactly, and ends with what the last write of a contested item says', async () => {
    const T = 'sales-concurrent';
    const day = '2026-02-20';
    const many = Array.from({ length: 30 }, (_, i) => issued(T, `N${i}`, day, 1_000 + i * 7));
    // Three writers side by side on the same day item (TransactionConflict is retried), each issue written twice.
    const lanes = [0, 1, 2].map(async (lane) => {
      for (const a of many.filter((_, i) => i % 3 === lane)) await store.reports.recordActivity([a]);
      for (const a of many.filter((_, i) => i % 3 === lane)) await store.reports.recordActivity([a]);
    });
    // Three writers rewriting one item with different amounts at once: whichever lands last, the day follows the item.
    const contested = [5_000, 6_000, 7_000].map((amount) => store.reports.recordActivity([issued(T, 'X', day, amount)]));
    await Promise.all([...lanes, ...contested]);

    const [total] = await stored(T);
    const x = (await store.reports.activity(T, day, day)).find((a) => a.invoiceId === 'X')!;
    expect(total).toEqual({ currency: 'EUR', date: day, amount: many.reduce((s, a) => s + a.amount, 0) + x.amount, invoices: 31 });
  });

  it('gives the DSO period the credit sales the feed gives, from at most period × currencies items', async () => {
    const T = 'sales-period';
    const from = addDays(TODAY, -89);
    await store.reports.recordActivity([
      issued(T, 'IN1', from, 50_000),
      issued(T, 'IN2', TODAY, 40_000),
      issued(T, 'IN3', '2026-03-01', 4_000, 'GBP'),
      issued(T, 'OUT1', addDays(from, -1), 99_999),
      issued(T, 'OUT2', addDays(TODAY, 1), 11_111),
      issued(T, 'ZERO', '2026-02-01', 0, 'RON'),
    ]);
    const days = await store.reports.salesDays(T, from, TODAY);
    expect(days).toHaveLength(4);
    const want = creditSalesOf(await store.reports.activity(T, from, TODAY), TODAY, 90);
    expect(creditSalesFromDays(days, TODAY, 90)).toEqual(want);
    expect(want).toEqual(new Map([['EUR', 90_000], ['GBP', 4_000], ['RON', 0]]));
  });
});

describe('the repair', () => {
  const T = 'sales-repair';
  const range = salesRebuildRange(TODAY);

  /** A damaged tenant: issues from before the sales days (plain puts), a wrong day, a lost day, a day of nothing real. */
  const damage = async () => {
    await store.reports.recordActivity([issued(T, 'R1', '2026-03-01', 10_000), issued(T, 'R2', '2026-03-01', 2_000), issued(T, 'R3', '2026-02-10', 3_000, 'RON'), issued(T, 'R4', '2026-01-15', 8_000)]);
    await batchPut(store, [issued(T, 'OLD1', '2026-02-11', 1_500), issued(T, 'OLD2', '2026-02-11', 2_500), issued(T, 'OLD3', '2026-03-08', 900, 'USD')].map(activityToItem));
    const wrong = (await sales.days(T, '2026-03-01', '2026-03-01'))[0]!;
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.salesDay(T, '2026-03-01', 'EUR'), entity: 'salesDay', tenantId: T, currency: 'EUR', date: '2026-03-01', amount: 99_000, invoices: 5, writes: wrong.writes + 1 } }));
    await store.doc.send(new DeleteCommand({ TableName: store.name, Key: keys.salesDay(T, '2026-02-10', 'RON') }));
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.salesDay(T, '2026-02-12', 'GBP'), entity: 'salesDay', tenantId: T, currency: 'GBP', date: '2026-02-12', amount: 5_000, invoices: 1, writes: 1 } }));
    // Before the range: left as it is.
    await store.doc.send(new PutCommand({ TableName: store.name, Item: { ...keys.salesDay(T, '2025-10-01', 'EUR'), entity: 'salesDay', tenantId: T, currency: 'EUR', date: '2025-10-01', amount: 1, invoices: 1, writes: 1 } }));
  };

  it('replaces damaged days exactly within its range, and finds nothing to do the second time', async () => {
    await damage();
    expect(await stored(T)).not.toEqual(await fromFeed(T));
    const out = await rebuildSalesDays({ salesDays: sales, ...silent }, { tenantId: T, ...range });
    expect(out).toMatchObject({ from: '2025-12-09', to: '2027-03-10', daysUnsettled: 0, daysReplaced: 5 });
    const outside = { currency: 'EUR', date: '2025-10-01', amount: 1, invoices: 1 };
    expect(await stored(T)).toEqual(order([...(await fromFeed(T)), outside]));
    expect(await rebuildSalesDays({ salesDays: sales, ...silent }, { tenantId: T, ...range })).toMatchObject({ daysReplaced: 0, daysUnsettled: 0 });
    // The writer carries on from the repaired days.
    await store.reports.recordActivity([issued(T, 'R5', '2026-03-01', 1_000)]);
    await store.reports.forgetActivity(T, '2026-02-11', activityId(issued(T, 'OLD1', '2026-02-11', 1_500)));
    expect(await stored(T)).toEqual(order([...(await fromFeed(T)), outside]));
  });

  it('leaves a day written between its two reads, or before its replacement, to the next round, and ends exact', async () => {
    const R = 'sales-race';
    await store.reports.recordActivity([issued(R, 'A', '2026-03-01', 10_000), issued(R, 'B', '2026-03-02', 2_000), issued(R, 'C', '2026-03-03', 3_000)]);
    await batchPut(store, [issued(R, 'OLD1', '2026-03-01', 500), issued(R, 'OLD2', '2026-03-02', 600), issued(R, 'OLD3', '2026-03-03', 700)].map(activityToItem));
    // The real store, with the writer's writes landing at chosen moments of the first round.
    let dayReads = 0;
    let issuedReads = 0;
    const racing: SalesDayStore = {
      days: async (...args) => {
        const out = await sales.days(...args);
        // After the first round's second read of the days, before any replacement: 3 March gains an issue.
        if (++dayReads === 2) await store.reports.recordActivity([issued(R, 'D', '2026-03-03', 40)]);
        return out;
      },
      issued: async (...args) => {
        const out = await sales.issued(...args);
        // Between the first round's two reads of the days: 1 March's A is lowered, 2 March's B forgotten.
        if (++issuedReads === 1) {
          await store.reports.recordActivity([issued(R, 'A', '2026-03-01', 9_000)]);
          await store.reports.forgetActivity(R, '2026-03-02', activityId(issued(R, 'B', '2026-03-02', 2_000)));
        }
        return out;
      },
      setDay: (...args) => sales.setDay(...args),
    };
    const out = await rebuildSalesDays({ salesDays: racing, ...silent }, { tenantId: R, ...range });
    expect(issuedReads).toBeGreaterThanOrEqual(2);
    expect(out).toMatchObject({ daysUnsettled: 0, daysReplaced: 3 });
    expect(await stored(R)).toEqual(await fromFeed(R));
    expect(await stored(R)).toEqual([
      { currency: 'EUR', date: '2026-03-01', amount: 9_500, invoices: 2 },
      { currency: 'EUR', date: '2026-03-02', amount: 600, invoices: 1 },
      { currency: 'EUR', date: '2026-03-03', amount: 3_740, invoices: 3 },
    ]);
  });
});
