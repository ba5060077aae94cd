/**
 * One real esbuild run through HandlerFunction (infra/constructs/defaults.ts), and the bundle
 * loaded like Lambda would.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandlerFunction, REPO_ROOT, handlerExists } from '../../infra/constructs/defaults.js';
import { CDK_JSON_CONTEXT, TEST_ENV } from '../support/synth.js';
import type { Json } from '../support/stack-template.js';

describe('bundling', () => {
  // One real esbuild run through NodejsFunction: ESM with the require() banner, JSON templates
  // inlined, the SDK inside, a source map next to it; then the bundle is loaded like Lambda would.
  const handler = 'ageing-report';
  let dir: string;
  let outdir: string | undefined;

  afterAll(() => {
    if (outdir) rmSync(outdir, { recursive: true, force: true });
  });

  beforeAll(() => {
    if (!handlerExists(handler)) return;
    outdir = mkdtempSync(join(tmpdir(), 'sollecito-bundle-'));
    const app = new App({ outdir, context: CDK_JSON_CONTEXT });
    const st = new Stack(app, 'BundleCheck', { env: TEST_ENV });
    const fn = new HandlerFunction(st, 'Fn', { handler, description: 'bundle check', logRetention: logs.RetentionDays.ONE_DAY });
    const assembly = app.synth();
    const key = (Template.fromStack(st).toJSON().Resources as Record<string, Json>)[st.getLogicalId(fn.node.defaultChild as CfnElement)]!.Properties.Code.S3Key as string;
    dir = join(assembly.directory, `asset.${key.replace(/\.zip$/, '')}`);
  }, 120_000);

  it.skipIf(!handlerExists(handler))('produces index.mjs with the require() banner, the SDK and the JSON templates inside, and a source map', () => {
    expect(readdirSync(dir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith('import')).toBe(true);
    expect(code.slice(0, 300)).toMatch(/createRequire/);
    const words = JSON.parse(readFileSync(join(REPO_ROOT, 'templates', 'report', 'it.json'), 'utf8')) as Record<string, unknown>;
    const sample = Object.values(words).find((v): v is string => typeof v === 'string' && v.length > 8);
    expect(sample, 'a sentence from templates/report/it.json').toBeDefined();
    expect(code).toContain(JSON.stringify(sample).slice(1, -1));
    const map = JSON.parse(readFileSync(join(dir, 'index.mjs.map'), 'utf8')) as { sources: string[]; sourcesContent?: unknown };
    expect(map.sources.some((p) => p.includes('lambdas/handlers/ageing-report.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  // From a temporary directory with no node_modules above it: only what is inside the bundle resolves.
  it.skipIf(!handlerExists(handler))('loads as an ES module outside the repo (SDK and dependencies inside) and exports the handler', async () => {
    process.env.TABLE_NAME ??= 'bundle-check';
    const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
    expect(typeof mod.handler).toBe('function');
  });

});
