/**
 * The functions do not load their source maps at start (docs/operations.md): a trace they log is
 * decoded afterwards by `npm run decode-stack` with the map shipped beside the bundle. This builds a
 * bundle the way the CDK does (mappings only, no sources) and decodes a position in it.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAMBDA_ESBUILD_OPTIONS } from '../../infra/bundling.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sollecito-stack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run decode-stack', () => {
  it('turns a position in the minified bundle into the TypeScript line it came from', async () => {
    const bundle = join(dir, 'index.mjs');
    await build({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [join(ROOT, 'lambdas/handlers/record-failure.ts')], outfile: bundle, sourcesContent: false, logLevel: 'silent' });
    // Where the bundle calls the store's recordFailure: a frame a failure's trace would show.
    const lines = readFileSync(bundle, 'utf8').split('\n');
    const row = lines.findIndex((l) => l.includes('.recordFailure('));
    const col = lines[row]!.indexOf('.recordFailure(') + 1;
    const frame = `    at handler (file:///var/task/index.mjs:${row + 1}:${col + 1})`;

    const out = execFileSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/decode-stack.ts'), `${bundle}.map`], {
      input: `Error: boom\n${frame}\n`,
      encoding: 'utf8',
    });

    const decoded = /\[(lambdas\/[^\]:]+\.ts):(\d+):(\d+)\]/.exec(out);
    // Every line kept as it was; the frame gains its source position.
    expect(out.split('\n')[0]).toBe('Error: boom');
    expect(out.split('\n')[1]).toMatch(new RegExp(`^    at handler \\(file:///var/task/index\\.mjs:${row + 1}:${col + 1} \\[lambdas/.+\\.ts:\\d+:\\d+\\]\\)$`));
    expect(decoded, out).not.toBeNull();
    const sourceLine = readFileSync(join(ROOT, decoded![1]!), 'utf8').split('\n')[Number(decoded![2]) - 1]!;
    expect(sourceLine).toContain('recordFailure(');
  });
});
