/** The bank samples, read in place from shared/conformance/bank beside the clone (never copied into the repo). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStatement } from '../../../lambdas/domain/bank/read-statement.js';
import type { StatementRead } from '../../../lambdas/domain/bank/types.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const SAMPLES = join(repoRoot, '..', 'shared', 'conformance', 'bank');

export const sampleBytes = (name: string): Uint8Array => readFileSync(join(SAMPLES, name));

export const readSample = (name: string, account?: { currency?: string }): Promise<StatementRead> =>
  readStatement({ name, bytes: sampleBytes(name), ...(account ? { account } : {}) });
