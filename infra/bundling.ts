/**
 * How every Lambda is bundled, shared by the CDK functions (infra/) and the cold-start bench so
 * the figures describe what is deployed. The AWS SDK is bundled, not taken from the runtime:
 * the version is pinned by the lockfile and tree-shaking keeps only the commands used.
 */
import type { BuildOptions } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ESM output still meets CommonJS dependencies that call require(): give them one. */
export const ESM_REQUIRE_BANNER = "import { createRequire as __sollecitoRequire } from 'node:module';const require = __sollecitoRequire(import.meta.url);";

export const LAMBDA_TARGET = 'node22';

/** Lambda's credentials are in the environment: the rest of the SDK's default chain is dead weight there. */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': fileURLToPath(new URL('../lambdas/adapters/lambda-credentials.ts', import.meta.url)),
};

/**
 * Data files every function carries beside its index.mjs, at the same path from the repository
 * root, instead of inside it: read on first use (lambdas/domain/shared/packaged-file.ts), they
 * cost a cold start nothing, where 210 KB of templates and holiday table as code were compiled at
 * each one. The CDK copies them after bundling (infra/constructs/defaults.ts), as the bench and
 * the bundling test do (copyPackagedFiles).
 */
export const PACKAGED_FILES: readonly string[] = [
  'templates/en.json',
  'templates/it.json',
  'templates/ro.json',
  'templates/layout.json',
  'lambdas/domain/timeline/holiday-table.bin',
];

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Copies PACKAGED_FILES beside a bundle written to `outdir`. */
export const copyPackagedFiles = (outdir: string): void => {
  for (const path of PACKAGED_FILES) {
    mkdirSync(dirname(join(outdir, path)), { recursive: true });
    copyFileSync(join(REPO_ROOT, path), join(outdir, path));
  }
};

/** The bundle's directory is where its packaged files are (packaged-file.ts reads this). */
export const LAMBDA_DEFINE: Readonly<Record<string, string>> = { __PACKAGED_FILES_ROOT__: JSON.stringify('./') };

export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_TARGET,
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  legalComments: 'none',
  // Accented letters of the it/ro templates as UTF-8 (2 bytes), not \uXXXX escapes (6).
  charset: 'utf8',
  alias: LAMBDA_ALIASES,
  define: LAMBDA_DEFINE,
} satisfies BuildOptions;

/** Every bundle stays under this (bench/cold-start.ts prints each; test/infra/bundling.test.ts keeps it). */
export const BUNDLE_SIZE_TARGET_KB = 700;
/** The function allowed over it: the dossier draws its PDF with pdf-lib and the standard fonts (~350 KB alone). */
export const BUNDLE_SIZE_TARGET_EXEMPT: ReadonlySet<string> = new Set(['hand-over-dossier']);
