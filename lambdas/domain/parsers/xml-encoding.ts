/**
 * The character encoding of an XML document: what its declaration says (<?xml … encoding="…"?>),
 * UTF-8 when it says nothing (XML 1.0 §4.3.3). FatturaPA files from older accounting software
 * declare ISO-8859-1 or Windows-1252; reading them as UTF-8 would turn "Società" into "Societ�".
 */
import { FileRejected } from './types.js';

export type Decoder = InstanceType<typeof TextDecoder>;

// The declaration is ASCII in every encoding a decoder here can read, so Latin-1 reads it safely.
// A file opening with a UTF-8 byte-order mark does not match: the mark decides (XML 1.0, appendix F).
const DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']/;

/** The encoding the document declares in its first bytes, as written, or undefined. */
export const declaredXmlEncoding = (head: Uint8Array): string | undefined =>
  DECLARATION.exec(new TextDecoder('latin1').decode(head.subarray(0, 256)))?.[1];

/**
 * A decoder for the document whose first bytes are `head`. FileRejected for an encoding no
 * decoder here reads, and for UTF-16 (a UTF-16 file with a byte-order mark is turned away earlier).
 */
export const xmlDecoder = (head: Uint8Array): Decoder => {
  const declared = declaredXmlEncoding(head);
  if (declared === undefined) return new TextDecoder('utf-8');
  let decoder: Decoder;
  try {
    decoder = new TextDecoder(declared);
  } catch {
    throw new FileRejected(`the XML declares encoding "${declared}", which cannot be read: save it as UTF-8`);
  }
  if (decoder.encoding.startsWith('utf-16')) throw new FileRejected(`the XML declares encoding "${declared}": save it as UTF-8`);
  return decoder;
};

/** True when the document declares an encoding other than UTF-8 that xmlDecoder reads. */
export const declaresLegacyEncoding = (head: Uint8Array): boolean => {
  try {
    return xmlDecoder(head).encoding !== 'utf-8';
  } catch {
    // Not readable: left to the UTF-8 check, which names the problem.
    return false;
  }
};
