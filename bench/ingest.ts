/**
 * Ingest benchmark: CSV files of 10,000 and 100,000 invoices, generated to a temp directory and
 * streamed through the production path (lambdas/app/ingest/ingest-file.ts `ingestFile`: csv-parse,
 * validation, batched BatchGet, then conditional TransactWriteItems of the absent invoices, against
 * DynamoDB Local), beside a naive baseline
 * measured in the same run: one row at a time, one PutItem and one StartExecution-like HTTP round
 * trip (to a trivial local server) per row, sequential. The baseline runs on 5,000 rows (its rate
 * does not depend on the file's size, and 100,000 would take ten minutes).
 * A 5,000-row run warms DynamoDB Local's JVM first; the baseline runs right after it, so neither
 * side is measured cold. Two further figures show what DynamoDB Local sustains on its own with
 * ready-made items: BatchWriteItem alone, and a consistent BatchGetItem before the writes (the
 * least a pipeline that never overwrites what it has not read can do). On a small machine those,
 * not the pipeline, are the ceiling.
 *
 * Memory: each file size is ingested in a fresh process that has first ingested the same
 * 40,000-row warm-up file (as a warm Lambda has), with the kernel's peak-RSS mark reset just before
 * the measured file: the two peaks start from the same state and neither carries what the other
 * left in the heap. The process also reports its live heap after a full GC at the end, and the
 * CPU that it and DynamoDB Local used meanwhile.
 * `BENCH_INGEST_ROWS=10000,100000` (the default) sets the two sizes.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { BatchGetCommand, BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, localCredentials, startDynamo } from '../local/services/dynamodb.js';
import { peakMemory } from './peak-memory.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const CUSTOMERS = 200;
const TARGET_RATIO = 10;
const BASELINE_ROWS = 5_000;
const WARM_ROWS = 5_000;
/**
 * Ingested by each measuring process before its measured file. V8 lets the heap grow (garbage not
 * yet collected, live data flat) for the first ~40,000 rows of a run, then it stays on a plateau
 * (a 250,000-row run: RSS 238–272 MB throughout); measured from there, the peaks compare what the
 * file's size adds, not how far V8 had got in sizing its heap.
 */
const CHILD_WARM_ROWS = 40_000;
/** Peak RSS of the large file above this multiple of the small one's counts as growing with the file. */
const RSS_TOLERANCE = 1.15;
const TENANT = 'bench';
/** The measuring processes' warm-up files go to their own tenant: the stored count below covers the measured files. */
const WARM_TENANT = 'bench-warm';
/** The two file sizes whose rate and peak memory are compared. */
const [SMALL_ROWS, LARGE_ROWS] = (process.env.BENCH_INGEST_ROWS ?? '10000,100000').split(',').map(Number) as [number, number];

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

/** Linux only (undefined elsewhere): the kernel's peak RSS of this process, and a way to reset it. */
const vmHwm = (): number | undefined => {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
};
const resetVmHwm = (): boolean => {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};

/** CPU milliseconds used so far by the DynamoDB Local process listening on `port` (Linux /proc; undefined elsewhere). */
const dynamoCpuMs = (port: string): number | undefined => {
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let cmd: string;
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      if (!cmd.includes('DynamoDBLocal') || !cmd.includes(`-port\u0000${port}\u0000`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 1/100 s
    }
  } catch {
    // no /proc
  }
  return undefined;
};

interface ChildJob {
  rows: number;
  prefix: string;
  dir: string;
}
interface ChildResult {
  rows: number;
  size: number;
  ms: number;
  peakRss: number;
  /** True when peakRss is the kernel's mark (reset after the warm-up), false when sampled every 20 ms. */
  exactPeak: boolean;
  peakHeap: number;
  liveHeap: number;
  cpuMs: number;
  dynamoCpuMs?: number;
}

