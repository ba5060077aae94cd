/**
 * What a file is, from its name and its first bytes, before anything is parsed. Binary files,
 * wrong encodings and signed envelopes are turned away here with a reason a person can act on.
 */
import { FileRejected } from './types.js';
import { declaresLegacyEncoding } from './xml-encoding.js';

export type DetectedFormat = 'csv' | 'json' | 'ndjson' | 'xml' | 'p7m' | 'pdf';

const startsWith = (b: Uint8Array, ...sig: number[]) => sig.every((v, i) => b[i] === v);

const extension = (key: string): string => {
  const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
  if (name.endsWith('.xml.p7m')) return 'xml.p7m';
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1);
};

/** True when `bytes` is valid UTF-8, a multi-byte character cut at the end excepted. */
const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
};

const firstChar = (text: string): string => text.replace(/^\uFEFF/, '').trimStart().charAt(0);

/**
 * Decides the format or throws FileRejected. `complete`: the head is the whole file.
 * Order: signatures of binary formats, encodings, then the text's first character and the extension.
 */
export const detectFormat = (key: string, head: Uint8Array, complete: boolean): DetectedFormat => {
  const ext = extension(key);
  if (head.byteLength === 0) throw new FileRejected('the file is empty');
  if (ext === 'p7m' || ext === 'xml.p7m') return 'p7m';
  if (ext === 'p7s') throw new FileRejected('a .p7s file is a detached signature: upload the XML it signs');
  if (startsWith(head, 0x50, 0x4b, 0x03, 0x04)) {
    throw new FileRejected('this is a ZIP or Excel (.xlsx) file: export the sheet as "CSV UTF-8" and upload that');
  }
  if (startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)) throw new FileRejected('this is an old Excel (.xls) file: export the sheet as "CSV UTF-8" and upload that');
  // A PDF is read for the e-invoice it embeds (Factur-X / ZUGFeRD, pdf-attachments.ts), or refused there.
  if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) return 'pdf';
  if (startsWith(head, 0x1f, 0x8b)) throw new FileRejected('this file is gzip-compressed: upload it uncompressed');
  if (startsWith(head, 0xff, 0xfe) || startsWith(head, 0xfe, 0xff)) {
    throw new FileRejected('the file is UTF-16 text: save it as UTF-8 (in Excel: "CSV UTF-8")');
  }
  // DER-encoded CMS (a .p7m renamed): SEQUENCE, then the signedData OID 1.2.840.113549.1.7.2 early on.
  if (head[0] === 0x30 && indexOf(head.subarray(0, 64), [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]) >= 0) return 'p7m';
  let controls = 0;
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) controls++;
  if (controls > 0 && controls / head.byteLength > 0.001) throw new FileRejected('binary data, not a text file (CSV, JSON or XML)');
  // An XML document may declare a legacy encoding (ISO-8859-1, Windows-1252): it is read in that encoding.
  if (ext !== 'csv' && ext !== 'json' && ext !== 'ndjson' && ext !== 'jsonl' && declaresLegacyEncoding(head)) return 'xml';
  if (!isUtf8(head)) {
    throw new FileRejected('the file is not UTF-8 text (it looks like Windows-1252/Latin-1): save it as UTF-8 (in Excel: "CSV UTF-8")');
  }
  const text = new TextDecoder('utf-8').decode(head);
  const c = firstChar(text);
  if (ext === 'xml') {
    if (c !== '<') throw new FileRejected('not XML: the file does not start with "<"');
    return 'xml';
  }
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  if (ext === 'json') {
    if (c === '[') return 'json';
    if (c === '{') return looksLikeNdjson(text, complete) ? 'ndjson' : 'json';
    throw new FileRejected('not JSON: the file does not start with "[" or "{"');
  }
  if (c === '<') return 'xml';
  if (c === '[') return 'json';
  if (c === '{') return looksLikeNdjson(text, complete) ? 'ndjson' : 'json';
  return 'csv';
};

/** NDJSON when the first line is a whole JSON object and something follows it. */
const looksLikeNdjson = (text: string, complete: boolean): boolean => {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  const nl = body.indexOf('\n');
  if (nl < 0) return !complete; // one long line not read to its end: stream it
  try {
    JSON.parse(body.slice(0, nl));
    return true;
  } catch {
    return false;
  }
};

const indexOf = (hay: Uint8Array, needle: number[]): number => {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
};
