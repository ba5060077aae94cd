/**
 * `npm run decode-stack -- <index.mjs.map> < stack.txt`: a stack trace logged by a deployed Lambda,
 * with each position in the minified bundle (index.mjs:line:column) followed by the source it came
 * from (lambdas/…/file.ts:line:column). The functions ship their source map beside the bundle but do
 * not load it at start (Node's --enable-source-maps costs every cold start; docs/operations.md), so
 * the map is read here, with Node's own SourceMap, only when somebody needs a trace.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative, resolve } from 'node:path';

const mapFile = process.argv[2];
if (!mapFile) {
  process.stderr.write('usage: npm run decode-stack -- <path/to/index.mjs.map> < stack.txt\n');
  process.exit(2);
}
const map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
const ROOT = resolve(import.meta.dirname, '..');

/** "index.mjs:12:3456" -> " [lambdas/handlers/x.ts:40:7]"; lines and columns are 1-based in traces, 0-based in maps. */
const decodeLine = (line: string): string =>
  line.replace(/(index\.mjs):(\d+):(\d+)/g, (whole, _file: string, l: string, c: string) => {
    const entry = map.findEntry(Number(l) - 1, Number(c) - 1);
    if (!('originalSource' in entry) || !entry.originalSource) return whole;
    const source = relative(ROOT, resolve(mapFile, '..', entry.originalSource.replace(/^file:\/\//, '')));
    return `${whole} [${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}]`;
  });

const input = readFileSync(0, 'utf8');
process.stdout.write(input.split('\n').map(decodeLine).join('\n'));
