/**
 * Cold start of every Lambda bundle: esbuild bundles each handler the way the CDK does (ESM,
 * minified, AWS SDK bundled, node22 target), then a fresh Node process imports the bundle, ten
 * times alternately with a floor bundle holding only a DynamoDB client, and the medians are compared.
 * Then each library a handler cannot do without is bundled alone beside the floor's DynamoDB client
 * and measured the same way: what it adds is the least any handler carrying it can weigh.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LAMBDA_ESBUILD_OPTIONS } from '../infra/bundling.js';

const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 10;
const SIZE_TARGET_KB = 700;
const LOAD_TARGET_RATIO = 1.5;

/** What the functions find in their environment in AWS (infra/), so module initialisation runs whole. */
const LAMBDA_ENV = {
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

const FLOOR_SOURCE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nconst c = new DynamoDBClient({});\nexport const handler = async () => c.config.region;\n`;

/** Libraries some handlers need whole, each bundled with the floor's client and nothing else. */
const LIBRARY_PROBES: { name: string; usedBy: string; source: string }[] = [
  { name: 'pdf-lib', usedBy: 'hand-over-dossier', source: `import { PDFDocument } from 'pdf-lib';\nexport const probe = PDFDocument;` },
  {
    name: '@aws-sdk/client-s3',
    usedBy: 'ingest, customer-pages, hand-over-dossier',
    source: `import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';\nexport const probe = [new S3Client({}), GetObjectCommand];`,
  },
  {
    name: '@aws-sdk/client-sesv2',
    usedBy: 'every handler that sends e-mail',
    source: `import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';\nexport const probe = [new SESv2Client({}), SendEmailCommand];`,
  },
  { name: 'luxon', usedBy: 'the business calendar: every handler that plans or sends', source: `import { DateTime } from 'luxon';\nexport const probe = DateTime;` },
  { name: 'libphonenumber-js', usedBy: 'ingest, customer-pages', source: `import { parsePhoneNumberWithError } from 'libphonenumber-js';\nexport const probe = parsePhoneNumberWithError;` },
  // The words of every customer message: loading them is cheap (strings), whatever their size.
  { name: 'message templates (it/en/ro)', usedBy: 'every handler that writes to a customer', source: `export * from ${JSON.stringify(join(ROOT, 'lambdas/domain/messages/rendering/strings.ts'))};` },
];

/** Bundles an entry; returns its size and its heaviest packages (or project folders) by bytes in the output. */
const bundle = async (entry: string, outfile: string): Promise<{ bytes: number; heaviest: string }> => {
  const { metafile } = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [entry],
    outfile,
    sourcemap: false,
    logLevel: 'silent',
    metafile: true,
    // Entries written outside the project resolve their imports from the project's node_modules.
    nodePaths: [join(ROOT, 'node_modules')],
  });
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(Object.values(metafile.outputs)[0]!.inputs)) {
    const key = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.replace(/\/[^/]+$/, '');
    byPackage.set(key, (byPackage.get(key) ?? 0) + input.bytesInOutput);
  }
  const heaviest = [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([k, b]) => `${k} ${(b / 1024).toFixed(0)}`)
    .join(', ');
  return { bytes: statSync(outfile).size, heaviest };
};

/** Wall time of `import(bundle)` in a fresh Node process. */
const loadOnce = (file: string): number => {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...LAMBDA_ENV },
      encoding: 'utf8',
    }),
  );
};

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
};

/**
 * Median load times of a bundle and of the floor, loaded alternately (floor, bundle, floor, …) so
 * that whatever else the machine does weighs on both alike and the ratio stays meaningful.
 */
const loadBeside = (file: string, floorFile: string): { ms: number; floorMs: number } => {
  const ms: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(loadOnce(floorFile));
    ms.push(loadOnce(file));
  }
  return { ms: median(ms), floorMs: median(floor) };
};

export const benchColdStart = async (): Promise<string[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'sollecito-cold-'));
  try {
    const floorEntry = join(dir, 'floor-entry.mjs');
    writeFileSync(floorEntry, FLOOR_SOURCE);
    const floorFile = join(dir, 'floor.mjs');
    const floorBytes = (await bundle(floorEntry, floorFile)).bytes;
    const lines = [`floor (DynamoDB client only): ${(floorBytes / 1024).toFixed(0)} KB; each handler is loaded ${RUNS} times alternately with the floor, medians compared`];

    const handlers = readdirSync(join(ROOT, 'lambdas/handlers')).filter((f) => f.endsWith('.ts'));
    let failures = 0;
    for (const f of handlers) {
      const name = f.replace(/\.ts$/, '');
      const out = join(dir, `${name}.mjs`);
      const { bytes, heaviest } = await bundle(join(ROOT, 'lambdas/handlers', f), out);
      const { ms, floorMs } = loadBeside(out, floorFile);
      const kb = bytes / 1024;
      const ratio = ms / floorMs;
      const ok = kb < SIZE_TARGET_KB && ratio <= LOAD_TARGET_RATIO;
      if (!ok) failures++;
      lines.push(
        `${name}: ${kb.toFixed(0)} KB, load ${ms.toFixed(1)} ms vs floor ${floorMs.toFixed(1)} ms = ${ratio.toFixed(2)}x ${ok ? 'ok' : `MISSES target (<${SIZE_TARGET_KB} KB, <=${LOAD_TARGET_RATIO}x)`}; heaviest (KB): ${heaviest}`,
      );
    }
    lines.push(`handlers within targets: ${handlers.length - failures}/${handlers.length}`);

    lines.push('each library alone beside the floor client (the least a handler carrying it weighs):');
    for (const probe of LIBRARY_PROBES) {
      const entry = join(dir, 'probe-entry.mjs');
      writeFileSync(entry, FLOOR_SOURCE + probe.source + '\n');
      const out = join(dir, 'probe.mjs');
      const { bytes } = await bundle(entry, out);
      const { ms, floorMs } = loadBeside(out, floorFile);
      lines.push(
        `floor + ${probe.name} (${probe.usedBy}): ${(bytes / 1024).toFixed(0)} KB (+${((bytes - floorBytes) / 1024).toFixed(0)}), load ${ms.toFixed(1)} ms vs floor ${floorMs.toFixed(1)} ms = ${(ms / floorMs).toFixed(2)}x`,
      );
    }
    return lines;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
