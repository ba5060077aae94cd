/** One test per real bank file in shared/conformance/bank: the facts its README says a reader must find. */
import { describe, expect, it } from 'vitest';
import { isValidCreditorReference } from '../../../lambdas/domain/money/creditor-reference.js';
import type { BankCredit, BankReturn, StatementRead } from '../../../lambdas/domain/bank/types.js';
import { readSample, sampleBytes } from './samples.js';

const txCount = (r: StatementRead) => r.credits.length + r.returns.length;
const byAmount = (list: (BankCredit | BankReturn)[], amount: number) => list.filter((c) => c.amount === amount);

describe('camt samples', () => {
  it('oca-test-camt053 (camt.053.001.02, ABN AMRO, no XML declaration): 1 credit, a reversal of two AC06 returns', async () => {
    expect(new TextDecoder().decode(sampleBytes('oca-test-camt053')).trimStart().startsWith('<Document')).toBe(true);
    const r = await readSample('oca-test-camt053');
    expect(r.format).toBe('camt.053');
    expect(r.rejections).toEqual([]);
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0]!.account).toEqual({ iban: 'NL77ABNA0574908765', currency: 'EUR' });
    expect(r.credits).toHaveLength(1);
    const c = r.credits[0]!;
    expect([c.amount, c.currency, c.valueDate, c.endToEndId]).toEqual([140531, 'EUR', '2014-01-05', '115']);
    expect(c.debtor).toEqual({ name: '3rd party Media', iban: 'NL69ABNA0522123643' });
    expect(c.remittance).toBeUndefined();
    expect(c.additionalInfo).toBe('#RD PARTY MEDIA CUSNO 90782 4210773');
    expect(c.source).toEqual({ format: 'camt.053', version: '001.02', statementId: '1234Test/1' });
    expect(r.returns.map((x) => [x.kind, x.direction, x.entryIndex, x.transactionIndex, x.amount, x.reason, x.transactionCode])).toEqual([
      ['reversal', 'debit', 2, 1, 56405, 'AC06', 'PMNT/IDDT/UPDD'],
      ['reversal', 'debit', 2, 2, 10000, 'AC06', 'PMNT/IDDT/UPDD'],
    ]);
    expect(r.returns[0]!.amount + r.returns[1]!.amount).toBe(66405);
    expect(r.debitsSkipped).toBe(1);
    expect(r.pendingSkipped).toBe(0);
  });

  it('viafintech-053-valid_example.xml (camt.053.001.02, VR-Bank): 1 credit with a BBAN debtor account, 3 debits', async () => {
    const r = await readSample('viafintech-053-valid_example.xml');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'DE14740618130000033626', currency: 'EUR' });
    expect(r.credits).toHaveLength(1);
    const c = r.credits[0]!;
    expect([c.amount, c.valueDate, c.remittance, c.transactionCode]).toEqual([100, '2013-12-27', 'R CKBUCHUNG', 'NMSC+051']);
    expect(c.debtor).toEqual({ name: 'Testkonto Nummer 2', otherAccountId: '740618130100033626' });
    expect(c.entryIndex).toBe(3);
    expect(r.returns).toEqual([]);
    // Entry 1 (2.00 EUR) is DBIT although its text says "Gutschrift": a debit, skipped.
    expect(r.debitsSkipped).toBe(3);
  });

  it('dvbern camt.053.001.04 PostFinance: 5 credit entries of 24 transactions, 3 NARR returns, 2 MD06 reversals, 8 debits', async () => {
    const r = await readSample('dvbern-camt.053_P_CH0309000000250090342_380000000_0_2016053100163801.xml');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'CH0309000000250090342', currency: 'CHF' });
    const creditEntries = new Set([...r.credits, ...r.returns.filter((x) => x.direction === 'credit')].map((x) => x.entryIndex));
    expect(creditEntries.size).toBe(5);
    expect(r.credits.length + r.returns.filter((x) => x.direction === 'credit').length).toBe(24);
    expect(r.credits).toHaveLength(21);

    const esr = r.credits.filter((c) => c.entryIndex === 7);
    expect(esr).toHaveLength(10);
    expect(esr.reduce((s, c) => s + c.amount, 0)).toBe(100000);
    expect(new Set(esr.map((c) => c.valueDate))).toEqual(new Set(['2016-05-30']));
    const pia = esr.find((c) => c.debtor?.name === 'Rutschmann Pia')!;
    expect([pia.amount, pia.currency]).toEqual([5000, 'CHF']);
    expect(pia.structuredReference).toEqual({ scheme: 'ISR', ref: '000000000002016030002820804' });

    const returned = r.returns.filter((x) => x.kind === 'return');
    expect(returned.map((x) => x.amount)).toEqual([2000, 4000, 5000]);
    for (const x of returned) {
      expect([x.direction, x.reason, x.reasonText, x.debtor?.name, x.transactionCode]).toEqual([
        'credit',
        'NARR',
        'RETOUR VAL 23.03.2016 BEGUENSTIGTER UNBEKANNT',
        'Max Mustermann',
        'PMNT/ICDT/RRTN',
      ]);
      expect(x.additionalInfo).toContain('SAMMELGUTSCHRIFT RETOUREN');
    }
    const reversals = r.returns.filter((x) => x.kind === 'reversal');
    expect(reversals.map((x) => [x.direction, x.amount, x.reason])).toEqual([
      ['debit', 600, 'MD06'],
      ['debit', 1553, 'MD06'],
    ]);
    expect(r.debitsSkipped + reversals.length).toBe(8);
    const booked = [...r.credits, ...r.returns].map((x) => x.bookingDate).sort();
    expect([booked[0], booked.at(-1)]).toEqual(['2016-04-06', '2016-05-27']);
  });

  it('dvbern Business Sample camt.053.001.04: an Othr/Id account in SEK, 2 credits at the booked amount, DtTm kept as its day', async () => {
    const r = await readSample('dvbern-Business_Sample_camt.053.001.04.xml');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ otherId: '50000000054910000003', currency: 'SEK' });
    expect(r.credits).toHaveLength(2);
    const [mueller, fx] = r.credits;
    expect([mueller!.amount, mueller!.currency, mueller!.valueDate, mueller!.bookingDate, mueller!.endToEndId]).toEqual([
      10567850,
      'SEK',
      '2010-10-18',
      '2010-10-18',
      'MUELL/FINP/RA12345',
    ]);
    expect(mueller!.debtor).toEqual({ name: 'MUELLER' });
    expect(mueller!.remittance).toBeUndefined();
    expect(mueller!.structuredReference).toBeUndefined();
    // The transaction says 3255 EUR; the account was credited 30000 SEK.
    expect([fx!.amount, fx!.currency, fx!.transactionCode]).toEqual([3000000, 'SEK', 'TREA/0002/0000']);
    expect(r.returns).toEqual([]);
    expect(r.debitsSkipped).toBe(1);
  });

  it('viafintech-053-valid_example_v8.xml (camt.053.001.08, UBS): Dbtr/Pty/Nm, one-decimal amount, SCOR RF reference', async () => {
    const r = await readSample('viafintech-053-valid_example_v8.xml');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'CH1111111111111111111', currency: 'CHF' });
    expect(r.credits.map((c) => [c.amount, c.valueDate, c.debtor?.name])).toEqual([
      [47440, '2023-06-20', 'Jon Doe'],
      [8885, '2023-06-20', 'Finanz AG'],
    ]);
    expect(r.credits[0]!.remittance).toBe('INVOICE R77561');
    expect(r.credits[1]!.structuredReference).toEqual({ scheme: 'SCOR', ref: 'RF38000000000000000000552' });
    expect(isValidCreditorReference(r.credits[1]!.structuredReference!.ref)).toBe(true);
    expect(r.credits[0]!.source.version).toBe('001.08');
    // The EUR debit with a QRR reference is a debit: skipped, not a currency-mismatch rejection.
    expect(r.debitsSkipped).toBe(1);
    expect(r.returns).toEqual([]);
  });

  it('viafintech-054-valid_example.xml (camt.054.001.04, CH-DD): 2 credit entries of 3 transactions, 2 MD06 reversals', async () => {
    const r = await readSample('viafintech-054-valid_example.xml');
    expect(r.format).toBe('camt.054');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'CH0309000000250090342', currency: 'CHF' });
    expect(new Set(r.credits.map((c) => c.entryIndex)).size).toBe(2);
    expect(r.credits.map((c) => [c.entryIndex, c.transactionIndex, c.amount, c.debtor?.name, c.remittance])).toEqual([
      [1, 1, 1500, 'Rutschmann Pia', 'Mitteilung 132'],
      [1, 2, 900, 'Bernasconi Maria', 'Mitteilung 131'],
      [2, undefined, 5656, 'Bernasconi Maria', undefined],
    ]);
    expect(r.credits[0]!.debtor!.iban).toBe('CH4409000000495962779');
    expect(r.credits[0]!.valueDate).toBe('2016-04-10');
    expect(r.credits[0]!.amount + r.credits[1]!.amount).toBe(2400);
    expect(r.returns.map((x) => [x.kind, x.direction, x.amount, x.debtor?.name, x.reason, x.reasonText])).toEqual([
      ['reversal', 'debit', 600, 'Bernasconi Maria', 'MD06', 'Lastschrift-Widerspruch durch den Zahlungspflichtigen'],
      ['reversal', 'debit', 1553, 'Rutschmann Pia', 'MD06', 'Lastschrift-Widerspruch durch den Zahlungspflichtigen'],
    ]);
    // Each refund cost 0.70 CHF (Chrgs/TtlChrgsAndTaxAmt, not included in the booked amount).
    expect(r.returns.map((x) => x.charge)).toEqual([70, 70]);
    expect(r.debitsSkipped).toBe(0);
  });

  it('dvbern camt.054.001.08 (SPS 2019): one entry of 1692.22 CHF in 2 QRR transactions', async () => {
    const r = await readSample('dvbern-200519_camt.054_P_CH2909000000250094239_1111091335_0_2020061900081727_v2019.xml');
    expect(r.rejections).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'CH2909000000250094239', currency: 'CHF' });
    expect(r.credits.map((c) => [c.entryIndex, c.amount, c.valueDate, c.debtor?.name, c.structuredReference])).toEqual([
      [1, 77829, '2020-06-18', 'Bernasconi Maria', { scheme: 'QRR', ref: '539115429773825311971477453' }],
      [1, 91393, '2020-06-18', 'Bernasconi Maria', { scheme: 'QRR', ref: '662437765447746478179744715' }],
    ]);
    expect(r.credits[0]!.amount + r.credits[1]!.amount).toBe(169222);
    expect(r.credits[0]!.debtor!.iban).toBe('CH5109000000250092291');
    expect(r.credits[0]!.additionalInfo).toMatch(/^SAMMELGUTSCHRIFT FÜR KONTO: CH7730000001250094239/);
    expect(r.credits[0]!.source).toMatchObject({ format: 'camt.054', version: '001.08' });
    expect(r.returns).toEqual([]);
  });
});

