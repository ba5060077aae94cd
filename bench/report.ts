/**
 * The weekly ageing report at 10,000 and 100,000 open invoices, against DynamoDB Local: the
 * product's read path (the sparse open-by-due index gsi1, four shards in parallel, plus the
 * activity feed, call queues and customers) beside a Scan-based baseline that computes the same
 * report from a parallel Scan of the table (4 segments, filtered to chaseable invoices). Both in
 * the same run, on the same table, best of two runs each.
 *
 * The table holds what use leaves behind: for every open invoice half a paid one and a contact-log
 * entry (so the Scan reads 2.5 items per open invoice; the index reads one), and an activity feed
 * with as many invoices issued in the 90 days of the DSO period as there are open invoices (a
 * company with 100,000 open invoices issues on that order in a quarter), plus a week of payments
 * and promises. Best of two runs at 10,000, one run at 100,000.
 *
 * Then the buckets and today's DSO alone, three ways on the same table: from the ageing histogram
 * and the sales days (built here by the repair as it would backfill an existing table), from the
 * open index and the period's feed (the path before the histogram), and from the Scan and the
 * same feed. The three must give the same figures; each line prints items read and
 * time, and the ratio against the target of 20x the Scan's time. Last, what the feed's writer pays
 * per stream record for keeping the sales days, beside the plain write it made before.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startDynamo, ensureTable, localCredentials } from '../local/services/dynamodb.js';
import { ACTIVE_STATUSES, Customer, Invoice, Tenant, type ContactEvent } from '../lambdas/domain/model.js';
import { buildAgeingReport } from '../lambdas/domain/reports/report.js';
import { customersCsv, invoicesCsv } from '../lambdas/domain/reports/report-csv.js';
import { renderReportEmail } from '../lambdas/domain/reports/report-email.js';
import type { ActivityItem } from '../lambdas/domain/reports/activity.js';
import { addDays, localDay } from '../lambdas/domain/shared/days.js';
import { creditSalesOf, daysOf, dsoRows, receivablesFromDays, shareOf, totalsFromDays } from '../lambdas/domain/reports/ageing-days.js';
import { DSO_PERIOD_DAYS } from '../lambdas/domain/reports/report.js';

const T = 'bench';
const NOW = new Date('2026-03-09T07:00:00Z');
const CUSTOMERS = 500;
/** BENCH_REPORT_SIZES=1000,5000 for a quick look. */
const SIZES = (process.env.BENCH_REPORT_SIZES ?? '10000,100000').split(',').map(Number);
const WRITE_CONCURRENCY = 24;

type Item = Record<string, unknown>;

