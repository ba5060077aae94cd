/**
 * Builds the finance console (Vite, Preact) into console/dist: what `npm start` serves, what the
 * browser tests open and what `cdk deploy` uploads (infra/constructs/console.ts runs this as the
 * asset's local bundling). `ensureConsoleBuilt` builds only when the inputs changed since the last
 * build (a hash of the console's sources and the lockfile), so a second start costs nothing.
 *
 *   node --import tsx console/build.ts [--out DIR]
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InlineConfig } from 'vite';
import { CONSOLE_DIR, CONSOLE_DIST, STAMP, consoleInputsHash, isConsoleBuilt } from './inputs.js';

export { CONSOLE_DIR, CONSOLE_DIST, consoleInputsHash, isConsoleBuilt };

export const viteConfig = (outDir: string): InlineConfig => ({
  root: CONSOLE_DIR,
  // Relative asset URLs: the same build works at / (CloudFront) and at /console/ (the local stack).
  base: './',
  configFile: false,
  publicDir: false,
  mode: 'production',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Every asset a file of its own: no data: URIs for the CSP to allow.
    assetsInlineLimit: 0,
    // Browsers the console supports all have <link rel=modulepreload>.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});

/** One build into `outDir` (replaced). */
export const buildConsole = async (outDir: string = CONSOLE_DIST): Promise<string> => {
  const { build } = await import('vite');
  const hash = consoleInputsHash();
  await build(viteConfig(outDir));
  writeFileSync(join(outDir, STAMP), hash);
  return outDir;
};

/** console/dist, built first when it is missing or older than its sources. */
export const ensureConsoleBuilt = async (): Promise<string> => {
  if (isConsoleBuilt()) return CONSOLE_DIST;
  // Built beside and moved in, so a server (or another test process) never reads half a build.
  const tmp = join(CONSOLE_DIR, `.dist-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    await buildConsole(tmp);
    rmSync(CONSOLE_DIST, { recursive: true, force: true });
    renameSync(tmp, CONSOLE_DIST);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    // Another process finished the same build first: theirs is as good.
    if (isConsoleBuilt()) return CONSOLE_DIST;
    throw err;
  }
  return CONSOLE_DIST;
};

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const at = process.argv.indexOf('--out');
  const out = at > 0 ? process.argv[at + 1] : undefined;
  const started = Date.now();
  (out ? buildConsole(out) : ensureConsoleBuilt()).then(
    (dir) => process.stdout.write(`console built in ${dir} (${Date.now() - started} ms)\n`),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
