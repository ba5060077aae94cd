/**
 * Powertools' logger keeps `message` (and the other keys it writes itself) for its own: an
 * attribute of that name given to a log call is dropped, so `{ message: err.message }` lost the
 * error's text (issue 20, item 7). No log call in lambdas/ passes one of those keys.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/constructs/defaults.js';

const RESERVED = ['message', 'level', 'timestamp', 'service', 'sampling_rate', 'xray_trace_id'];
/** A logger call whose attributes object literal names a reserved key. */
const CALL = new RegExp(`logger\\.(?:debug|info|warn|error|critical)\\(\\s*(?:'[^']*'|"[^"]*"|\`[^\`]*\`)\\s*,\\s*\\{[^}]*\\b(?:${RESERVED.join('|')})\\s*:`, 'g');

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

describe('log attributes', () => {
  it('no log call in lambdas/ passes a key the logger reserves', () => {
    const offending = files(join(REPO_ROOT, 'lambdas')).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(CALL)].map((m) => `${relative(REPO_ROOT, f)}: ${m[0]}`));
    expect(offending).toEqual([]);
  });
});