/** The measuring process: a warm-up file, a full GC, then the measured file. Prints its result as JSON. */
const childRun = async (job: ChildJob): Promise<ChildResult> => {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const { ingestFile } = await import('../lambdas/app/ingest/ingest-file.js');
  const { productionFileDeps } = await import('./ingest-deps.js');
  const { dynamoRepositories } = await import('../lambdas/adapters/dynamo-repositories.js');
  const store = dynamoRepositories();
  const ingest = async (tenantId: string, rows: number, prefix: string, measure?: () => void) => {
    const path = join(job.dir, `invoices-${prefix}${rows}.csv`);
    await writeCsv(path, rows, prefix);
    measure?.();
    const started = performance.now();
    const { summary, report } = await ingestFile(productionFileDeps(store), { key: `invoices/bench-${prefix}${rows}.csv`, size: statSync(path).size, body: createReadStream(path) }, { tenantId });
    const ms = performance.now() - started;
    if (report.total > 0 || summary.invoices?.created !== rows) {
      throw new Error(`ingest of ${rows} rows: created ${summary.invoices?.created}, rejected ${report.total}`);
    }
    return { ms, size: statSync(path).size };
  };
  await ingest(WARM_TENANT, CHILD_WARM_ROWS, `${job.prefix}W`);
  const port = new URL(process.env.AWS_ENDPOINT_URL_DYNAMODB!).port;
  // No GC here: both sizes start from the heap the warm-up left, as in a Lambda that ingested a file before.
  const { peak, sample } = peakMemory();
  let exactPeak = false;
  let cpu = process.cpuUsage();
  let dynamoBefore: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const { ms, size } = await ingest(TENANT, job.rows, job.prefix, () => {
    exactPeak = resetVmHwm();
    sample();
    timer = setInterval(sample, 20);
    cpu = process.cpuUsage();
    dynamoBefore = dynamoCpuMs(port);
  });
  const used = process.cpuUsage(cpu);
  const dynamoAfter = dynamoCpuMs(port);
  clearInterval(timer);
  sample();
  const hwm = exactPeak ? vmHwm() : undefined;
  gc();
  return {
    rows: job.rows,
    size,
    ms,
    peakRss: hwm ?? peak.rss,
    exactPeak: hwm !== undefined,
    peakHeap: peak.heap,
    liveHeap: process.memoryUsage().heapUsed,
    cpuMs: (used.user + used.system) / 1000,
    ...(dynamoBefore !== undefined && dynamoAfter !== undefined ? { dynamoCpuMs: dynamoAfter - dynamoBefore } : {}),
  };
};

