import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readStatement, sniffStatement } from '../../../lambdas/domain/bank/read-statement.js';
import { readCamt } from '../../../lambdas/domain/bank/camt.js';
import { readMt940 } from '../../../lambdas/domain/bank/mt940.js';
import { StatementRejected } from '../../../lambdas/domain/bank/types.js';

const bytes = (s: string | number[]) => (typeof s === 'string' ? new TextEncoder().encode(s) : new Uint8Array(s));

describe('reading any bank file', () => {
  it('tells the format from the bytes, the name only when they do not say', () => {
    expect(sniffStatement('x.txt', bytes('<?xml version="1.0"?><Document/>'))).toBe('camt');
    expect(sniffStatement('x', bytes('\x01\r\n:20:ABC\r\n'))).toBe('mt940');
    expect(sniffStatement('x', bytes('{1:F01X}{2:I940X}{4:\n:20:A'))).toBe('mt940');
    expect(sniffStatement('statement.sta', bytes('garbage'))).toBe('mt940');
    expect(sniffStatement('movimenti.csv', bytes('Data;Importo\n'))).toBe('csv');
    expect(() => sniffStatement('x.pdf', bytes('%PDF-1.7'))).toThrow(/PDF/);
    expect(() => sniffStatement('x', bytes([0x50, 0x4b, 0x03, 0x04]))).toThrow(/ZIP/);
    expect(() => sniffStatement('x', bytes(''))).toThrow(/empty/);
    expect(() => sniffStatement('x', bytes('hello'))).toThrow(StatementRejected);
  });

  it('reads an ISO-8859-1 camt as declared', async () => {
    const xml = '<?xml version="1.0" encoding="ISO-8859-1"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>S</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>M\xfcller</Nm></Dbtr></RltdPties></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>';
    const r = await readStatement({ name: 'a.xml', bytes: new Uint8Array([...xml].map((c) => c.charCodeAt(0))) });
    expect(r.credits[0]!.debtor!.name).toBe('Müller');
  });

  it('never crashes on any bytes: a read with rejections, or StatementRejected', async () => {
    const prefixes = ['', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt><Stmt>', ':20:X\n:25:A\n:28C:1\n:60F:C260301EUR1,00\n:61:', 'Data;Importo;Descrizione\n'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 600 }), fc.constantFrom('a.xml', 'a.sta', 'a.csv', 'a'), async (prefix, tail, name) => {
        const file = new Uint8Array([...new TextEncoder().encode(prefix), ...tail]);
        try {
          const r = await readStatement({ name, bytes: file, account: { currency: 'EUR' } });
          expect(Array.isArray(r.rejections) && Array.isArray(r.credits)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(StatementRejected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never crashes on structured noise fed to the readers directly', () => {
    const tags = fc.constantFrom(':20:', ':25:', ':28C:', ':60F:', ':61:', ':86:', ':62F:', '-', '{1:', '}', '?20', '/EREF/', 'C', 'RC', 'D', '260302', 'EUR', '10,00', 'NTRF', '\n');
    fc.assert(
      fc.property(fc.array(tags, { maxLength: 60 }), (parts) => {
        try {
          readMt940(parts.join(''));
        } catch (err) {
          expect(err).toBeInstanceOf(StatementRejected);
        }
      }),
      { numRuns: 300 },
    );
    const xml = fc.constantFrom('<Ntry>', '</Ntry>', '<Amt Ccy="EUR">', '</Amt>', '1.5', '<CdtDbtInd>CRDT</CdtDbtInd>', '<Sts>BOOK</Sts>', '<NtryDtls><TxDtls>', '</TxDtls></NtryDtls>', '<RtrInf/>', '<RvslInd>true</RvslInd>');
    fc.assert(
      fc.property(fc.array(xml, { maxLength: 30 }), (parts) => {
        const doc = `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><Ntfctn>${parts.join('')}</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>`;
        try {
          readCamt(doc);
        } catch (err) {
          expect(err).toBeInstanceOf(StatementRejected);
        }
      }),
      { numRuns: 300 },
    );
  });
});
