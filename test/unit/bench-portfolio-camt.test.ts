/**
 * The camt.053.001.08 writer shared by the demo's bank and the portfolio bench (local/demo-camt.ts),
 * read back by the product's reader; the demo's statements (local/demo-bank.ts): each scripted
 * movement in exactly one business morning's statement, with the references the script means; and
 * the demo's proof that no reminder left after the money arrived (local/report.ts bankSection)
 * finds one when there is one.
 */
import { describe, expect, it } from 'vitest';
import { readStatement } from '../../lambdas/domain/bank/read-statement.js';
import { isValidCreditorReference } from '../../lambdas/domain/money/creditor-reference.js';
import { isBusinessDay } from '../../lambdas/domain/timeline/calendar.js';
import { CAMT_053_NAMESPACE, DIRECT_DEBIT_UNPAID, SEPA_TRANSFER_IN, camtDecimal, closingBalance, writeCamt053, type CamtStatement } from '../../local/demo-camt.js';
import { BANK_COUNTRY, bookingDayOf, demoStatements, minorOf } from '../../local/demo-bank.js';
import { DEMO_BANK } from '../../local/demo-script.js';
import { bankSection, type DemoContact, type DemoInvoice } from '../../local/report.js';
import { BankCreditRecord, type BankCreditInput } from '../../lambdas/domain/bank/credit-records.js';

const read = (xml: string) => readStatement({ name: 'statement.xml', bytes: new TextEncoder().encode(xml) });

const statement = (over: Partial<CamtStatement> = {}): CamtStatement => ({
  id: 'S-1',
  sequence: 7,
  account: { iban: 'IT60X0542811101000000123456', currency: 'EUR', ownerName: 'Officine Rossi S.r.l.' },
  from: '2026-03-09',
  to: '2026-03-09',
  opening: 100_000,
  entries: [
    {
      amount: 1_248_000,
      direction: 'CRDT',
      bookingDate: '2026-03-09',
      bankReference: 'REF-1',
      txCode: SEPA_TRANSFER_IN,
      endToEndId: 'E2E-1',
      debtor: { name: 'Rossi & Figli <S.r.l.>', iban: 'IT61X0306909606100000012345' },
      remittance: ['Saldo fattura 2025/0412'],
      creditorReference: { ref: 'RF41 2025 0412' },
    },
    {
      amount: 532_050,
      direction: 'DBIT',
      bookingDate: '2026-03-09',
      bankReference: 'REF-2',
      txCode: DIRECT_DEBIT_UNPAID,
      endToEndId: 'OR-SDD-1',
      debtor: { name: 'Bianchi', iban: 'IT45A0200802435000104428964' },
      returnInfo: { reason: 'AM04', text: 'Insufficient funds' },
    },
    { amount: 320_000, direction: 'DBIT', bookingDate: '2026-03-09', bankReference: 'REF-3', txCode: { domain: 'PMNT', family: 'ICDT', subFamily: 'ESCT' }, remittance: ['rent'] },
  ],
  ...over,
});

describe('the camt.053.001.08 writer', () => {
  it('writes amounts as the schema decimal', () => {
    expect([camtDecimal(1_248_000, 'EUR'), camtDecimal(5, 'EUR'), camtDecimal(0, 'EUR'), camtDecimal(1500, 'JPY')]).toEqual(['12480.00', '0.05', '0.00', '1500']);
  });

  it('is read back by the product reader: a credit with its parties and references, a return with its reason, a debit skipped, the balances', async () => {
    const xml = writeCamt053({ messageId: 'M-1', createdAt: '2026-03-10T07:30:00+01:00', statements: [statement()] });
    expect(xml).toContain(`xmlns="${CAMT_053_NAMESPACE}"`);
    const out = await read(xml);
    expect(out.rejections).toEqual([]);
    expect(out.format).toBe('camt.053');
    expect(out.debitsSkipped).toBe(1);
    expect(out.credits).toHaveLength(1);
    expect(out.credits[0]).toMatchObject({
      amount: 1_248_000,
      currency: 'EUR',
      bookingDate: '2026-03-09',
      bankReference: 'REF-1',
      endToEndId: 'E2E-1',
      debtor: { name: 'Rossi & Figli <S.r.l.>', iban: 'IT61X0306909606100000012345' },
      structuredReference: { scheme: 'SCOR', ref: 'RF4120250412' },
      remittance: 'Saldo fattura 2025/0412',
      transactionCode: 'PMNT/RCDT/ESCT',
      source: { format: 'camt.053', version: '001.08', statementId: 'S-1' },
    });
    expect(out.returns).toHaveLength(1);
    expect(out.returns[0]).toMatchObject({ kind: 'return', direction: 'debit', reason: 'AM04', reasonText: 'Insufficient funds', originalEndToEndId: 'OR-SDD-1', amount: 532_050 });
    expect(out.statements[0]).toMatchObject({ statementId: 'S-1', opening: { amount: 100_000 }, closing: { amount: closingBalance(statement()) } });
    expect(closingBalance(statement())).toBe(100_000 + 1_248_000 - 532_050 - 320_000);
  });

  it('writes a statement without entries that still reads', async () => {
    const out = await read(writeCamt053({ messageId: 'M-2', createdAt: '2026-03-10T07:30:00+01:00', statements: [statement({ entries: [] })] }));
    expect([out.rejections, out.credits, out.statements.length]).toEqual([[], [], 1]);
  });
});

