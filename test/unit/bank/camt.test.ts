import { describe, expect, it } from 'vitest';
import { CAMT_VERSIONS, readCamt } from '../../../lambdas/domain/bank/camt.js';
import { StatementRejected } from '../../../lambdas/domain/bank/types.js';

interface EntryFixture {
  amount?: string;
  ccy?: string;
  cdtDbt?: 'CRDT' | 'DBIT';
  status?: string;
  reversal?: boolean;
  txs?: string[];
}

const v8Status = (version: string) => Number(version.slice(4)) >= 8;

/** A minimal statement or notification in the given version; entries as listed. */
const camt = (message: 'camt.053' | 'camt.054', version: string, entries: EntryFixture[], acctCcy = 'EUR'): string => {
  const [doc, report] = message === 'camt.053' ? ['BkToCstmrStmt', 'Stmt'] : ['BkToCstmrDbtCdtNtfctn', 'Ntfctn'];
  const status = (code: string) => (v8Status(version) ? `<Sts><Cd>${code}</Cd></Sts>` : `<Sts>${code}</Sts>`);
  const ntry = entries
    .map(
      (e, i) => `<Ntry><NtryRef>E${i + 1}</NtryRef><Amt Ccy="${e.ccy ?? 'EUR'}">${e.amount ?? '10.00'}</Amt><CdtDbtInd>${e.cdtDbt ?? 'CRDT'}</CdtDbtInd>${
        e.reversal ? '<RvslInd>true</RvslInd>' : ''
      }${status(e.status ?? 'BOOK')}<BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><DtTm>2026-03-02T23:30:00-05:00</DtTm></ValDt><AcctSvcrRef>REF${i + 1}</AcctSvcrRef>${
        e.txs ? `<NtryDtls>${e.txs.map((t) => `<TxDtls>${t}</TxDtls>`).join('')}</NtryDtls>` : ''
      }</Ntry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${message}.${version}"><${doc}><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T18:00:00</CreDtTm></GrpHdr>
<${report}><Id>S1</Id><CreDtTm>2026-03-02T18:00:00</CreDtTm><Acct><Id><IBAN>IT60X0542811101000000123456</IBAN></Id><Ccy>${acctCcy}</Ccy></Acct>${ntry}</${report}></${doc}></Document>`;
};

const party = (version: string, name: string) => (v8Status(version) ? `<Dbtr><Pty><Nm>${name}</Nm></Pty></Dbtr>` : `<Dbtr><Nm>${name}</Nm></Dbtr>`);

const rejectedWith = (fn: () => unknown): StatementRejected => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StatementRejected);
    return err as StatementRejected;
  }
  throw new Error('expected StatementRejected');
};

describe('camt versions', () => {
  for (const message of ['camt.053', 'camt.054'] as const) {
    for (const version of CAMT_VERSIONS) {
      it(`reads ${message}.${version}`, () => {
        const tx = `<Refs><EndToEndId>E2E-1</EndToEndId></Refs><RltdPties>${party(version, 'Rossi SpA')}<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>`;
        const r = readCamt(camt(message, version, [{ amount: '1234.50', txs: [tx] }]));
        expect(r.rejections).toEqual([]);
        expect(r.credits).toHaveLength(1);
        expect(r.credits[0]).toMatchObject({
          amount: 123450,
          currency: 'EUR',
          bookingDate: '2026-03-02',
          // Kept as the day written, not moved to 2026-03-03 in UTC.
          valueDate: '2026-03-02',
          debtor: { name: 'Rossi SpA', iban: 'DE89370400440532013000' },
          structuredReference: { scheme: 'SCOR', ref: 'RF18539007547034' },
          endToEndId: 'E2E-1',
          bankReference: 'REF1',
          source: { format: message, version, statementId: 'S1' },
        });
      });
    }
  }
  it('reads the twelve versions 001.02 to 001.13', () => {
    expect(CAMT_VERSIONS).toEqual(['001.02', '001.03', '001.04', '001.05', '001.06', '001.07', '001.08', '001.09', '001.10', '001.11', '001.12', '001.13']);
  });

  it('refuses a version it does not read, by name', () => {
    const err = rejectedWith(() => readCamt(camt('camt.053', '001.14', [{}])));
    expect(err.reason).toMatch(/^camt\.053\.001\.14 is a version of camt\.053 Sollecito does not read: it reads camt\.053\.001\.02 to camt\.053\.001\.13/);
    expect(rejectedWith(() => readCamt(camt('camt.054', '001.01', [{}]))).reason).toMatch(/^camt\.054\.001\.01 is a version/);
  });

  it('refuses another message by name', () => {
    const xml = camt('camt.053', '001.02', [{}]).replace('camt.053.001.02', 'camt.052.001.02');
    expect(rejectedWith(() => readCamt(xml)).reason).toMatch(/^camt\.052\.001\.02 is not a statement Sollecito reads/);
    expect(rejectedWith(() => readCamt('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn/></Document>')).reason).toMatch(
      /^pain\.001\.001\.03 is not a statement/,
    );
  });

  it('refuses a document without the ISO 20022 namespace', () => {
    expect(rejectedWith(() => readCamt('<Document><BkToCstmrStmt/></Document>')).reason).toMatch(/no ISO 20022 namespace/);
  });

  it('refuses XML that is not well-formed, naming where', () => {
    const xml = camt('camt.053', '001.02', [{}]).replace('</Ntry>', '</Ntr>');
    expect(rejectedWith(() => readCamt(xml)).reason).toMatch(/not well-formed at line \d+/);
    const truncated = camt('camt.053', '001.02', [{}]).slice(0, 400);
    expect(rejectedWith(() => readCamt(truncated)).reason).toMatch(/truncated|not well-formed/);
  });

  it('refuses a DOCTYPE', () => {
    const xml = camt('camt.053', '001.02', [{}]).replace('<Document', '<!DOCTYPE x [<!ENTITY a "b">]><Document');
    expect(rejectedWith(() => readCamt(xml)).reason).toMatch(/DOCTYPE/);
  });

  it('refuses a namespace whose document does not match', () => {
    const xml = camt('camt.053', '001.02', [{}]).replace('camt.053.001.02', 'camt.054.001.02');
    expect(rejectedWith(() => readCamt(xml)).reason).toMatch(/holds no <BkToCstmrDbtCdtNtfctn>/);
  });
});

