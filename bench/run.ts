/**
 * `npm run bench`: every performance figure of the product, one line per figure, each beside the
 * baseline it is compared with, both measured in the same run on this machine.
 */
import { join } from 'node:path';

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
];

/** `npm run bench -- ingest cold` runs only those (first word of the name). */
const only = process.argv.slice(2);
for (const b of benches) {
  if (only.length > 0 && !only.includes(b.name.split(' ')[0]!)) continue;
  const mod = (await import(join(here, b.file))) as Record<string, Bench>;
  const started = Date.now();
  process.stdout.write(`# ${b.name}\n`);
  for (const line of await mod[b.fn]!()) process.stdout.write(`${line}\n`);
  process.stdout.write(`# ${b.name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
process.exit(0);