/** Runs `childRun` in a fresh Node process (same loader flags, --expose-gc, same environment). */
const inChild = (job: ChildJob): Promise<ChildResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, '--expose-gc', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_INGEST_CHILD: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as ChildResult);
      else reject(new Error(`the ingest of ${job.rows} rows failed (exit ${code}): ${out.slice(-500)}`));
    });
  });

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
    const { ingestFile } = await import('../lambdas/app/ingest/ingest-file.js');
  const { productionFileDeps } = await import('./ingest-deps.js');
    const { DynamoCustomerDirectory } = await import('../lambdas/adapters/dynamo-customer-directory.js');
    const { dynamoRepositories } = await import('../lambdas/adapters/dynamo-repositories.js');
    const { invoiceToItem } = await import('../lambdas/adapters/dynamo/items.js');
    const { invoiceIdFor } = await import('../lambdas/domain/ingest/rules.js');
    const { keys } = await import('../lambdas/adapters/dynamo/keys.js');
    const store = dynamoRepositories();

    const seedCustomers = async (tenantId: string) => {
      const ingest = new DynamoCustomerDirectory(store);
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
            new QueryCommand({ TableName: store.name, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': pk }, Select: 'COUNT', ExclusiveStartKey: start }),
          );
          total += out.Count ?? 0;
          start = out.LastEvaluatedKey;
        } while (start);
      }
      return total;
    };

    const phase = (name: string) => process.env.BENCH_VERBOSE && process.stderr.write(`${new Date().toISOString()} ${name}\n`);
    phase('seed');
    await seedCustomers(TENANT);
    await seedCustomers(WARM_TENANT);
    /** In this process: warms DynamoDB Local's JVM before the baseline. */
    const warm = async (rows: number, prefix: string) => {
      const path = join(dir, `invoices-${prefix}${rows}.csv`);
      await writeCsv(path, rows, prefix);
      const { summary } = await ingestFile(productionFileDeps(store), { key: `invoices/bench-${prefix}${rows}.csv`, size: statSync(path).size, body: createReadStream(path) }, { tenantId: TENANT });
      if (summary.invoices?.created !== rows) throw new Error(`warm-up: created ${summary.invoices?.created} of ${rows}`);
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
            TableName: store.name,
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

    /**
     * What DynamoDB Local itself sustains with ready-made invoice items, nothing parsed: BatchWriteItem
     * alone (16 requests in flight), or with `read` the least a pipeline that never overwrites what it
     * has not read must do: a strongly consistent BatchGetItem of 100 keys, then their 4 BatchWriteItems.
     */
    const ceiling = async (rows: number, tenantId: string, read: boolean) => {
      const now = new Date().toISOString();
      const items = Array.from({ length: rows }, (_, i) =>
        invoiceToItem({
          tenantId,
          invoiceId: invoiceIdFor(tenantId, customerId(i), String(i)),
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
      const write = async (batch: Record<string, unknown>[]) => {
        let pending = batch.map((Item) => ({ PutRequest: { Item } }));
        while (pending.length > 0) {
          const out = await store.doc.send(new BatchWriteCommand({ RequestItems: { [store.name]: pending } }));
          pending = (out.UnprocessedItems?.[store.name] as typeof pending | undefined) ?? [];
        }
      };
      const readThenWrite = async (group: Record<string, unknown>[]) => {
        let keys: Record<string, unknown>[] = group.map((i) => ({ pk: i.pk, sk: i.sk }));
        while (keys.length > 0) {
          const out = await store.doc.send(new BatchGetCommand({ RequestItems: { [store.name]: { Keys: keys, ConsistentRead: true } } }));
          if ((out.Responses?.[store.name]?.length ?? 0) > 0) throw new Error('the ceiling items exist already');
          keys = out.UnprocessedKeys?.[store.name]?.Keys ?? [];
        }
        await Promise.all(Array.from({ length: Math.ceil(group.length / 25) }, (_, b) => write(group.slice(b * 25, b * 25 + 25))));
      };
      const size = read ? 100 : 25;
      const units = Array.from({ length: Math.ceil(rows / size) }, (_, b) => items.slice(b * size, b * size + size));
      const started = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: read ? 4 : 16 }, async () => {
          while (next < units.length) {
            const unit = units[next++]!;
            await (read ? readThenWrite(unit) : write(unit));
          }
        }),
      );
      return rate(rows, performance.now() - started);
    };

    // Warm both JVM and V8 first, so neither side is measured cold.
    phase('warm-up');
    await warm(WARM_ROWS, 'W');
    phase('baseline');
    const base = await naive(BASELINE_ROWS);
    phase('ceiling');
    const storeCeiling = await ceiling(10_000, 'bench-ceiling', false);
    const readWriteCeiling = await ceiling(10_000, 'bench-ceiling-rw', true);
    phase(`${SMALL_ROWS} rows (own process)`);
    const small = await inChild({ rows: SMALL_ROWS, prefix: 'S', dir });
    phase(`${LARGE_ROWS} rows (own process)`);
    const large = await inChild({ rows: LARGE_ROWS, prefix: 'L', dir });
    phase('count');
    // Every row is in the table, in the open-by-due index the stream and the reports read.
    const expected = WARM_ROWS + small.rows + large.rows;
    const stored = await storedOpen(TENANT);
    if (stored !== expected) throw new Error(`stored ${stored} open invoices, expected ${expected}`);
    const oursRate = rate(large.rows, large.ms);
    const baseRate = rate(base.rows, base.ms);
    const ratio = oursRate / baseRate;
    const cores = (r: ChildResult) =>
      r.dynamoCpuMs === undefined ? '' : `; CPU: this process ${(r.cpuMs / r.ms).toFixed(2)} cores, DynamoDB Local ${(r.dynamoCpuMs / r.ms).toFixed(2)} cores`;
    const line = (r: ChildResult) =>
      `ingest, ours, ${r.rows.toLocaleString('en')} CSV rows (${mb(r.size)}): ${rate(r.rows, r.ms).toLocaleString('en')} invoices/s, ${(r.ms / 1000).toFixed(1)} s, peak RSS ${mb(r.peakRss)}, peak heap ${mb(r.peakHeap)}, live heap after ${mb(r.liveHeap)}${cores(r)}`;
    const grows = large.peakRss > small.peakRss * RSS_TOLERANCE || large.liveHeap > small.liveHeap + 5 * 1024 * 1024;
    return [
      line(small),
      line(large),
      `ingest, stored and listed open (index count after the runs): ${stored.toLocaleString('en')} of ${expected.toLocaleString('en')} rows`,
      `ingest, naive baseline (sequential PutItem + StartExecution round trip per row), ${base.rows.toLocaleString('en')} rows: ${baseRate.toLocaleString('en')} invoices/s, peak RSS ${mb(base.peak)}`,
      `ingest, ratio ours (${large.rows.toLocaleString('en')} rows) / baseline: ${ratio.toFixed(1)}x (target >= ${TARGET_RATIO}x) ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW TARGET'}`,
      `ingest, DynamoDB Local's own ceiling (BatchWriteItem of ready items, 16 in flight, no reads, no parsing): ${storeCeiling.toLocaleString('en')} items/s = ${(storeCeiling / baseRate).toFixed(1)}x the baseline; ours reaches ${Math.round((oursRate / storeCeiling) * 100)}% of it`,
      `ingest, DynamoDB Local's ceiling for read-then-write (consistent BatchGetItem of 100 absent keys, then their BatchWriteItems; nothing parsed): ${readWriteCeiling.toLocaleString('en')} items/s = ${(readWriteCeiling / baseRate).toFixed(1)}x the baseline; ours reaches ${Math.round((oursRate / readWriteCeiling) * 100)}% of it`,
      `ingest, peak RSS ${large.rows.toLocaleString('en')} vs ${small.rows.toLocaleString('en')} rows (each in its own process after the same ${CHILD_WARM_ROWS.toLocaleString('en')}-row file, ${large.exactPeak ? "kernel's peak mark" : 'sampled every 20 ms'}): ${mb(large.peakRss)} vs ${mb(small.peakRss)} (${grows ? 'GROWS with file size' : 'independent of file size'}); live heap after ${mb(large.liveHeap)} vs ${mb(small.liveHeap)}`,
    ];
  } finally {
    sfn.server.close();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.env.BENCH_INGEST_CHILD) {
    process.stdout.write(`${JSON.stringify(await childRun(JSON.parse(process.env.BENCH_INGEST_CHILD) as ChildJob))}\n`);
  } else {
    for (const line of await benchIngest()) process.stdout.write(`${line}\n`);
  }
  process.exit(0);
}