describe("the demo's bank statements", () => {
  const company = { iban: 'IT60X0542811101000000123456', ownerName: 'Officine Rossi S.r.l.', bic: 'BPMOIT22XXX' };
  const files = demoStatements({ movements: DEMO_BANK, today: '2026-01-12', lastDay: '2026-03-28', company });

  it('comes every business morning after the first day, and only then', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) expect(isBusinessDay(f.day, BANK_COUNTRY), f.day).toBe(true);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
  });

  it('holds each scripted movement once, in the statement of the morning after its booking day', async () => {
    const seen = new Map<string, number>();
    for (const f of files) {
      const out = await read(f.xml);
      expect(out.rejections, f.name).toEqual([]);
      for (const m of [...out.credits, ...out.returns]) {
        expect(f.covers).toContain(m.bookingDate);
        seen.set(`${m.bookingDate}|${m.amount}|${m.currency}|${'kind' in m ? 'return' : 'credit'}`, (seen.get(`${m.bookingDate}|${m.amount}|${m.currency}|${'kind' in m ? 'return' : 'credit'}`) ?? 0) + 1);
      }
    }
    for (const m of DEMO_BANK) expect(seen.get(`${bookingDayOf(m.at)}|${minorOf(m.amount)}|${m.currency}|${m.kind === 'directDebitReturn' ? 'return' : 'credit'}`), `${m.customerId} ${m.numbers.join('+')}`).toBe(1);
  });

  it('uses valid ISO 11649 references, except the one meant to be mistyped', () => {
    for (const m of DEMO_BANK.filter((x) => x.rf)) expect(isValidCreditorReference(m.rf!), m.rf).toBe(m.shows !== 'unknownIbanGarbledReference');
  });
});

describe("the demo's proof: reminders after the money arrived", () => {
  const contact = (at: string, stage: string, type = 'message'): DemoContact => ({ at, stage, channel: 'email', type });
  const invoice = (id: string, contacts: DemoContact[]): DemoInvoice => ({
    id,
    number: `N-${id}`,
    customerId: 'C-1',
    currency: 'EUR',
    amount: 10_000,
    amountDue: 0,
    dueDate: '2026-02-10',
    status: 'paid',
    needsContact: false,
    contacts,
  });
  const record = (over: Partial<BankCreditInput>): BankCreditRecord =>
    BankCreditRecord.parse({
      tenantId: 't',
      creditId: 'bc_1',
      dedupKey: 'k1',
      account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
      amount: 10_000,
      currency: 'EUR',
      bookingDate: '2026-02-09',
      source: { key: 'bank/x.xml', format: 'camt.053', entryIndex: 1 },
      status: 'matched',
      rule: 'creditorReference',
      applied: [{ invoiceId: 'A', amount: 10_000 }],
      receivedAt: '2026-02-10T06:30:00.000Z',
      decidedAt: '2026-02-10T06:30:00.000Z',
      decidedBy: 'bank',
      ...over,
    });

  it('lists a reminder on a day after the booking day, not one on the booking day itself nor the thank-you', () => {
    const a = invoice('A', [contact('2026-02-09T08:00:00.000Z', 'dueDate'), contact('2026-02-10T06:30:00.000Z', 'thankYou'), contact('2026-02-11T08:00:00.000Z', 'firstOverdue'), contact('2026-02-12T08:00:00.000Z', 'phoneCall', 'call_task')]);
    const out = bankSection([record({})], [a], 1);
    expect(out.afterMoney.invoices).toHaveLength(1);
    expect(out.afterMoney.invoices[0]!.remindersAfter.map((c) => c.stage)).toEqual(['firstOverdue', 'phoneCall']);
    expect(out.afterMoney.reminders).toBe(2);
    expect(out.counts).toMatchObject({ entries: 1, matched: 1, suggested: 0, returned: 0 });
  });

  it('stops counting once the bank took the money back, and leaves a partial payment out of the count', () => {
    const a = invoice('A', [contact('2026-02-12T08:00:00.000Z', 'dueDate'), contact('2026-02-16T08:00:00.000Z', 'firstOverdue')]);
    const b = invoice('B', [contact('2026-02-16T08:00:00.000Z', 'firstOverdue')]);
    const taken = record({ status: 'returned', returnedBy: { creditId: 'bc_r', at: '2026-02-13T06:30:00.000Z', reason: 'AM04' } });
    const ret = record({ creditId: 'bc_r', dedupKey: 'kr', bookingDate: '2026-02-12', status: 'returned', rule: undefined, applied: [], returned: { kind: 'return', direction: 'debit', reason: 'AM04' } });
    const part = record({ creditId: 'bc_p', dedupKey: 'kp', amount: 4_000, applied: [{ invoiceId: 'B', amount: 4_000 }] });
    const out = bankSection([taken, ret, part], [a, b], 2);
    const [ofA, ofB] = out.afterMoney.invoices;
    expect([ofA!.returnedOn, ofA!.remindersAfter.map((c) => c.at)]).toEqual(['2026-02-12', ['2026-02-12T08:00:00.000Z']]);
    expect([ofB!.settled, ofB!.remindersAfter.length]).toEqual([false, 1]);
    expect(out.afterMoney.reminders).toBe(1);
    expect(out.counts).toMatchObject({ matched: 2, returned: 1, takenBack: 1, partial: 1 });
  });
});