export const benchReport = async (): Promise<string[]> => {
  const dynamo = await startDynamo();
  const table = `bench-report-${randomUUID().slice(0, 8)}`;
  try {
    await ensureTable(dynamo.endpoint, table);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'eu-south-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      TABLE_NAME: table,
    });
    // Imported after the environment is set: the shared client reads it once.
    const { dynamoRepositories } = await import('../lambdas/adapters/dynamo-repositories.js');
    const { batchPut } = await import('../lambdas/adapters/dynamo/batch.js');
    const { DynamoReports } = await import('../lambdas/adapters/dynamo-reports.js');
    const { customerToItem, eventToItem, invoiceToItem, itemToInvoice, tenantToItem } = await import('../lambdas/adapters/dynamo/items.js');
    const { keys } = await import('../lambdas/adapters/dynamo/keys.js');
    const { activityId } = await import('../lambdas/domain/reports/activity.js');
    const { DynamoAgeingDays } = await import('../lambdas/adapters/dynamo-ageing-days.js');
    const { ageingSummary } = await import('../lambdas/app/reports/ageing-summary.js');
    const { rebuildAgeingDays } = await import('../lambdas/app/reports/rebuild-ageing-days.js');
    const { rebuildSalesDays, salesRebuildRange } = await import('../lambdas/app/reports/rebuild-sales-days.js');
    const { DynamoSalesDays } = await import('../lambdas/adapters/dynamo-sales-days.js');
    const store = dynamoRepositories();

    const writeAll = async (items: Item[]) => {
      let next = 0;
      const worker = async () => {
        for (;;) {
          const start = next;
          next += 25;
          if (start >= items.length) return;
          let pending: Item[] = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
          while (pending.length > 0) {
            const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending as never } }));
            pending = (out.UnprocessedItems?.[table] as Item[] | undefined) ?? [];
          }
        }
      };
      await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));
    };

    const tenant = Tenant.parse({
      tenantId: T,
      name: 'Bench S.r.l.',
      email: 'crediti@bench.example',
      iban: 'IT60X0542811101000000123456',
      country: 'IT',
      timeZone: 'Europe/Rome',
      defaultPolicy: 'standard',
      financeInboxes: ['finance@bench.example'],
    });
    const customerItems = Array.from({ length: CUSTOMERS }, (_, i) =>
      customerToItem(Customer.parse({ tenantId: T, customerId: `C${i}`, name: `Customer ${i} S.p.A.`, country: 'IT', language: 'it', timeZone: 'Europe/Rome' })),
    );
    await writeAll([tenantToItem(tenant), ...customerItems]);
    // A week of activity: 300 payments and 100 promises.
    const activity: ActivityItem[] = Array.from({ length: 400 }, (_, i) => {
      const base = { tenantId: T, invoiceId: `P${i}`, number: `P/${i}`, customerId: `C${i % CUSTOMERS}`, dueDate: '2026-02-01', currency: 'EUR', amount: 10_000 + i, date: addDays('2026-03-02', i % 7) };
      return i < 300
        ? { ...base, kind: 'collected', paymentId: `p${i}`, valueDate: base.date, afterStage: 'firstOverdue', policy: 'standard' }
        : { ...base, kind: 'promised', promiseDate: '2026-03-20', instalment: false };
    });
    await writeAll(activity.map((a) => ({ ...keys.activity(T, a.date, activityId(a)), entity: 'activity', ...a })));

    const today = localDay(NOW, tenant.timeZone);
    /** An invoice issued in the DSO period, as the feed files it: the period's days evenly, a tenth of each day's in RON. */
    const issuedInPeriod = (tenantId: string, n: number): ActivityItem => ({
      tenantId,
      invoiceId: `S${n}`,
      number: `S/${n}`,
      customerId: `C${n % CUSTOMERS}`,
      dueDate: addDays(today, 30 - (n % DSO_PERIOD_DAYS)),
      kind: 'issued',
      date: addDays(today, -(n % DSO_PERIOD_DAYS)),
      currency: Math.floor(n / DSO_PERIOD_DAYS) % 10 === 0 ? 'RON' : 'EUR',
      amount: 10_000 + (n % 5000) * 37,
    });

    let loaded = 0;
    const load = async (upTo: number) => {
      const items: Item[] = [];
      for (let n = loaded; n < upTo; n++) {
        const sale = issuedInPeriod(T, n);
        items.push({ ...keys.activity(T, sale.date, activityId(sale)), entity: 'activity', ...sale });
        const common = {
          tenantId: T,
          customerId: `C${n % CUSTOMERS}`,
          issueDate: addDays('2025-09-01', n % 180),
          currency: n % 10 === 0 ? 'RON' : 'EUR',
          amount: 10_000 + (n % 5000) * 37,
          createdAt: '2025-09-01T08:00:00Z',
          updatedAt: '2026-03-01T08:00:00Z',
        };
        const open = Invoice.parse({ ...common, invoiceId: `O${n}`, number: `O/${n}`, dueDate: addDays('2025-10-01', n % 200), status: ACTIVE_STATUSES[n % 3 === 0 ? 1 : 0] });
        items.push(invoiceToItem(open));
        if (n % 2 === 0) {
          items.push(invoiceToItem(Invoice.parse({ ...common, invoiceId: `X${n}`, number: `X/${n}`, dueDate: addDays('2025-09-01', n % 150), status: 'paid', amountPaid: common.amount })));
        }
        const e: ContactEvent = { tenantId: T, invoiceId: open.invoiceId, eventId: 'e0', at: '2026-02-01T08:00:00Z', type: 'message', channel: 'email', actor: 'system', stage: 'dueDate', outcome: 'sent' };
        items.push(eventToItem(e));
      }
      const t = performance.now();
      await writeAll(items);
      const seconds = (performance.now() - t) / 1000;
      loaded = upTo;
      return { items: items.length, seconds };
    };

    /** The baseline: the same report, the open invoices found by a parallel Scan of the whole table. */
    class ScanReportReader extends DynamoReports {
      override async openInvoices(tenantId: string, _today?: string): Promise<Invoice[]> {
        const segments = await Promise.all(
          Array.from({ length: 4 }, async (_, segment) => {
            const out: Item[] = [];
            let start: Item | undefined;
            do {
              const page = await store.doc.send(
                new ScanCommand({
                  TableName: table,
                  Segment: segment,
                  TotalSegments: 4,
                  FilterExpression: 'entity = :inv AND tenantId = :t AND #s IN (:s0, :s1, :s2, :s3, :s4)',
                  ExpressionAttributeNames: { '#s': 'status' },
                  ExpressionAttributeValues: { ':inv': 'invoice', ':t': tenantId, ...Object.fromEntries(ACTIVE_STATUSES.map((s, i) => [`:s${i}`, s])) },
                  ...(start ? { ExclusiveStartKey: start } : {}),
                }),
              );
              out.push(...(page.Items ?? []));
              start = page.LastEvaluatedKey;
            } while (start);
            return out;
          }),
        );
        return segments.flat().map(itemToInvoice);
      }
    }

    // Items DynamoDB examined per Query and Scan: what a read costs in AWS (read units follow items × size).
    let examined = 0;
    store.doc.middlewareStack.add(
      (next) => async (args) => {
        const out = await next(args);
        const body = out.output as { ScannedCount?: number };
        examined += body.ScannedCount ?? 0;
        return out;
      },
      { step: 'initialize', name: 'countExaminedItems' },
    );

    const timeReport = async (reader: InstanceType<typeof DynamoReports>, runs: number) => {
      let best = Infinity;
      let open = 0;
      let items = 0;
      for (let run = 0; run < runs; run++) {
        examined = 0;
        const t = performance.now();
        const data = await reader.reportInput(tenant, NOW);
        const report = buildAgeingReport(data);
        renderReportEmail(report, 'it');
        customersCsv(report, 'it');
        invoicesCsv(data.open, data.customers, report.today, 'it');
        best = Math.min(best, performance.now() - t);
        open = data.open.length;
        items = examined;
      }
      return { ms: best, open, items };
    };

    const ageingDays = new DynamoAgeingDays(store);
    const salesDays = new DynamoSalesDays(store);
    const quiet = () => undefined;
    const observability = { logger: { debug: quiet, info: quiet, warn: quiet, error: quiet }, count: quiet };
    /** Buckets and today's DSO from a list of open invoices (the index's or the Scan's), by the report's formulas. */
    const summaryOf = async (open: Invoice[]) => {
      const days = daysOf(open.flatMap((i) => shareOf(i) ?? []));
      const activity = await store.reports.activity(T, addDays(today, -(DSO_PERIOD_DAYS - 1)), today);
      return { totals: totalsFromDays(days, today), dso: dsoRows(receivablesFromDays(days), creditSalesOf(activity, today, DSO_PERIOD_DAYS), DSO_PERIOD_DAYS) };
    };
    const timeSummary = async (read: () => Promise<{ totals: unknown; dso: unknown }>, runs: number) => {
      let best = Infinity;
      let items = 0;
      let figures: unknown;
      for (let r = 0; r < runs; r++) {
        examined = 0;
        const t = performance.now();
        figures = await read();
        best = Math.min(best, performance.now() - t);
        items = examined;
      }
      return { ms: best, items, figures: JSON.stringify(figures) };
    };
    const scanReader = new ScanReportReader(store);

    const lines: string[] = [];
    const n = (x: number) => x.toLocaleString('en');
    for (const size of SIZES) {
      const l = await load(size);
      lines.push(`table loaded to ${size.toLocaleString('en')} open invoices: +${l.items.toLocaleString('en')} items in ${l.seconds.toFixed(1)} s (BatchWriteItem, ${WRITE_CONCURRENCY} in parallel)`);
      const runs = size <= 10_000 ? 2 : 1;
      const index = await timeReport(store.reports, runs);
      const scan = await timeReport(new ScanReportReader(store), runs);
      if (index.open !== size || scan.open !== size) throw new Error(`report read ${index.open} (index) / ${scan.open} (scan) open invoices, expected ${size}`);
      lines.push(
        `ageing report, ${n(size)} open invoices: ${(index.ms / 1000).toFixed(2)} s, ${n(index.items)} items read via the sparse index (gsi1, 4 shards) | baseline ${(scan.ms / 1000).toFixed(2)} s, ${n(scan.items)} items read via a parallel Scan (4 segments) | ${(scan.ms / index.ms).toFixed(1)}x time, ${(scan.items / index.items).toFixed(1)}x items`,
      );

      // The histogram, backfilled by the repair (the bench loads the table without the stream).
      const r0 = performance.now();
      const rebuilt = await rebuildAgeingDays({ ageingDays, ...observability }, { tenantId: T });
      lines.push(
        `ageing histogram rebuilt from ${n(rebuilt.invoices)} invoices: ${n(rebuilt.sharesReplaced)} shares and ${n(rebuilt.daysReplaced)} day items written in ${((performance.now() - r0) / 1000).toFixed(1)} s (repair: consistent Scan, conditional puts)`,
      );
      const s0 = performance.now();
      const salesRebuilt = await rebuildSalesDays({ salesDays, ...observability }, { tenantId: T, ...salesRebuildRange(today) });
      lines.push(
        `sales days rebuilt from the feed's issued items (${salesRebuilt.from} to ${salesRebuilt.to}): ${n(salesRebuilt.daysReplaced)} day items written in ${((performance.now() - s0) / 1000).toFixed(1)} s (repair: consistent Queries of the activity months, conditional puts)`,
      );
      const fromDays = await timeSummary(async () => {
        const s = await ageingSummary({ ageingDays, reports: store.reports }, tenant, NOW);
        return { totals: s.totals, dso: s.dso.currencies };
      }, 3);
      const daysRead = (await ageingDays.days(T)).length;
      const salesRead = (await store.reports.salesDays(T, addDays(today, -(DSO_PERIOD_DAYS - 1)), today)).length;
      const fromIndex = await timeSummary(async () => summaryOf(await store.reports.openInvoices(T, today)), runs);
      const fromScan = await timeSummary(async () => summaryOf(await scanReader.openInvoices(T)), runs);
      if (fromDays.figures !== fromIndex.figures || fromIndex.figures !== fromScan.figures) throw new Error(`buckets and DSO differ: days ${fromDays.figures} | index ${fromIndex.figures} | scan ${fromScan.figures}`);
      const x = fromScan.ms / fromDays.ms;
      lines.push(
        `ageing buckets + DSO, ${n(size)} open invoices (same figures three ways): histogram ${(fromDays.ms / 1000).toFixed(3)} s, ${n(fromDays.items)} items read (${n(daysRead)} due-day items + ${n(salesRead)} sales-day items) | open index + the period's feed ${(fromIndex.ms / 1000).toFixed(2)} s, ${n(fromIndex.items)} items | Scan + the period's feed ${(fromScan.ms / 1000).toFixed(2)} s, ${n(fromScan.items)} items | histogram vs Scan ${x.toFixed(1)}x time (target 20x: ${x >= 20 ? 'met' : 'NOT met'}), vs index ${(fromIndex.ms / fromDays.ms).toFixed(1)}x time, ${(fromScan.items / fromDays.items).toFixed(0)}x fewer items than the Scan`,
      );
    }

    // What keeping the sales days costs the feed's writer: the same issued items, for other tenants, one
    // write per stream record as the stream makes them, a few shards side by side: through the writer, and
    // as the writer did before (a BatchWriteItem of the one item).
    const WRITES = 1_000;
    const SHARDS = 4;
    const sample = (tenantId: string) => Array.from({ length: WRITES }, (_, i) => issuedInPeriod(tenantId, i));
    const perRecord = async (items: ActivityItem[], write: (a: ActivityItem) => Promise<unknown>) => {
      const t = performance.now();
      await Promise.all(Array.from({ length: SHARDS }, async (_, lane) => {
        for (const a of items.filter((_, i) => i % SHARDS === lane)) await write(a);
      }));
      return performance.now() - t;
    };
    const writerMs = await perRecord(sample('bench-writer'), (a) => store.reports.recordActivity([a]));
    const plainMs = await perRecord(sample('bench-plain'), (a) => batchPut(store, [{ ...keys.activity(a.tenantId, a.date, activityId(a)), entity: 'activity', ...a }]));
    const writerDays = await store.reports.salesDays('bench-writer', addDays(today, -(DSO_PERIOD_DAYS - 1)), today);
    if (writerDays.reduce((s, d) => s + d.invoices, 0) !== WRITES) throw new Error('the writer lost sales');
    lines.push(
      `feed writer, ${n(WRITES)} issued items, one per record, ${SHARDS} shards side by side: ${(writerMs / WRITES).toFixed(1)} ms per record with its sales day (a TransactWriteItems of the item and its day, ${n(writerDays.length)} days) | before: ${(plainMs / WRITES).toFixed(1)} ms per record (a BatchWriteItem of the item) | ${(writerMs / plainMs).toFixed(1)}x time`,
    );
    return lines;
  } finally {
    await dynamo.stop();
  }
};
