/**
 * Cold start of every Lambda bundle against what that handler needs: esbuild bundles each handler
 * the way the CDK does (infra/bundling.ts: ESM, minified, AWS SDK bundled, node22 target), and
 * beside it the handler's library floor (bench/library-floor.ts): the npm packages its bundle
 * contains, imported with the same names by one file and nothing of ours. A fresh Node process
 * imports each, alternately, RUNS times; the medians are compared. What the handler adds over its
 * floor is our code and data and the set-up of its libraries; the data files a bundle reads on
 * first use (the message templates, the holiday table) sit beside it, outside its size.
 */
import { build, type BuildFailure, type Metafile } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BUNDLE_SIZE_TARGET_EXEMPT, BUNDLE_SIZE_TARGET_KB, LAMBDA_ESBUILD_OPTIONS, PACKAGED_FILES } from '../infra/bundling.js';
import { bytesByPackage, floorSource } from './library-floor.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = Number(process.env.BENCH_COLD_RUNS ?? 10);
/**
 * BENCH_COLD_BEFORE=/path/to/another/checkout (with its node_modules): each handler is also bundled
 * from that tree and loaded in the same alternation, so a change is measured before and after in
 * one run against the same floor.
 */
const BEFORE = process.env.BENCH_COLD_BEFORE;
const SIZE_TARGET_KB = BUNDLE_SIZE_TARGET_KB;
const SIZE_TARGET_EXEMPT = BUNDLE_SIZE_TARGET_EXEMPT;
const LOAD_TARGET_RATIO = 1.25;

/** What the functions find in their environment in AWS (infra/), so module initialisation runs whole. */
export const LAMBDA_ENV = {
  AWS_REGION: 'eu-south-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: 'sollecito',
  BUCKET_NAME: 'sollecito-documents',
  TENANT_ID: 'bench',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-south-1:000000000000:stateMachine:sollecito-dunning',
  SENDER_EMAIL: 'crediti@example.com',
  SES_CONFIGURATION_SET: 'sollecito',
  SMS_ORIGINATION_IDENTITY: '+390000000000',
  EVENT_BUS_NAME: 'sollecito',
  POWERTOOLS_SERVICE_NAME: 'sollecito',
  POWERTOOLS_METRICS_NAMESPACE: 'Sollecito',
};

const KB = (bytes: number) => (bytes / 1024).toFixed(0);

/** Bundles an entry as the CDK does; returns its size and esbuild's metafile. */
const bundle = async (entry: string, outfile: string, root = ROOT): Promise<{ bytes: number; metafile: Metafile }> => {
  const { metafile } = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    sourcemap: false,
    logLevel: 'silent',
    metafile: true,
    // Entries written outside the project resolve their imports from the project's node_modules.
    nodePaths: [join(root, 'node_modules')],
  });
  return { bytes: statSync(outfile).size, metafile };
};

/** The floor of a handler's bundle, bundled; a name esbuild finds no export for is left out and the floor rebuilt. */
const bundleFloor = async (metafile: Metafile, dir: string, name: string) => {
  const entry = join(dir, `${name}.floor-entry.mjs`);
  const outfile = join(dir, `${name}.floor.mjs`);
  const without = new Set<string>();
  for (;;) {
    const { source, packages } = floorSource(ROOT, metafile, without);
    writeFileSync(entry, source);
    try {
      return { ...(await bundle(entry, outfile)), packages, outfile };
    } catch (err) {
      const missing = ((err as BuildFailure).errors ?? []).filter((e) => e.text.startsWith('No matching export'));
      if (missing.length === 0) throw err;
      for (const e of missing) {
        const imported = /for import "([^"]+)"/.exec(e.text)![1]!;
        const spec = /from "([^"]+)"/.exec(e.location?.lineText ?? '')?.[1];
        if (!spec || without.has(`${spec}:${imported}`)) throw err;
        without.add(`${spec}:${imported}`);
      }
    }
  }
};

/**
 * Wall time and CPU time (user + system, every thread of the process: V8 compiles on helper
 * threads too) of `import(bundle)` in a fresh Node process. On a machine other work keeps busy the
 * wall time also counts the waits for a core; the CPU time is what the load itself costs.
 */
