/**
 * Byte streams -> what the parsers read: the first bytes (to decide what the file is), UTF-8 text
 * chunks, or a whole document under a size limit. Reading stops (and the source is released) as
 * soon as a limit is crossed, so a 200 MB file of garbage costs one chunk, not 200 MB.
 */
import { FileRejected, LIMITS } from './types.js';

export interface Peeked {
  head: Uint8Array;
  /** The whole file was read into `head`. */
  complete: boolean;
  /** Every byte, the head first (iterate once). */
  all: AsyncIterable<Uint8Array>;
}

/** Reads up to `bytes` from the source, giving back an iterable that replays them before the rest. */
export const peek = async (source: AsyncIterable<Uint8Array>, bytes: number = LIMITS.sniffBytes): Promise<Peeked> => {
  const it = source[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let size = 0;
  let complete = false;
  while (size < bytes) {
    const next = await it.next();
    if (next.done) {
      complete = true;
      break;
    }
    parts.push(next.value);
    size += next.value.byteLength;
  }
  const head = concat(parts, size);
  async function* all(): AsyncGenerator<Uint8Array> {
    try {
      if (head.byteLength > 0) yield head;
      if (complete) return;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { head, complete, all: all() };
};

const concat = (parts: Uint8Array[], size: number): Uint8Array => {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/** Counts bytes through, failing once `max` is crossed (a stream longer than its Content-Length or the limit). */
export async function* limited(source: AsyncIterable<Uint8Array>, max: number, what: string): AsyncGenerator<Uint8Array> {
  let size = 0;
  for await (const chunk of source) {
    size += chunk.byteLength;
    if (size > max) throw new FileRejected(`${what} is larger than ${Math.round(max / 1024 / 1024)} MB`);
    yield chunk;
  }
}

/**
 * UTF-8 text, the BOM dropped. Invalid bytes become U+FFFD, so the record holding them is
 * rejected (docs/ingest.md) while the others go on: the head was checked to be UTF-8 already.
 */
export async function* utf8Text(source: AsyncIterable<Uint8Array>, decoder = new TextDecoder('utf-8')): AsyncGenerator<string> {
  for await (const chunk of source) {
    const s = decoder.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** A whole document as text (UTF-8 unless another decoder is given), refusing more than `max` bytes. */
export const readDocument = async (source: AsyncIterable<Uint8Array>, max: number = LIMITS.maxDocumentBytes, decoder?: InstanceType<typeof TextDecoder>): Promise<string> => {
  let out = '';
  for await (const s of utf8Text(limited(source, max, 'the document'), decoder)) out += s;
  return out;
};

/** A whole document as bytes, refusing more than `max` bytes (binary-sniffed formats: bank statements). */
export const readBytes = async (source: AsyncIterable<Uint8Array>, max: number = LIMITS.maxDocumentBytes): Promise<Uint8Array> => {
  const parts: Uint8Array[] = [];
  for await (const chunk of limited(source, max, 'the document')) parts.push(chunk);
  return Buffer.concat(parts);
};

export const INVALID_UTF8 = '\uFFFD';
