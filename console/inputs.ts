/**
 * What the console's build is made of, without the build tooling: its folder, its output, and the
 * hash of its inputs (the page, the sources, build.ts and the lockfile). The CDK asset
 * (infra/constructs/console.ts) and `npm start` (local/start.ts) read this; only console/build.ts
 * loads Vite.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONSOLE_DIR = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
const REPO_ROOT = join(CONSOLE_DIR, '..');
/** The file in a build that records the hash of the inputs it was made from. */
export const STAMP = '.inputs-hash';

/** The files the build reads: the page, the sources, this file, and the lockfile (library versions). */
const inputs = (): string[] => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]))
      .sort();
  return [join(CONSOLE_DIR, 'index.html'), join(CONSOLE_DIR, 'build.ts'), join(CONSOLE_DIR, 'inputs.ts'), ...walk(join(CONSOLE_DIR, 'src')), join(REPO_ROOT, 'package-lock.json')];
};

export const consoleInputsHash = (): string => {
  const h = createHash('sha256');
  for (const file of inputs()) h.update(relative(REPO_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return h.digest('hex');
};

/** console/dist is there and was built from the inputs as they are now. */
export const isConsoleBuilt = (): boolean => {
  const stamp = join(CONSOLE_DIST, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === consoleInputsHash();
};
