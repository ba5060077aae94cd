/**
 * `npm run bench`: every performance figure of the product, one line per figure, each beside the
 * baseline it is compared with, both measured in the same run on this machine.
 * `npm run bench -- ingest cold` runs only those (first word of the name). Each bench runs in its
 * own process: they start their own local services, and SDK clients are made once per process.
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

type Bench = () => Promise<string[]>;

const here = import.meta.dirname;
const benches: { name: string; file: string; fn: string }[] = [
  { name: 'ingest', file: 'ingest.ts', fn: 'benchIngest' },
  { name: 'ageing report', file: 'report.ts', fn: 'benchReport' },
  { name: 'cold start', file: 'cold-start.ts', fn: 'benchColdStart' },
  { name: 'state transitions', file: 'transitions.ts', fn: 'benchTransitions' },
  { name: 'reminder throughput', file: 'throughput.ts', fn: 'benchThroughput' },
  { name: 'reconcile (payment matcher)', file: 'reconcile.ts', fn: 'benchReconcile' },
  { name: 'portfolio (90 days of statements and reminders)', file: 'portfolio.ts', fn: 'benchPortfolio' },
  { name: 'voice (one voice per customer, 1,000 customers through the local stack)', file: 'voice.ts', fn: 'benchVoice' },
  { name: 'hostile input (routes refused, links refused, payloads inert)', file: 'hostile.ts', fn: 'benchHostile' },
  { name: 'whatif (two playbooks over 10,000 open invoices)', file: 'whatif.ts', fn: 'benchWhatIf' },
];
const key = (b: { name: string }) => b.name.split(' ')[0]!;

const args = process.argv.slice(2);
if (args[0] === '--one') {
  const b = benches.find((x) => key(x) === args[1]);
  if (!b) throw new Error(`no bench ${args[1]}`);
  const mod = (await import(join(here, b.file))) as Record<string, Bench>;
  const started = Date.now();
  process.stdout.write(`# ${b.name}\n`);
  for (const line of await mod[b.fn]!()) process.stdout.write(`${line}\n`);
  process.stdout.write(`# ${b.name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exit(0);
}

const unknown = args.filter((a) => !benches.some((b) => key(b) === a));
if (unknown.length > 0) throw new Error(`unknown bench ${unknown.join(', ')}: pick from ${benches.map(key).join(', ')}`);
const tsx = resolve(here, '../node_modules/tsx/dist/cli.mjs');
let failed = 0;
for (const b of benches) {
  if (args.length > 0 && !args.includes(key(b))) continue;
  try {
    execFileSync(process.execPath, [tsx, join(here, 'run.ts'), '--one', key(b)], { stdio: 'inherit', env: process.env });
  } catch {
    failed++;
    process.stdout.write(`# ${b.name}: FAILED\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
