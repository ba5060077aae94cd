import { describe, expect, it } from 'vitest';
import { BankCsvMapping, italianTransfer, readBankCsv } from '../../../lambdas/domain/bank/bank-csv.js';
import { StatementRejected } from '../../../lambdas/domain/bank/types.js';

describe('bank CSV', () => {
  it('reads an Italian export with Dare/Avere, dd/mm/yyyy, "." thousands, a preamble and a currency column', async () => {
    const text = [
      'Conto corrente;IT60X0542811101000000123456',
      '',
      'Data contabile;Data valuta;Dare;Avere;Divisa;Descrizione operazione;Causale',
      '02/03/2026;03/03/2026;;1.234,56;EUR;BONIFICO A VOSTRO FAVORE DA Rossi SpA PER Fattura 2026/12;48 BONIFICO',
      '04/03/2026;04/03/2026;99,00;;EUR;PAGAMENTO POS;43',
    ].join('\r\n');
    const r = await readBankCsv(text, { account: { iban: 'IT60X0542811101000000123456' } });
    expect(r.rejections).toEqual([]);
    expect(r.credits).toEqual([
      {
        account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
        amount: 123456,
        currency: 'EUR',
        bookingDate: '2026-03-02',
        valueDate: '2026-03-03',
        debtor: { name: 'Rossi SpA' },
        remittance: 'Fattura 2026/12',
        additionalInfo: '48 BONIFICO BONIFICO A VOSTRO FAVORE DA Rossi SpA PER Fattura 2026/12',
        entryIndex: 4,
        source: { format: 'csv' },
      },
    ]);
    expect(r.debitsSkipped).toBe(1);
    expect(r.statements[0]).toMatchObject({ from: '2026-03-02', to: '2026-03-02' });
  });

  it('reads an English export with one signed amount column and the account currency', async () => {
    const text = 'Booking date,Value date,Amount,Description,Counterparty,Counterparty IBAN\n2026-03-02,2026-03-02,"1,250.00",Invoice INV-7,ACME Ltd,GB82 WEST 1234 5698 7654 32\n2026-03-03,2026-03-03,-20.00,Fee,,\n';
    const r = await readBankCsv(text, { account: { otherId: 'ACC-1', currency: 'GBP' } });
    expect(r.credits.map((c) => [c.amount, c.currency, c.remittance, c.debtor])).toEqual([[125000, 'GBP', 'Invoice INV-7', { name: 'ACME Ltd', iban: 'GB82WEST12345698765432' }]]);
    expect(r.debitsSkipped).toBe(1);
  });

  it('takes a tenant override of column names', async () => {
    const mapping = BankCsvMapping.parse({ columns: { bookingDate: 'Giorno', credit: 'Entrata', debit: 'Uscita', description: 'Note' } });
    const text = 'Giorno;Entrata;Uscita;Note\n02/03/26;10,00;;Fattura 1\n';
    const r = await readBankCsv(text, { account: { currency: 'EUR' }, mapping });
    expect(r.credits.map((c) => [c.bookingDate, c.amount, c.remittance])).toEqual([['2026-03-02', 1000, 'Fattura 1']]);
  });

  it('rejects bad rows by row number and field, and reads the rest', async () => {
    const text = [
      'Data;Importo;Divisa;Descrizione',
      '02/03/2026;10,005;EUR;tre decimali',
      '31/02/2026;10,00;EUR;data impossibile',
      '02/03/2026;10,00;USD;altra divisa',
      '02/03/2026;0,00;EUR;zero',
      '02/03/2026;5,00;EUR;buona',
    ].join('\n');
    const r = await readBankCsv(text, { account: { currency: 'EUR' } });
    expect(r.rejections).toEqual([
      { entry: 2, field: 'amount', value: '10,005', reason: 'more decimals than EUR has (2)' },
      { entry: 3, field: 'bookingDate', value: '31/02/2026', reason: 'no such calendar date' },
      { entry: 4, field: 'currency', value: 'USD', reason: 'the row is in USD but the account is kept in EUR' },
      { entry: 5, field: 'amount', value: '0,00', reason: 'an amount of zero' },
    ]);
    expect(r.credits.map((c) => [c.entryIndex, c.amount])).toEqual([[6, 500]]);
  });

  it('refuses a file without a header it knows, or without any currency', async () => {
    await expect(readBankCsv('a;b;c\n1;2;3\n', { account: { currency: 'EUR' } })).rejects.toThrow(StatementRejected);
    await expect(readBankCsv('Data;Accrediti\n02/03/2026;1,00\n', { account: {} })).rejects.toThrow(/no currency column/);
  });

  it('finds the payer after DA and the purpose after PER in a bonifico description', () => {
    expect(italianTransfer('BONIFICO INSTANT IN ENTRATA TRN XXXX DA Mario Rossi PER Saldo fattura 12 TRN 0306964772')).toEqual({ payer: 'Mario Rossi', purpose: 'Saldo fattura 12' });
    expect(italianTransfer('PAGAMENTO POS DA ESERCENTE PER ACQUISTO')).toEqual({});
  });
});

