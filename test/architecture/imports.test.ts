/**
 * The shape of the import graph over lambdas/, local/, infra/ and statemachines/ (type-only imports
 * count: a type is a dependency too): no cycles, and a domain that stays pure — it imports no
 * adapter, use case, handler or HTTP layer, no AWS SDK, middy, Powertools or Lambda types, and
 * speaks no HTTP status. No `as unknown as` anywhere in lambdas/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/defaults.js';

const ROOTS = ['lambdas', 'local', 'infra', 'statemachines'];
const DOMAIN = 'lambdas/domain/';
/** What the domain may not import, by repository folder or package. */
const FORBIDDEN_IN_DOMAIN_FOLDERS = ['lambdas/adapters/', 'lambdas/app/', 'lambdas/handlers/', 'lambdas/api/'];
const FORBIDDEN_IN_DOMAIN_PACKAGES = /^(@aws-sdk\/|@middy\/|@aws-lambda-powertools\/|aws-lambda$)/;
/** A status field, variable or comparison given an HTTP status code: `status: 409`, `statusCode === 404`. */
const HTTP_STATUS = /\b\w*status\w*["']?\s*(?::|=|===|!==|==|!=)\s*[1-5]\d\d\b/i;
/** Every module specifier of a file: static imports and re-exports (type-only too), dynamic import(). */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

let graph: Record<string, string[]>;
let cycles: string[][];
let unresolved: string[];

beforeAll(async () => {
  const result = await madge(ROOTS, {
    baseDir: REPO_ROOT,
    fileExtensions: ['ts'],
    tsConfig: join(REPO_ROOT, 'tsconfig.json'),
    excludeRegExp: [/node_modules/, /\.d\.ts$/],
    detectiveOptions: { ts: { skipTypeImports: false }, es6: { skipTypeImports: false } },
  });
  graph = result.obj();
  cycles = result.circular();
  unresolved = result.warnings().skipped;
}, 60_000);

const source = (file: string) => readFileSync(join(REPO_ROOT, file), 'utf8');
const lines = (file: string) => source(file).split('\n');
const domainFiles = () => Object.keys(graph).filter((f) => f.startsWith(DOMAIN));

describe('import graph', () => {
  it('reads type-only imports too', () => {
    // local/services/sfn-emulator.ts imports VirtualClock with `import type` only.
    expect(graph['local/services/sfn-emulator.ts']).toContain('local/clock.ts');
  });

  it('resolves every import to a file (otherwise the checks below see part of the graph)', () => {
    expect(unresolved).toEqual([]);
  });

  it('has no cycles', () => {
    expect(cycles.map((c) => [...c, c[0]].join(' -> '))).toEqual([]);
  });
});

describe('lambdas/domain', () => {
  it('imports no adapter, use case, handler or HTTP layer', () => {
    const offending = domainFiles().flatMap((file) =>
      graph[file]!.filter((dep) => FORBIDDEN_IN_DOMAIN_FOLDERS.some((folder) => dep.startsWith(folder))).map((dep) => `${file} -> ${dep}`),
    );
    expect(offending).toEqual([]);
  });

  it('imports no AWS SDK, middy, Powertools or aws-lambda', () => {
    const offending = domainFiles().flatMap((file) =>
      [...source(file).matchAll(SPECIFIER)]
        .map((m) => m[1]!)
        .filter((spec) => FORBIDDEN_IN_DOMAIN_PACKAGES.test(spec) || (spec.startsWith('.') && FORBIDDEN_IN_DOMAIN_FOLDERS.some((f) => relative(REPO_ROOT, resolve(dirname(join(REPO_ROOT, file)), spec)).startsWith(f))))
        .map((spec) => `${file} -> ${spec}`),
    );
    expect(offending).toEqual([]);
  });

  it('speaks no HTTP status', () => {
    const offending = domainFiles().flatMap((file) =>
      lines(file).flatMap((line, i) => (HTTP_STATUS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offending).toEqual([]);
  });
});

describe('lambdas', () => {
  it('never casts through unknown (`as unknown as`): parse, or type it right', () => {
    const offending = Object.keys(graph)
      .filter((f) => f.startsWith('lambdas/'))
      .flatMap((file) => lines(file).flatMap((line, i) => (/\bas unknown as\b/.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(offending).toEqual([]);
  });
});
