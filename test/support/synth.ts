/**
 * Synthesizes the CDK app once per option set and hands out the Template: once per worker, as the
 * infra project (vitest.config.ts) runs its files without isolation, so they share this cache.
 * Bundling runs esbuild for every function: on by default when every handler file exists; off with
 * `bundle: false` (nag checks do not need the code) or SOLLECITO_SYNTH_BUNDLE=0. The app gets
 * cdk.json's context (feature flags) like `cdk synth` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { REPO_ROOT, handlerExists } from '../../infra/constructs/defaults.js';
import { SollecitoStack } from '../../infra/stack.js';
import { DUNNING_TASKS } from '../../statemachines/dunning.tasks.js';

export const TEST_ENV = { account: '123456789012', region: 'eu-south-1' };

/** Every handler the stack deploys: the ASL's tasks and the event/API/schedule handlers. */
export const stackHandlers = (): string[] => [
  ...DUNNING_TASKS.map((t) => t.handler),
  'table-stream',
  'hand-over-dossier',
  'ingest',
  'admin-api',
  'customer-pages',
  'ageing-report',
  'delivery-events',
  'ended-executions',
  'wake-timelines',
];

export const missingHandlers = (): string[] => stackHandlers().filter((h) => !handlerExists(h));

export interface SynthOptions {
  /** Bundle every function with esbuild (slow). Default: when no handler file is missing. */
  bundle?: boolean;
  /** Extra CDK context (the deployment settings of infra/constructs/config.ts). */
  context?: Record<string, unknown>;
}

export interface Synthesized {
  app: App;
  stack: SollecitoStack;
  template: Template;
  assembly: CloudAssembly;
  bundled: boolean;
  /** The file an asset of the template was staged to (the state machine definition, a function bundle). */
  assetPath: (assetHashOrKey: string) => string | undefined;
}

const cache = new Map<string, Synthesized>();
/** cdk.json's context: the feature flags every App in the tests should see. */
export const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> }).context ?? {};

const defaultBundle = (): boolean => process.env.SOLLECITO_SYNTH_BUNDLE !== '0' && missingHandlers().length === 0;

export const synthStack = (opts: SynthOptions = {}): Synthesized => {
  const bundle = opts.bundle ?? defaultBundle();
  const key = JSON.stringify({ ...opts, bundle });
  const hit = cache.get(key);
  if (hit) return hit;

  const app = new App({
    context: {
      // The feature flags `cdk synth` reads from cdk.json, so tests build what the CLI builds.
      ...CDK_JSON_CONTEXT,
      ...opts.context,
      // Empty list: no stack needs its assets bundled (CDK stages a placeholder instead).
      ...(bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new SollecitoStack(app, 'SollecitoTest', { env: TEST_ENV });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const assetPath = (hashOrKey: string): string | undefined => {
    const hash = hashOrKey.replace(/\.(json|zip)$/, '');
    for (const name of [`asset.${hash}`, `asset.${hash}.json`]) {
      const p = join(assembly.directory, name);
      if (existsSync(p)) return p;
    }
    return undefined;
  };
  const out = { app, stack, template, assembly, bundled: bundle, assetPath };
  cache.set(key, out);
  return out;
};
