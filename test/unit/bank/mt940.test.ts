import { describe, expect, it } from 'vitest';
import { prepare, readMt940 } from '../../../lambdas/domain/bank/mt940.js';
import { StatementRejected } from '../../../lambdas/domain/bank/types.js';

/** A statement for an IBAN account with the given :61:/:86: lines and balances. */
const statement = (lines: string[], opts: { ref?: string; open?: string; close?: string; ccy?: string; account?: string } = {}) =>
  [
    `:20:${opts.ref ?? 'STMT1'}`,
    `:25:${opts.account ?? 'IT60X0542811101000000123456'}`,
    ':28C:00001/001',
    `:60F:C260301${opts.ccy ?? 'EUR'}${opts.open ?? '100,00'}`,
    ...lines,
    `:62F:C260302${opts.ccy ?? 'EUR'}${opts.close ?? '100,00'}`,
    '-',
  ].join('\r\n');

describe('MT940', () => {
  it('reads credits with German ?nn subfields and SEPA keywords, skips debits', () => {
    const text = statement(
      [
        ':61:2603020302CR150,00NTRFNONREF//BANKREF1',
        ':86:166?00GUTSCHRIFT?20EREF+INV-2026-0001?21SVWZ+Fattura 2026/0001 RF18?22539007547034?32Rossi SpA?31DE89370400440532013000',
        ':61:2603020302D50,00NTRFNONREF',
        ':86:177?00UEBERWEISUNG?20Miete',
      ],
      { close: '200,00' },
    );
    const r = readMt940(text);
    expect(r.rejections).toEqual([]);
    expect(r.debitsSkipped).toBe(1);
    expect(r.credits).toEqual([
      expect.objectContaining({
        amount: 15000,
        bookingDate: '2026-03-02',
        valueDate: '2026-03-02',
        debtor: { name: 'Rossi SpA', iban: 'DE89370400440532013000' },
        endToEndId: 'INV-2026-0001',
        remittance: 'Fattura 2026/0001 RF18539007547034',
        transactionCode: '166',
        bankReference: 'BANKREF1',
        account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
      }),
    ]);
  });

  it('reads RC and RD as reversals, not credits', () => {
    const text = statement([':61:260302RC20,00NTRFNONREF', ':86:reversed credit', ':61:260302RD30,00NTRFNONREF', ':86:reversed debit'], { close: '110,00' });
    const r = readMt940(text);
    expect(r.credits).toEqual([]);
    expect(r.returns.map((x) => [x.kind, x.direction, x.amount])).toEqual([
      ['reversal', 'debit', 2000],
      ['reversal', 'credit', 3000],
    ]);
  });

  it('rejects a statement with a broken :61: and reads the next statement', () => {
    const broken = statement([':61:26XX02C10,00NTRFNONREF', ':86:x'], { ref: 'BAD' });
    const good = statement([':61:260302C10,00NTRFNONREF', ':86:Fattura 7'], { ref: 'GOOD', close: '110,00' });
    const r = readMt940(`${broken}\r\n${good}`);
    expect(r.rejections).toEqual([
      {
        statement: 1,
        entry: 1,
        field: ':61:',
        value: '26XX02C10,00NTRFNONREF',
        reason: expect.stringMatching(/^the :61: statement line cannot be read .*statement 1 was not read$/),
      },
    ]);
    expect(r.credits.map((c) => [c.entryIndex, c.amount, c.remittance])).toEqual([[2, 1000, 'Fattura 7']]);
  });

  it('rejects a statement missing a mandatory tag or whose lines do not add up', () => {
    const noOpening = ':20:X\n:25:ACC\n:28C:1\n:61:260302C10,00NTRFNONREF\n:62F:C260302EUR10,00\n-';
    expect(readMt940(noOpening).rejections[0]).toMatchObject({ statement: 1, field: ':60:' });
    const wrongSum = statement([':61:260302C10,00NTRFNONREF'], { close: '999,00' });
    expect(readMt940(wrongSum).rejections[0]).toMatchObject({ statement: 1, field: ':62:' });
  });

  it('rejects an amount with more decimals than the currency has', () => {
    const r = readMt940(statement([':61:260302C10,005NTRFNONREF', ':61:260302C10,00NTRFNONREF'], { close: '120,005' }));
    expect(r.rejections).toEqual([{ entry: 1, field: ':61:', value: '10,005', reason: 'more decimals than EUR has (2)' }]);
    expect(r.credits.map((c) => c.amount)).toEqual([1000]);
  });

  it('reads a JPY statement without scaling to cents', () => {
    const r = readMt940(statement([':61:260302C1500,NTRFNONREF'], { ccy: 'JPY', open: '0,', close: '1500,' }));
    expect(r.credits.map((c) => [c.amount, c.currency])).toEqual([[1500, 'JPY']]);
  });

  it('rejects a statement whose :25: currency differs from its balances', () => {
    const r = readMt940(statement([':61:260302C10,00NTRFNONREF'], { account: 'NL91ABNA0417164300USD', close: '110,00' }));
    expect(r.rejections).toEqual([expect.objectContaining({ statement: 1, field: ':25:', reason: expect.stringMatching(/named in USD but the balances are in EUR/) })]);
    expect(r.credits).toEqual([]);
    expect(r.statements[0]!.account).toEqual({ iban: 'NL91ABNA0417164300', currency: 'EUR' });
  });

  it('reads funds-code letters after the mark and an entry date in the previous year', () => {
    const r = readMt940(statement([':61:2601021231CR10,00NTRFNONREF'], { close: '110,00' }));
    expect(r.credits.map((c) => [c.valueDate, c.bookingDate])).toEqual([['2026-01-02', '2025-12-31']]);
  });

  it('reads an envelope with control bytes around it', () => {
    const text = `\x01{1:F01BANKBEBBAXXX0000000000}{2:I940BANKBEBBXXXXN}{4:\r\n${statement([':61:260302C10,00NTRFNONREF'], { close: '110,00' })}\r\n}\x03\r\n`;
    expect(prepare(text).startsWith(':20:STMT1')).toBe(true);
    const r = readMt940(text);
    expect([r.rejections, r.credits.length]).toEqual([[], 1]);
  });

  it('throws StatementRejected for text with no :20:', () => {
    expect(() => readMt940('hello\nworld')).toThrow(StatementRejected);
  });
});
