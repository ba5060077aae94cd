/**
 * A bank file's bytes -> its credits and returns: the format is told from the first bytes (and
 * the name when they do not say), the text decoded, and the reader for the format called.
 */
import { FileRejected, LIMITS } from '../parsers/types.js';
import { xmlDecoder } from '../parsers/xml-encoding.js';
import { readBankCsv, type BankCsvMapping, type BankCsvOptions } from './bank-csv.js';
import { readCamt } from './camt.js';
import { readMt940 } from './mt940.js';
import { StatementRejected, type StatementRead } from './types.js';

export type StatementKind = 'camt' | 'mt940' | 'csv';

export interface StatementFile {
  /** The object key or file name: its extension decides only when the bytes do not. */
  name: string;
  bytes: Uint8Array;
  /** The tenant's account the file is for (CSV exports do not say; its currency is their default). */
  account?: BankCsvOptions['account'];
  csvMapping?: BankCsvMapping;
}

const startsWith = (b: Uint8Array, ...sig: number[]) => sig.every((v, i) => b[i] === v);

const extension = (name: string): string => {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot < 0 ? '' : base.slice(dot + 1);
};

const MT940_EXTENSIONS = new Set(['sta', '940', 'mt940', 'swi']);

/** What the file is, or StatementRejected with what to upload instead. */
export const sniffStatement = (name: string, bytes: Uint8Array): StatementKind => {
  if (bytes.byteLength === 0) throw new StatementRejected('the file is empty');
  if (bytes.byteLength > LIMITS.maxDocumentBytes) throw new StatementRejected(`the file is larger than ${LIMITS.maxDocumentBytes / 1024 / 1024} MB: ask the bank for one statement per file`);
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) throw new StatementRejected('this is a ZIP or Excel (.xlsx) file: unzip it, or export the sheet as CSV, and upload that');
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0)) throw new StatementRejected('this is an old Excel (.xls) file: export the sheet as CSV and upload that');
  if (startsWith(bytes, 0x25, 0x50, 0x44, 0x46)) throw new StatementRejected('this is a PDF: download the statement as camt.053 XML, MT940 or CSV from the bank instead');
  if (startsWith(bytes, 0x1f, 0x8b)) throw new StatementRejected('this file is gzip-compressed: upload it uncompressed');
  if (startsWith(bytes, 0xff, 0xfe) || startsWith(bytes, 0xfe, 0xff)) throw new StatementRejected('the file is UTF-16 text: save it as UTF-8');
  // Latin-1 reads any byte, and every marker looked for here is ASCII.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096)).replace(/^(\u00ef\u00bb\u00bf|[\s\x00-\x1f])+/, '');
  if (head.startsWith('<')) return 'camt';
  if (/^(\{1:|:20:)/.test(head) || /^:20:/m.test(head)) return 'mt940';
  const ext = extension(name);
  if (ext === 'xml') return 'camt';
  if (MT940_EXTENSIONS.has(ext)) return 'mt940';
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
  if (ext === 'csv' || ext === 'txt' || /[;,\t]/.test(firstLine)) return 'csv';
  throw new StatementRejected('this is not a bank statement Sollecito reads: upload camt.053 or camt.054 XML, an MT940 file or the bank\'s CSV export');
};

/** UTF-8, else Windows-1252: German MT940 files and Italian CSV exports are often written in it. */
const decodeText = (bytes: Uint8Array): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
};

const decodeXml = (bytes: Uint8Array): string => {
  try {
    return xmlDecoder(bytes.subarray(0, 1024)).decode(bytes);
  } catch (err) {
    if (err instanceof FileRejected) throw new StatementRejected(err.reason, 'encoding');
    throw new StatementRejected('the XML is not valid text in the encoding it declares: save it as UTF-8', 'encoding');
  }
};

/** Reads any supported bank file. StatementRejected when the file cannot be read at all. */
export const readStatement = async (file: StatementFile): Promise<StatementRead> => {
  const kind = sniffStatement(file.name, file.bytes);
  switch (kind) {
    case 'camt':
      return readCamt(decodeXml(file.bytes));
    case 'mt940':
      return readMt940(decodeText(file.bytes));
    case 'csv':
      return readBankCsv(decodeText(file.bytes).replace(/^\uFEFF/, ''), { account: file.account ?? {}, mapping: file.csvMapping });
  }
};