describe('camt entries', () => {
  it('rejects an amount with more decimals than the currency has, and reads the rest', () => {
    const r = readCamt(camt('camt.053', '001.04', [{ amount: '10.005' }, { amount: '7.00' }, { amount: '100.5', ccy: 'JPY' }], 'EUR'));
    expect(r.rejections[0]).toEqual({ entry: 1, field: 'Amt', value: '10.005', reason: 'more decimals than EUR has (2)' });
    expect(r.credits.map((c) => [c.entryIndex, c.amount])).toEqual([[2, 700]]);
    expect(r.rejections).toHaveLength(2);
  });

  it('rejects a JPY amount with decimals and reads JPY without scaling', () => {
    const r = readCamt(camt('camt.053', '001.08', [{ amount: '1500.50', ccy: 'JPY' }, { amount: '1500', ccy: 'JPY' }], 'JPY'));
    expect(r.rejections).toEqual([{ entry: 1, field: 'Amt', value: '1500.50', reason: 'more decimals than JPY has (0)' }]);
    expect(r.credits.map((c) => c.amount)).toEqual([1500]);
  });

  it('rejects a credit in a currency other than the account', () => {
    const r = readCamt(camt('camt.053', '001.02', [{ ccy: 'USD' }, {}], 'EUR'));
    expect(r.rejections).toEqual([
      { entry: 1, field: 'Amt/@Ccy', value: 'USD', reason: 'the entry is in USD but the account IT60X0542811101000000123456 is kept in EUR' },
    ]);
    expect(r.credits).toHaveLength(1);
  });

  it('skips pending entries and counts them apart (status code up to 001.07, Sts/Cd from 001.08)', () => {
    for (const version of ['001.02', '001.08']) {
      const r = readCamt(camt('camt.054', version, [{ status: 'PDNG' }, { status: 'INFO' }, {}]));
      expect([r.pendingSkipped, r.credits.length, r.debitsSkipped]).toEqual([2, 1, 0]);
    }
  });

  it('skips a debit and counts it', () => {
    const r = readCamt(camt('camt.053', '001.02', [{ cdtDbt: 'DBIT' }, { cdtDbt: 'DBIT', amount: 'not checked' }, {}]));
    expect([r.debitsSkipped, r.credits.length, r.rejections.length]).toEqual([2, 1, 0]);
  });

  it('rejects an entry without a status or with a bad credit/debit mark', () => {
    const xml = camt('camt.053', '001.02', [{}, { cdtDbt: 'XXXX' as 'CRDT' }]).replace('<Sts>BOOK</Sts>', '');
    const r = readCamt(xml);
    expect(r.rejections.map((x) => [x.entry, x.field])).toEqual([
      [1, 'Sts'],
      [2, 'CdtDbtInd'],
    ]);
  });

  it('reads a batch one credit per transaction, Ustrd joined and Othr/Id trimmed', () => {
    const tx = (amt: string, name: string) =>
      `<Amt Ccy="EUR">${amt}</Amt><RltdPties><Dbtr><Nm>${name}</Nm></Dbtr><DbtrAcct><Id><Othr><Id>  0012345 </Id></Othr></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>Fattura 12</Ustrd><Ustrd>e 13</Ustrd></RmtInf>`;
    const r = readCamt(camt('camt.053', '001.04', [{ amount: '30.00', txs: [tx('10.00', 'A'), tx('20.00', 'B')] }]));
    expect(r.credits.map((c) => [c.transactionIndex, c.amount, c.debtor])).toEqual([
      [1, 1000, { name: 'A', otherAccountId: '0012345' }],
      [2, 2000, { name: 'B', otherAccountId: '0012345' }],
    ]);
    expect(r.credits[0]!.remittance).toBe('Fattura 12 e 13');
  });

  it('reads a batch whose transactions carry no amounts as one credit', () => {
    const r = readCamt(camt('camt.053', '001.04', [{ amount: '30.00', txs: ['<Refs><EndToEndId>A</EndToEndId></Refs>', '<Refs><EndToEndId>B</EndToEndId></Refs>'] }]));
    expect(r.credits.map((c) => [c.amount, c.transactionIndex])).toEqual([[3000, undefined]]);
  });

  it('reads a return with its reason and the original end-to-end id', () => {
    const tx = '<Refs><EndToEndId>ORIG-9</EndToEndId></Refs><RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Konto erloschen</AddtlInf></RtrInf>';
    const r = readCamt(camt('camt.053', '001.08', [{ cdtDbt: 'DBIT', reversal: true, amount: '99.00', txs: [tx] }]));
    expect(r.returns).toEqual([
      expect.objectContaining({ kind: 'reversal', direction: 'debit', amount: 9900, reason: 'AC04', reasonText: 'Konto erloschen', originalEndToEndId: 'ORIG-9' }),
    ]);
    expect(r.credits).toEqual([]);
    expect(r.debitsSkipped).toBe(0);
  });
});

