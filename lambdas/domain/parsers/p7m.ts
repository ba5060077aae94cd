/**
 * Signed FatturaPA files (CAdES-BES, `.xml.p7m`): the XML travels inside a CMS SignedData
 * envelope, DER or base64 of DER. asn1js decodes the envelope and the encapsulated content is
 * returned as it was signed. The signature itself is not verified here: the SdI checked it
 * before delivering the invoice, and chasing does not depend on it.
 */
import * as asn1js from 'asn1js';
import { FileRejected } from './types.js';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

const base64Body = (bytes: Uint8Array): Uint8Array | undefined => {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 64)).trim();
  if (!/^MI[A-Za-z0-9+/]/.test(text)) return undefined;
  return Uint8Array.from(Buffer.from(new TextDecoder('latin1').decode(bytes).replace(/\s+/g, ''), 'base64'));
};

/** Concatenated content of an OCTET STRING, primitive or constructed (BER chunks). */
const octets = (block: asn1js.AsnType): Uint8Array => {
  if (!(block instanceof asn1js.OctetString)) throw new FileRejected('the signed envelope holds no document (no OCTET STRING content)');
  if (!block.idBlock.isConstructed) return new Uint8Array(block.valueBlock.valueHexView);
  const parts = block.valueBlock.value.map((b) => octets(b));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/** The document a `.p7m` envelope carries, or FileRejected with the reason. */
export const unwrapSigned = (bytes: Uint8Array): Uint8Array => {
  const der = base64Body(bytes) ?? bytes;
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(der);
  } catch (err) {
    // asn1js throws, instead of reporting, on some malformed values (a GeneralizedTime it cannot read).
    throw new FileRejected(`not a signed envelope (.p7m): ${(err as Error).message}`);
  }
  if (parsed.offset === -1) throw new FileRejected(`not a signed envelope (.p7m): ${parsed.result.error || 'unreadable ASN.1'}`);
  const contentInfo = parsed.result;
  if (!(contentInfo instanceof asn1js.Sequence)) throw new FileRejected('not a signed envelope (.p7m): no CMS ContentInfo');
  const [type, wrapped] = contentInfo.valueBlock.value;
  if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== SIGNED_DATA) {
    throw new FileRejected('the .p7m envelope is not CMS SignedData');
  }
  const signedData = (wrapped as asn1js.Constructed | undefined)?.valueBlock.value[0];
  if (!(signedData instanceof asn1js.Sequence)) throw new FileRejected('the .p7m envelope has no SignedData');
  // SignedData: version, digestAlgorithms, encapContentInfo { eContentType, [0] EXPLICIT eContent }, ...
  const encap = signedData.valueBlock.value[2];
  if (!(encap instanceof asn1js.Sequence)) throw new FileRejected('the .p7m envelope has no encapsulated content');
  const explicit = encap.valueBlock.value[1] as asn1js.Constructed | undefined;
  if (!explicit) throw new FileRejected('the .p7m signature is detached: upload the XML it signs');
  const content = explicit.valueBlock.value[0];
  if (!content) throw new FileRejected('the .p7m envelope holds no document');
  return octets(content);
};