describe('RiBa items that come back', () => {
  it('an unpaid RiBa (insoluto) debit is a return with its commission row as the charge; a recall is one too; other debits are skipped', async () => {
    const text = [
      'Data contabile;Data valuta;Importo;Divisa;Causale;Descrizione',
      '02/03/2026;02/03/2026;1.220,00;EUR;ACCREDITO EFFETTI;RIBA SBF FT 2026/17 VERDI SNC',
      '16/03/2026;16/03/2026;-1.220,00;EUR;INSOLUTI;RIBA INSOLUTA FT 2026/17 SCAD. 15/03/2026 VERDI SNC',
      '16/03/2026;16/03/2026;-7,50;EUR;COMMISSIONI;COMM. INSOLUTO RIBA',
      '17/03/2026;17/03/2026;-300,00;EUR;EFFETTI;RICHIAMO EFFETTI FT 2026/18 NERI SAS',
      '17/03/2026;17/03/2026;-12,00;EUR;SPESE;CANONE CONTO',
    ].join('\n');
    const r = await readBankCsv(text, { account: { iban: 'IT60X0542811101000000123456' } });
    expect(r.rejections).toEqual([]);
    expect(r.credits.map((c) => c.amount)).toEqual([122000]);
    expect(r.returns).toEqual([
      {
        account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
        amount: 122000,
        currency: 'EUR',
        bookingDate: '2026-03-16',
        valueDate: '2026-03-16',
        remittance: 'RIBA INSOLUTA FT 2026/17 SCAD. 15/03/2026 VERDI SNC',
        additionalInfo: 'INSOLUTI',
        entryIndex: 3,
        source: { format: 'csv' },
        kind: 'return',
        direction: 'debit',
        reason: 'RIBA_UNPAID',
        reasonText: 'RIBA INSOLUTA FT 2026/17 SCAD. 15/03/2026 VERDI SNC',
        charge: 750,
      },
      expect.objectContaining({ amount: 30000, reason: 'RIBA_RECALLED', bookingDate: '2026-03-17' }),
    ]);
    expect(r.returns[1]).not.toHaveProperty('charge');
    expect(r.debitsSkipped).toBe(1);
  });

  it('a commission row with no RiBa return that day is only a debit', async () => {
    const text = ['Data contabile;Importo;Divisa;Descrizione', '16/03/2026;-7,50;EUR;COMMISSIONI SU EFFETTI INSOLUTI'].join('\n');
    const r = await readBankCsv(text, { account: { iban: 'IT60X0542811101000000123456' } });
    expect(r.returns).toEqual([]);
    expect(r.debitsSkipped).toBe(1);
  });
});
