/**
 * Data files a Lambda carries beside its bundle instead of inside it (issue 19: the message
 * templates and the holiday table were 210 KB of every message sender's code, compiled at each
 * cold start whether the invocation used them or not). Each is read where it is first needed.
 *
 * `path` is from the repository root, and the bundling copies each file listed in
 * infra/bundling.ts PACKAGED_FILES to the same path beside index.mjs, defining
 * __PACKAGED_FILES_ROOT__ as the bundle's own directory. From the source tree (vitest, tsx, the
 * local stack) nothing defines it, and the file is read where it is.
 */
import { readFileSync } from 'node:fs';

declare const __PACKAGED_FILES_ROOT__: string | undefined;

const root = typeof __PACKAGED_FILES_ROOT__ === 'string' ? __PACKAGED_FILES_ROOT__ : '../../../';

export const packagedFile = (path: string): URL => new URL(`${root}${path}`, import.meta.url);

/** A packaged file's bytes. */
export const readPackagedFile = (path: string): Buffer => readFileSync(packagedFile(path));