const loadOnce = (file: string): { wall: number; cpu: number } => {
  const script = `const c = process.cpuUsage(); const t = performance.now(); await import(${JSON.stringify(file)}); const w = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall: w, cpu: (u.user + u.system) / 1000 }));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...LAMBDA_ENV },
      encoding: 'utf8',
    }),
  ) as { wall: number; cpu: number };
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

interface Load {
  wall: number;
  cpu: number;
}

/**
 * Median load times of bundles loaded alternately (floor, bundle, floor, …) so that whatever else
 * the machine does weighs on all alike and the ratios stay meaningful.
 */
const loadAlternately = (files: string[]): Load[] => {
  const loads = files.map((): Load[] => []);
  for (let i = 0; i < RUNS; i++) files.forEach((f, k) => loads[k]!.push(loadOnce(f)));
  return loads.map((xs) => ({ wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)) }));
};

export const benchColdStart = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'sollecito-cold-'));
  try {
    const lines = [
      ...(BEFORE ? [`each handler also as ${BEFORE} builds it ("before"), in the same alternation`] : []),
      `each handler beside its library floor (the npm packages its bundle contains, same named imports, same bundling), loaded ${RUNS} times alternately in fresh Node processes, medians compared; targets: <${SIZE_TARGET_KB} KB (${[...SIZE_TARGET_EXEMPT].join(', ')} exempt), load CPU time <=${LOAD_TARGET_RATIO}x the floor's`,
      `beside every bundle, read on first use and not counted in its size: ${PACKAGED_FILES.map((p) => `${p} ${KB(statSync(join(ROOT, p)).size)}`).join(', ')} KB`,
      'handler: bundle KB / floor KB, load CPU ms / floor = ratio (wall ms likewise); size, load; what the handler adds over its floor (KB)',
    ];
    // BENCH_COLD_HANDLERS=send-reminder,record-failure measures only those.
    const only = process.env.BENCH_COLD_HANDLERS?.split(',');
    const handlers = readdirSync(join(ROOT, 'lambdas/handlers')).filter((f) => f.endsWith('.ts') && (!only || only.includes(f.replace(/\.ts$/, ''))));
    let sizeOk = 0;
    let loadOk = 0;
    for (const f of handlers) {
      const name = f.replace(/\.ts$/, '');
      const out = join(dir, `${name}.mjs`);
      const own = await bundle(join(ROOT, 'lambdas/handlers', f), out);
      const floor = await bundleFloor(own.metafile, dir, name);
      const beforeEntry = BEFORE && join(BEFORE, 'lambdas/handlers', f);
      const beforeOut = join(dir, `${name}.before.mjs`);
      const before = beforeEntry && existsSync(beforeEntry) ? await bundle(beforeEntry, beforeOut, BEFORE) : undefined;
      const [floorLoad, ownLoad, beforeLoad] = loadAlternately([floor.outfile, out, ...(before ? [beforeOut] : [])]);
      const load = { own: ownLoad!, floor: floorLoad! };
      const ratio = load.own.cpu / load.floor.cpu;
      const sized = own.bytes < SIZE_TARGET_KB * 1024 || SIZE_TARGET_EXEMPT.has(name);
      const loads = ratio <= LOAD_TARGET_RATIO;
      if (sized) sizeOk++;
      if (loads) loadOk++;
      const floorBy = bytesByPackage(Object.values(floor.metafile.outputs)[0]!);
      const added = [...bytesByPackage(Object.values(own.metafile.outputs)[0]!)]
        .map(([k, b]) => [k, b - (floorBy.get(k) ?? 0)] as const)
        .filter(([, b]) => b > 1024)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([k, b]) => `${k} ${KB(b)}`)
        .join(', ');
      lines.push(
        `${name}: ${KB(own.bytes)} / ${KB(floor.bytes)} KB, CPU ${load.own.cpu.toFixed(1)} / ${load.floor.cpu.toFixed(1)} ms = ${ratio.toFixed(2)}x (wall ${load.own.wall.toFixed(1)} / ${load.floor.wall.toFixed(1)} ms = ${(load.own.wall / load.floor.wall).toFixed(2)}x); size ${sized ? 'ok' : 'MISSES'}, load ${loads ? 'ok' : 'MISSES'}; adds ${added} (floor: ${floor.packages.length} packages)` +
          (before && beforeLoad ? `; before: ${KB(before.bytes)} KB, CPU ${beforeLoad.cpu.toFixed(1)} ms = ${(beforeLoad.cpu / load.floor.cpu).toFixed(2)}x` : ''),
      );
    }
    lines.push(`handlers within the size target: ${sizeOk}/${handlers.length}; within ${LOAD_TARGET_RATIO}x their floor: ${loadOk}/${handlers.length}`);
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