describe('returns: reasons and charges', () => {
  const sddReturn = (charges: string) =>
    `<Refs><EndToEndId>SDD-2026-0301</EndToEndId></Refs><Amt Ccy="EUR">150.00</Amt>${charges}` +
    `<RltdPties><Dbtr><Pty><Nm>Bianchi Srl</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>IT02L1234512345123456789012</IBAN></Id></DbtrAcct></RltdPties>` +
    `<RtrInf><Rsn><Cd>AM04</Cd></Rsn><AddtlInf>Fondi insufficienti</AddtlInf></RtrInf>`;

  it('an SDD return (camt.054 debit with RtrInf AM04) carries its reason, the original end-to-end id and the charge records', () => {
    const charges = '<Chrgs><Rcrd><Amt Ccy="EUR">3.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd><Rcrd><Amt Ccy="EUR">0.50</Amt><CdtDbtInd>DBIT</CdtDbtInd></Rcrd></Chrgs>';
    const r = readCamt(camt('camt.054', '001.08', [{ cdtDbt: 'DBIT', amount: '150.00', txs: [sddReturn(charges)] }]));
    expect(r.returns).toEqual([
      expect.objectContaining({ kind: 'return', direction: 'debit', amount: 15000, reason: 'AM04', reasonText: 'Fondi insufficienti', originalEndToEndId: 'SDD-2026-0301', charge: 350, debtor: { name: 'Bianchi Srl', iban: 'IT02L1234512345123456789012' } }),
    ]);
  });

  it('prefers TtlChrgsAndTaxAmt, reads the entry-level charges of a one-movement entry, and names none when there are none', () => {
    const total = '<Chrgs><TtlChrgsAndTaxAmt Ccy="EUR">4.27</TtlChrgsAndTaxAmt><Rcrd><Amt Ccy="EUR">3.50</Amt></Rcrd></Chrgs>';
    expect(readCamt(camt('camt.054', '001.04', [{ cdtDbt: 'DBIT', amount: '150.00', txs: [sddReturn(total)] }])).returns[0]!.charge).toBe(427);
    expect(readCamt(camt('camt.054', '001.04', [{ cdtDbt: 'DBIT', amount: '150.00', txs: [sddReturn('')] }])).returns[0]).not.toHaveProperty('charge');
    // 001.02: repeated Chrgs, each with its own Amt.
    const old = '<Chrgs><Amt Ccy="EUR">2.00</Amt></Chrgs><Chrgs><Amt Ccy="EUR">1.00</Amt></Chrgs>';
    expect(readCamt(camt('camt.054', '001.02', [{ cdtDbt: 'DBIT', amount: '150.00', txs: [sddReturn(old)] }])).returns[0]!.charge).toBe(300);
  });

  it('an Italian RiBa insoluto booked as a plain debit is a return, and its commission entry its charge', () => {
    const r = readCamt(
      camt('camt.053', '001.02', [
        { cdtDbt: 'DBIT', amount: '7.50', txs: ['<AddtlTxInf>COMM. INSOLUTO RIBA</AddtlTxInf>'] },
        { cdtDbt: 'DBIT', amount: '1220.00', txs: ['<AddtlTxInf>RIBA INSOLUTA FT 2026/17 SCAD. 28/02/2026 VERDI SNC</AddtlTxInf>'] },
        { cdtDbt: 'DBIT', amount: '40.00', txs: ['<AddtlTxInf>CANONE MENSILE</AddtlTxInf>'] },
      ]),
    );
    expect(r.returns).toEqual([expect.objectContaining({ kind: 'return', direction: 'debit', amount: 122000, reason: 'RIBA_UNPAID', reasonText: 'RIBA INSOLUTA FT 2026/17 SCAD. 28/02/2026 VERDI SNC', charge: 750, entryIndex: 2 })]);
    expect(r.debitsSkipped).toBe(1);
    expect(r.credits).toEqual([]);
  });
});
