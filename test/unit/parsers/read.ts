/** Test helpers: run a file (on disk or in memory) through the readers and collect what came out. */
import { createReadStream, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readCustomerFile, readInvoiceFile, type ReadOptions, type SourceFile } from '../../../lambdas/domain/parsers/read-file.js';
import { FileRejected, type Parsed, type Rejection } from '../../../lambdas/domain/parsers/types.js';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const FIXTURES = join(ROOT, 'test/fixtures/ingest');
/** A copy of ../shared/conformance, kept in the repository so a clean clone tests them. */
/** The real e-invoices in shared/conformance beside the checkout, read in place (never copied into the repository). */
export const CONFORMANCE = join(ROOT, '..', 'shared', 'conformance');
export const SEED = join(ROOT, 'local/seed');

export const fromDisk = (path: string, key = `invoices/${basename(path)}`): SourceFile => ({ key, size: statSync(path).size, body: createReadStream(path) });

/** In-memory bytes, delivered in 16 KiB chunks like a network stream. */
export const fromText = (key: string, text: string | Uint8Array): SourceFile => {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  async function* chunks() {
    for (let i = 0; i < bytes.byteLength; i += 16 * 1024) yield bytes.subarray(i, i + 16 * 1024);
  }
  return { key, size: bytes.byteLength, body: chunks() };
};

export interface Collected<T> {
  ok: T[];
  rejections: Rejection[];
  fileError?: FileRejected;
}

export const collect = async <T>(records: AsyncIterable<Parsed<T>>): Promise<Collected<T>> => {
  const out: Collected<T> = { ok: [], rejections: [] };
  try {
    for await (const r of records) {
      if (r.ok) out.ok.push(r.value);
      else out.rejections.push(...r.rejections);
    }
  } catch (err) {
    if (!(err instanceof FileRejected)) throw err;
    out.fileError = err;
  }
  return out;
};

export const invoices = (file: SourceFile, opts?: ReadOptions) => collect(readInvoiceFile(file, opts));
export const customers = (file: SourceFile, opts?: ReadOptions) => collect(readCustomerFile(file, opts));