describe('MT940 samples', () => {
  it('oca-test-ing.940 (ING, {1:}{2:}{4: envelope, wrapped values): 4 credit lines of which one is an MS03 return, 4 debit lines', async () => {
    const r = await readSample('oca-test-ing.940');
    expect(r.format).toBe('mt940');
    expect(r.rejections).toEqual([]);
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0]!.account).toEqual({ iban: 'NL77INGB0574908765', currency: 'EUR' });
    expect(r.credits.length + r.returns.length + r.debitsSkipped).toBe(8);
    expect(r.credits.length + r.returns.filter((x) => x.direction === 'credit').length).toBe(4);
    const janssen = r.credits.find((c) => c.amount === 3200)!;
    expect([janssen.valueDate, janssen.currency]).toEqual(['2014-02-20', 'EUR']);
    expect(janssen.debtor).toEqual({ name: 'J.Janssen', iban: 'NL32INGB0000012345' });
    expect(janssen.structuredReference).toEqual({ scheme: 'CUR', ref: '9001123412341234' });
    expect(r.returns.map((x) => [x.kind, x.direction, x.amount, x.reason, x.transactionCode])).toEqual([
      ['return', 'credit', 157, 'MS03', 'NRTI'],
      ['return', 'debit', 1275, 'MS03', 'NRTI'],
    ]);
    expect(r.debitsSkipped).toBe(3);
    expect(r.statements[0]!.opening).toEqual({ amount: 66223, currency: 'EUR', date: '2014-02-19' });
    expect(r.statements[0]!.closing).toEqual({ amount: 56435, currency: 'EUR', date: '2014-02-20' });
  });

  it('fruitl00p-spk-sample (German ?nn layout, bank code/account): 4 statements, 9 credits, 1 debit', async () => {
    const r = await readSample('fruitl00p-spk-sample');
    expect(r.rejections).toEqual([]);
    expect(r.statements).toHaveLength(4);
    for (const s of r.statements) expect(s.account).toEqual({ otherId: '20090500/0006853030', currency: 'EUR' });
    expect(r.credits).toHaveLength(9);
    expect(r.debitsSkipped).toBe(1);
    expect(r.returns).toEqual([]);
    const first = r.credits[0]!;
    expect([first.valueDate, first.bookingDate]).toEqual(['2010-02-17', '2010-02-04']);
    expect(first.debtor?.name).toMatch(/^MšLLER, GRETEL/);
    const meier = byAmount(r.credits, 10000).filter((c) => c.remittance === 'FAM. MEIER ENGLAND');
    expect(meier.map((c) => [c.valueDate, c.bankReference, c.transactionCode, c.additionalInfo, c.debtor?.name, c.source.statementId])).toEqual([
      ['2010-02-17', '0000371672916278', '051', 'Gutschrift', 'KUNZ MEIER 57072 SIEGEN', '09198/001'],
      ['2010-02-18', '0000371672916278', '051', 'Gutschrift', 'KUNZ MEIER 57072 SIEGEN', '09199/001'],
    ]);
    const standing = r.credits.filter((c) => c.transactionCode === '052');
    expect(standing.map((c) => [c.amount, c.source.statementId])).toEqual([
      [1000, '09198/002'],
      [1000, '09199/002'],
    ]);
    // Statements 1 and 2 are joined by :62M:/:60M:.
    expect(r.statements[0]!.closing!.amount).toBe(r.statements[1]!.opening!.amount);
    expect(r.credits.find((c) => c.transactionCode === '069')!.additionalInfo).toBe('šberweisungsgutschr.');
  });

  it('betterplace-sepa_mt9401.txt (DK SEPA, CRLF, wrapped ?nn): 26 statements, 24 credits, 17 RETOURE returns, 2 RC reversals, 54 debits', async () => {
    const r = await readSample('betterplace-sepa_mt9401.txt');
    expect(r.rejections).toEqual([]);
    expect(r.statements).toHaveLength(26);
    const accounts = new Set(r.statements.map((s) => s.account.otherId));
    expect(accounts.size).toBe(20);
    for (const a of accounts) expect(a).toMatch(/^50880050\//);
    for (const s of r.statements) expect(s.account.currency).toBe('EUR');
    expect(r.credits.length + r.returns.length + r.debitsSkipped).toBe(97);
    // 41 lines marked C: 22 GUTSCHRIFT (166) and 2 SAMMLER (079) credits, 17 RETOURE (159) returns.
    expect(r.credits.filter((c) => c.transactionCode === '166')).toHaveLength(22);
    expect(r.credits.filter((c) => c.transactionCode === '079')).toHaveLength(2);
    expect(r.credits).toHaveLength(24);
    const retoure = r.returns.filter((x) => x.kind === 'return');
    expect(retoure).toHaveLength(17);
    for (const x of retoure) expect([x.direction, x.transactionCode, x.additionalInfo]).toEqual(['credit', '159', 'RETOURE']);
    expect(retoure.find((x) => x.reason === '914')!.reasonText).toBe('Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag');
    expect(retoure.find((x) => x.reason === '903')!.reasonText).toBe('Konto gesperrt Rueckueberweisung aus SEPA-Ueberweisungsauftrag');
    const rc = r.returns.filter((x) => x.kind === 'reversal');
    expect(rc.map((x) => [x.direction, x.amount, x.transactionCode, x.additionalInfo])).toEqual([
      ['debit', 20488, '079', 'SAMMLER/STORNO'],
      ['debit', 20488, '116', 'SEPA-UEBERW/STORNO'],
    ]);
    expect(r.debitsSkipped).toBe(54);
    expect(r.statements.filter((s) => s.opening!.amount < 0)).toHaveLength(19);

    const frech = r.credits.find((c) => c.debtor?.name === 'Florian Frech')!;
    expect(frech.account).toEqual({ otherId: '50880050/0194780101888', currency: 'EUR' });
    expect([frech.amount, frech.valueDate]).toEqual([5099005, '2007-09-04']);
    expect(frech.debtor!.iban).toBe('DE06508800500194780100');
    expect(frech.endToEndId).toBe('TFNR 21005 EndToEndId 00001');
    expect(frech.remittance).toBe('Verwend CTSc-01 eBB TFNr 21005');
  });

  it('wolph-mbank-mt940.sta (mBank, 0x01 before and 0x03 after): 3 credits of 0,01 PLN', async () => {
    const bytes = sampleBytes('wolph-mbank-mt940.sta');
    expect([bytes[0], bytes.includes(0x03)]).toEqual([0x01, true]);
    const r = await readSample('wolph-mbank-mt940.sta');
    expect(r.rejections).toEqual([]);
    expect(r.statements).toHaveLength(1);
    expect(r.statements[0]).toMatchObject({
      account: { iban: 'PL29114010810000267002001002', currency: 'PLN' },
      opening: { amount: 40, currency: 'PLN' },
      closing: { amount: 43, currency: 'PLN' },
    });
    expect(r.credits.map((c) => [c.amount, c.currency, c.valueDate])).toEqual([
      [1, 'PLN', '2017-01-19'],
      [1, 'PLN', '2017-01-19'],
      [1, 'PLN', '2017-01-19'],
    ]);
    for (const c of r.credits) {
      expect(c.additionalInfo).toContain('911-TRANSAKCJA IPH');
      expect(c.remittance).toContain('Z RACH.: 56114010810000267002001001; OD: JAN NOWAK UL. NIJAKA 1 M 2 31-234 KRAKOW; TYT.: PRZELEW SRODKOW');
    }
    expect(r.returns).toEqual([]);
    expect(r.debitsSkipped).toBe(0);
  });
});

