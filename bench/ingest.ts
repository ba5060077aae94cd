/**
 * Ingest benchmark: CSV files of 10,000 and 100,000 invoices, generated to a temp directory and
 * streamed through the production path (lambdas/handlers/ingest.ts `ingestFile`: csv-parse,
 * validation, batched BatchGet + conditional TransactWrite against DynamoDB Local), beside a naive
 * baseline measured in the same run: one row at a time, one PutItem and one StartExecution-like
 * HTTP round trip (to a trivial local server) per row, sequential. The baseline runs on 5,000
 * rows (its rate does not depend on the file's size, and 100,000 would take ten minutes).
 * A 5,000-row run warms DynamoDB Local's JVM and V8 first; the baseline runs right after it, so
 * neither side is measured cold. A last figure shows what DynamoDB Local sustains on its own
 * (BatchWriteItem of ready-made items): on a small machine that, not the pipeline, is the ceiling.
 * Peak RSS is sampled every 20 ms during each run; it should not grow with the file.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localCredentials, startDynamo } from '../local/services/dynamodb.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const CUSTOMERS = 200;
const TARGET_RATIO = 10;
const BASELINE_ROWS = 5_000;

const customerId = (i: number) => `C-${String(i % CUSTOMERS).padStart(4, '0')}`;

/** An Italian export: `;`, decimal comma, day-first dates; invoice numbers start with `prefix`. */
const writeCsv = async (path: string, rows: number, prefix: string): Promise<void> => {
  const out = createWriteStream(path);
  out.write('Numero fattura;Codice cliente;Data fattura;Data scadenza;Importo;Valuta;Riferimento pagamento\n');
  for (let i = 0; i < rows; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    const euros = 100 + ((i * 7919) % 99_900);
    const line = `${prefix}2026/${String(i).padStart(6, '0')};${customerId(i)};${day}/01/2026;${day}/03/2026;${euros.toLocaleString('it-IT')},${String(i % 100).padStart(2, '0')};EUR;RF18 ${i}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
};

class PeakRss {
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;
  start() {
    (globalThis as { gc?: () => void }).gc?.();
    this.peak = process.memoryUsage().rss;
    this.timer = setInterval(() => (this.peak = Math.max(this.peak, process.memoryUsage().rss)), 20);
  }
  stop(): number {
    clearInterval(this.timer);
    return Math.max(this.peak, process.memoryUsage().rss);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** A stand-in for Step Functions' StartExecution: one HTTP round trip, a JSON answer. */
const startExecutionServer = async (): Promise<{ url: string; server: Server }> => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ executionArn: 'arn:aws:states:eu-south-1:000000000000:execution:dunning:x', startDate: Date.now() / 1000 }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no address');
  return { url: `http://127.0.0.1:${addr.port}/`, server };
};

export async function benchIngest(): Promise<string[]> {
  const dynamo = await startDynamo();
  const dir = mkdtempSync(join(tmpdir(), 'sollecito-bench-ingest-'));
  const sfn = await startExecutionServer();
  try {
    Object.assign(process.env, {
      AWS_REGION: 'eu-south-1',
      AWS_ACCESS_KEY_ID: localCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: localCredentials.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      TABLE_NAME: 'bench-ingest',
    });
    await ensureTable(dynamo.endpoint, 'bench-ingest');
    // Imported once the environment points at DynamoDB Local (the SDK clients read it when built).
    const { ingestFile } = await import('../lambdas/handlers/ingest.js');
    const { DynamoIngest } = await import('../lambdas/adapters/dynamo-ingest.js');
    const { DynamoStore } = await import('../lambdas/adapters/dynamo-store.js');
    const { invoiceToItem } = await import('../lambdas/adapters/items.js');
    const { invoiceIdFor } = await import('../lambdas/domain/ingest-rules.js');
    const { keys } = await import('../lambdas/adapters/table.js');
    const store = new DynamoStore();

    const seedCustomers = async (tenantId: string) => {
      const ingest = new DynamoIngest(store.doc, store.table);
      const records = Array.from({ length: CUSTOMERS }, (_, i) => ({
        customerId: customerId(i),
        fields: { name: `Cliente ${i}`, country: 'IT', email: `ap${i}@cliente.example` },
      }));
      await ingest.upsertCustomers(records, { tenantId, now: new Date(), sourceKey: 'customers/bench.csv', defaults: { country: 'IT', timeZone: 'Europe/Rome' } });
    };
    const storedOpen = async (tenantId: string): Promise<number> => {
      let total = 0;
      for (const pk of keys.openShardKeys(tenantId)) {
        let start: Record<string, unknown> | undefined;
        do {
          const out = await store.doc.send(
            new QueryCommand({ TableName: store.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': pk }, Select: 'COUNT', ExclusiveStartKey: start }),
          );
          total += out.Count ?? 0;
          start = out.LastEvaluatedKey;
        } while (start);
      }
      return total;
    };

    const TENANT = 'bench';
    const phase = (name: string) => process.env.BENCH_VERBOSE && process.stderr.write(`${new Date().toISOString()} ${name}\n`);
    phase('seed');
    await seedCustomers(TENANT);
    const ours = async (rows: number, prefix: string) => {
      const path = join(dir, `invoices-${prefix}${rows}.csv`);
      await writeCsv(path, rows, prefix);
      const rss = new PeakRss();
      rss.start();
      const started = performance.now();
      const { summary, report } = await ingestFile({ key: `invoices/bench-${prefix}${rows}.csv`, size: statSync(path).size, body: createReadStream(path) }, { tenantId: TENANT, store });
      const ms = performance.now() - started;
      const peak = rss.stop();
      if (report.total > 0 || summary.invoices?.created !== rows) {
        throw new Error(`ingest of ${rows} rows: created ${summary.invoices?.created}, rejected ${report.total}`);
      }
      return { rows, ms, peak, size: statSync(path).size };
    };

    const naive = async (rows: number) => {
      const path = join(dir, `invoices-naive${rows}.csv`);
      await writeCsv(path, rows, 'N');
      const tenantId = 'bench-naive';
      const rss = new PeakRss();
      rss.start();
      const started = performance.now();
      const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
      let n = 0;
      for await (const line of lines) {
        if (n++ === 0) continue;
        const [number, customer, issue, due, amount, currency] = line.split(';') as [string, string, string, string, string, string];
        const iso = (d: string) => d.split('/').reverse().join('-');
        const now = new Date().toISOString();
        const invoiceId = invoiceIdFor(tenantId, customer, number);
        await store.doc.send(
          new PutCommand({
            TableName: store.table,
            Item: invoiceToItem({
              tenantId,
              invoiceId,
              number,
              customerId: customer,
              issueDate: iso(issue),
              dueDate: iso(due),
              currency,
              amount: Math.round(Number(amount.replace(/\./g, '').replace(',', '.')) * 100),
              amountPaid: 0,
              status: 'open',
              needsContact: false,
              revision: 1,
              run: 0,
              createdAt: now,
              updatedAt: now,
            }),
          }),
        );
        const res = await fetch(sfn.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
          body: JSON.stringify({ stateMachineArn: 'arn:aws:states:eu-south-1:000000000000:stateMachine:dunning', name: invoiceId, input: JSON.stringify({ tenantId, invoiceId }) }),
        });
        await res.arrayBuffer();
      }
      const ms = performance.now() - started;
      return { rows: n - 1, ms, peak: rss.stop() };
    };

    /** What DynamoDB Local itself sustains: BatchWriteItem of ready-made invoice items, nothing read, nothing parsed. */
    const ceiling = async (rows: number) => {
      const now = new Date().toISOString();
      const items = Array.from({ length: rows }, (_, i) =>
        invoiceToItem({
          tenantId: 'bench-ceiling',
          invoiceId: invoiceIdFor('bench-ceiling', customerId(i), String(i)),
          number: String(i),
          customerId: customerId(i),
          issueDate: '2026-01-05',
          dueDate: '2026-03-05',
          currency: 'EUR',
          amount: 123_456,
          amountPaid: 0,
          status: 'open',
          needsContact: false,
          revision: 1,
          run: 0,
          createdAt: now,
          updatedAt: now,
        }),
      );
      const started = performance.now();
      const batches = Array.from({ length: Math.ceil(rows / 25) }, (_, b) => items.slice(b * 25, b * 25 + 25));
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < batches.length) {
            let pending = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
            while (pending.length > 0) {
              const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.table]: pending } }));
              pending = (out.UnprocessedItems?.[store.table] as typeof pending | undefined) ?? [];
            }
          }
        }),
      );
      return rate(rows, performance.now() - started);
    };

    // Warm both JVM and V8 first, so neither side is measured cold.
    phase('warm-up');
    await ours(5_000, 'W');
    phase('baseline');
    const base = await naive(BASELINE_ROWS);
    phase('ceiling');
    const storeCeiling = await ceiling(10_000);
    phase('10k');
    const small = await ours(10_000, 'S');
    phase('100k');
    const large = await ours(100_000, 'L');
    phase('count');
    // Every row is in the table, in the open-by-due index the stream and the reports read.
    const stored = await storedOpen(TENANT);
    if (stored !== 5_000 + small.rows + large.rows) throw new Error(`stored ${stored} open invoices, expected ${5_000 + small.rows + large.rows}`);
    const oursRate = rate(large.rows, large.ms);
    const baseRate = rate(base.rows, base.ms);
    const ratio = oursRate / baseRate;
    return [
      `ingest, ours, 10,000 CSV rows (${mb(small.size)}): ${rate(small.rows, small.ms).toLocaleString('en')} invoices/s, ${(small.ms / 1000).toFixed(1)} s, peak RSS ${mb(small.peak)}`,
      `ingest, ours, 100,000 CSV rows (${mb(large.size)}): ${oursRate.toLocaleString('en')} invoices/s, ${(large.ms / 1000).toFixed(1)} s, peak RSS ${mb(large.peak)}`,
      `ingest, stored and listed open (index count after the runs): ${stored.toLocaleString('en')} of ${(5_000 + small.rows + large.rows).toLocaleString('en')} rows`,
      `ingest, naive baseline (sequential PutItem + StartExecution round trip per row), ${base.rows.toLocaleString('en')} rows: ${baseRate.toLocaleString('en')} invoices/s, peak RSS ${mb(base.peak)}`,
      `ingest, ratio ours (100k) / baseline: ${ratio.toFixed(1)}x (target >= ${TARGET_RATIO}x) ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}`,
      `ingest, DynamoDB Local's own ceiling (BatchWriteItem of ready items, 16 in flight, no reads, no parsing): ${storeCeiling.toLocaleString('en')} items/s = ${(storeCeiling / baseRate).toFixed(1)}x the baseline; ours reaches ${Math.round((oursRate / storeCeiling) * 100)}% of it`,
      `ingest, peak RSS 100k vs 10k: ${mb(large.peak)} vs ${mb(small.peak)} (${large.peak <= small.peak * 1.25 ? 'independent of file size' : 'GROWS with file size'})`,
    ];
  } finally {
    sfn.server.close();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const line of await benchIngest()) process.stdout.write(`${line}\n`);
  process.exit(0);
}
