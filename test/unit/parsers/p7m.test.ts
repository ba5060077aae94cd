import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE, FIXTURES, fromDisk, invoices } from './read.js';
import { unwrapSigned } from '../../../lambdas/domain/parsers/p7m.js';
import { FileRejected } from '../../../lambdas/domain/parsers/types.js';

// The FPR01 conformance sample signed with `openssl cms -sign -binary -nodetach -outform DER`, and its base64 form;
// the latin1 one is FPR01 re-declared ISO-8859-1 with an accented buyer, signed the same way.
const SIGNED = join(FIXTURES, 'signed');

describe('signed FatturaPA (.xml.p7m)', () => {
  it('returns the signed XML byte for byte, from DER and from base64', () => {
    const original = readFileSync(join(CONFORMANCE, 'fatturapa/IT01234567890_FPR01.xml'));
    for (const f of ['IT01234567890_FPR01.xml.p7m', 'IT01234567890_FPR01.b64.xml.p7m']) {
      expect(Buffer.from(unwrapSigned(readFileSync(join(SIGNED, f)))).equals(original), f).toBe(true);
    }
  });

  it('ingests the invoice inside exactly as the plain XML', async () => {
    const plain = await invoices(fromDisk(join(CONFORMANCE, 'fatturapa/IT01234567890_FPR01.xml')));
    for (const f of ['IT01234567890_FPR01.xml.p7m', 'IT01234567890_FPR01.b64.xml.p7m']) {
      const signed = await invoices(fromDisk(join(SIGNED, f)));
      expect(signed.fileError).toBeUndefined();
      expect(signed.ok).toEqual(plain.ok);
    }
  });

  it('reads the signed document in the encoding it declares (ISO-8859-1 inside the envelope)', async () => {
    const out = await invoices(fromDisk(join(SIGNED, 'IT01234567890_FPR01.latin1.xml.p7m')));
    expect(out.fileError).toBeUndefined();
    expect(out.ok.map((i) => [i.number, i.buyer?.name])).toEqual([['123', 'Società Beta di Niccolò']]);
  });

  it('rejects an envelope that is not SignedData or holds no document, with the reason', () => {
    // ContentInfo with the id-data OID (1.2.840.113549.1.7.1) instead of signedData.
    const data = Uint8Array.from([0x30, 0x0b, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01]);
    expect(() => unwrapSigned(data)).toThrow(/not CMS SignedData/);
    // A GeneralizedTime (tag 24) asn1js cannot convert makes it throw rather than report: still a reason, not a crash.
    expect(() => unwrapSigned(Uint8Array.from([24, 0]))).toThrow(FileRejected);
    expect(() => unwrapSigned(Uint8Array.from([0x01, 0x02]))).toThrow(/not a signed envelope/);
  });
});