describe('CSV sample', () => {
  it('bancoposta-bonifico.csv (BancoPosta): 3 credits, 5 debits, balance rows as balances, payer after DA and purpose after PER', async () => {
    const r = await readSample('bancoposta-bonifico.csv', { currency: 'EUR' });
    expect(r.format).toBe('csv');
    expect(r.rejections).toEqual([]);
    expect(r.credits.map((c) => [c.amount, c.valueDate, c.debtor?.name, c.remittance])).toEqual([
      [200000, '2018-08-02', 'Lorenzo Giudici', 'Tanti Auguri!'],
      [10055, '2018-08-03', 'Lorenzo Giudici', 'Buon Natale'],
      [50050, '2018-08-05', 'Lorenzo Giudici', 'Buona Cresima'],
    ]);
    expect(r.credits[0]!.additionalInfo).toBe('BONIFICO A VOSTRO FAVORE TRN BBBBBBBB XXXXXXXXXXXXXXXXXXXXXXXXXXXXIT DA Lorenzo Giudici PER Tanti Auguri!');
    expect(r.credits[0]!.bankReference).toBeUndefined();
    expect(r.debitsSkipped).toBe(5);
    expect(txCount(r)).toBe(3);
    expect(r.statements[0]!.opening).toEqual({ amount: 10095, currency: 'EUR', date: '2017-12-31' });
    expect(r.statements[0]!.closing).toEqual({ amount: 200095, currency: 'EUR', date: '2018-08-31' });
  });
});
