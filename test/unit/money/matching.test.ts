import { describe, expect, it } from 'vitest';
import { creditorReferenceFor } from '../../../lambdas/domain/money/creditor-reference.js';
import { matchCredits } from '../../../lambdas/domain/money/matching/match-credits.js';
import type { MatchDecision, MatchInput } from '../../../lambdas/domain/money/matching/types.js';
import { credit, customer, IBAN_C1, IBAN_C2, invoice } from './matching-fixtures.js';

const RF_42 = creditorReferenceFor('2026/0042'); // RF8820260042
const customers = [customer('C1', 'Rossi Mario S.r.l.'), customer('C2', 'Bianchi Costruzioni S.p.A.'), customer('C3', 'Verdi Trasporti SNC')];

const run = (over: Partial<MatchInput>): MatchDecision[] =>
  matchCredits({ credits: [], invoices: [], customers, knownDebtorIbans: new Map(), ...over });
const one = (over: Partial<MatchInput>): MatchDecision => {
  const out = run(over);
  expect(out).toHaveLength(1);
  return out[0]!;
};

describe('rule creditorReference', () => {
  const inv42 = invoice({ invoiceId: 'I42', number: '2026/0042', paymentReference: RF_42 });

  it('matches a valid RF equal to an open invoice payment reference, spacing and case ignored', () => {
    const d = one({ invoices: [inv42], credits: [credit({ creditId: 'K1', structuredReference: { scheme: 'SCOR', ref: 'rf88 2026 0042' } })] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'creditorReference', settlement: 'exact', allocations: [{ invoiceId: 'I42', amount: 100_000, effect: 'settles' }] });
    expect(d.reasons[0]).toBe('RF8820260042 is the payment reference of invoice 2026/0042');
  });

  it('finds an RF typed into the remittance in groups of four', () => {
    const d = one({ invoices: [inv42], credits: [credit({ creditId: 'K1', remittance: 'PAGAMENTO RF88 2026 0042 GRAZIE' })] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'creditorReference' });
  });

  it('never uses an RF with wrong check digits, and says why; the invoice it meant is suggested', () => {
    const d = one({ invoices: [inv42], credits: [credit({ creditId: 'K1', structuredReference: { scheme: 'SCOR', ref: 'RF87 2026 0042' } })] });
    expect(d.decision).toBe('suggested');
    expect(d.rule).toBeUndefined();
    expect(d.reasons.join('\n')).toContain('RF8720260042 has wrong ISO 11649 check digits (mod 97)');
    expect(d.suggestions![0]).toMatchObject({ invoiceIds: ['I42'] });
    expect(d.suggestions![0]!.reasons[0]).toContain('wrong check digits but otherwise is the payment reference of invoice 2026/0042');
  });

  it('a partial payment on the invoice it names is applied as partial', () => {
    const d = one({ invoices: [inv42], credits: [credit({ creditId: 'K1', amount: 40_000, structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(d).toMatchObject({ decision: 'matched', settlement: 'partial', allocations: [{ invoiceId: 'I42', amount: 40_000, effect: 'partial' }] });
    expect(d.reasons[1]).toBe('EUR 400.00 of the EUR 1000.00 due: a partial payment, EUR 600.00 left due');
  });

  it('an overpayment settles the invoice and the rest becomes customer credit', () => {
    const d = one({ invoices: [inv42], credits: [credit({ creditId: 'K1', amount: 100_550, structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(d).toMatchObject({
      decision: 'matched',
      settlement: 'overpaid',
      allocations: [{ invoiceId: 'I42', amount: 100_000, effect: 'settles' }],
      customerCredit: { customerId: 'C1', amount: 550, currency: 'EUR' },
    });
    expect(d.reasons[1]).toContain('EUR 5.50 more than the EUR 1000.00 due: the rest becomes customer credit');
  });

  it('short within the currency tolerance settles the invoice and records the difference', () => {
    const options = { tolerances: [{ currency: 'EUR', shortBy: 200 }] };
    const d = one({ options, invoices: [inv42], credits: [credit({ creditId: 'K1', amount: 99_850, structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(d).toMatchObject({
      decision: 'matched',
      settlement: 'settledWithDifference',
      allocations: [{ invoiceId: 'I42', amount: 99_850, effect: 'settlesWithDifference' }],
      difference: { amount: 150, currency: 'EUR' },
    });
    const beyond = one({ options, invoices: [inv42], credits: [credit({ creditId: 'K1', amount: 99_799, structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(beyond.settlement).toBe('partial');
    const otherCurrency = one({ options, invoices: [{ ...inv42, currency: 'RON' }], credits: [credit({ creditId: 'K1', currency: 'RON', amount: 99_850, structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(otherCurrency.settlement).toBe('partial');
  });

  it('a credit in another currency than the invoice never matches, and the reason says so', () => {
    const d = one({ invoices: [{ ...inv42, currency: 'USD' }], credits: [credit({ creditId: 'K1', structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(d.decision).not.toBe('matched');
    expect(d.reasons.join('\n')).toContain('invoice 2026/0042 is in USD and the credit in EUR: a credit never pays an invoice in another currency');
    expect(d.suggestions ?? []).toEqual([]);
  });

  it('two open invoices with the same payment reference are a tie: suggested, not matched', () => {
    const twin = invoice({ invoiceId: 'I42B', number: '2026/0042-B', paymentReference: RF_42 });
    const d = one({ invoices: [inv42, twin], credits: [credit({ creditId: 'K1', structuredReference: { scheme: 'SCOR', ref: RF_42 } })] });
    expect(d.decision).toBe('suggested');
    expect(d.reasons.join('\n')).toContain('a tie, not applied automatically');
  });

  it('an RF that is nobody\'s reference says so and the next rules still run', () => {
    const d = one({
      invoices: [invoice({ invoiceId: 'I7', number: '2026/0007' })],
      credits: [credit({ creditId: 'K1', structuredReference: { scheme: 'SCOR', ref: creditorReferenceFor('999') }, remittance: 'FT 2026/7' })],
    });
    expect(d).toMatchObject({ decision: 'matched', rule: 'invoiceNumbers' });
    expect(d.reasons.join('\n')).toMatch(/RF\d{2}999 \(in the structured reference\) is no open invoice's payment reference/);
  });
});

describe('rule invoiceNumbers', () => {
  const inv = invoice({ invoiceId: 'I42', number: '2026/0042', amount: 50_000 });
  const others = [invoice({ invoiceId: 'I41', number: '2026/0041', amount: 30_000 }), invoice({ invoiceId: 'X42', number: '42/2026', customerId: 'C2', amount: 77_700 })];

  it.each([
    'FT 2026/42',
    'fattura 2026-0042',
    'INV 20260042',
    'Saldo Fatt. n. 2026/0042 del 01/03/2026',
    'pagamento #2026/42',
    'Invoice no. 2026 / 0042',
    'rif ft2026/0042',
    'SALDO FATTURA NR.2026/42',
  ])('finds 2026/0042 in "%s"', (remittance) => {
    const d = one({ invoices: [inv, ...others], credits: [credit({ creditId: 'K1', amount: 50_000, remittance })] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'invoiceNumbers', allocations: [{ invoiceId: 'I42', amount: 50_000, effect: 'settles' }] });
    expect(d.reasons[0]).toContain('the only open invoice so numbered');
  });

  it('reads the bank\'s additional information too', () => {
    const d = one({ invoices: [inv], credits: [credit({ creditId: 'K1', amount: 50_000, additionalInfo: 'BONIFICO SEPA FT 2026/42' })] });
    expect(d.rule).toBe('invoiceNumbers');
  });

  it.each([
    ['saldo fatt. n. 42/2026', '2026/0042', 'the segments in the other order'],
    ['fattura 1042', '42', '42 is a substring of another number'],
    ['fattura 2026/420', '2026/42', 'a prefix of another number'],
    ['fattura 12026/42', '2026/42', 'a suffix of another number'],
    ['INV 202642', '2026/0042', 'digits joined without the zeros'],
    ['importo 42,26 EUR', '42/26', 'an amount'],
    ['totale 1.042,26', '1042/26', 'an amount with thousands'],
    ['fatt. 42.26', '42/26', 'an amount with a decimal point, even after an invoice word'],
    ['bonifico del 12/03/2026', '12/03/2026', 'a date'],
    ['bonifico del 2026-03-12', '2026/03/12', 'an ISO date'],
    ['pagamento 42', '42', 'a bare short number without an invoice word'],
    ['VIA ROMA 1, 20121 MILANO', '20121', 'a postcode'],
  ])('does not read "%s" as invoice %s (%s)', (remittance, number) => {
    const d = one({ invoices: [invoice({ invoiceId: 'I42', number, amount: 50_000 })], credits: [credit({ creditId: 'K1', amount: 50_000, remittance })] });
    expect(d.decision).not.toBe('matched');
  });

  it('a short plain number counts after an invoice word', () => {
    const d = one({ invoices: [invoice({ invoiceId: 'I42', number: '42', amount: 50_000 })], credits: [credit({ creditId: 'K1', amount: 50_000, remittance: 'saldo fatt. n. 42 del 12/03/2026' })] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'invoiceNumbers' });
  });

  it('several invoices in one transfer: matched when the amounts add up', () => {
    const d = one({ invoices: [inv, ...others], credits: [credit({ creditId: 'K1', amount: 80_000, remittance: 'saldo fatture 2026/41 e 2026/42' })] });
    expect(d).toMatchObject({
      decision: 'matched',
      rule: 'invoiceNumbers',
      settlement: 'exact',
      allocations: [
        { invoiceId: 'I41', amount: 30_000, effect: 'settles' },
        { invoiceId: 'I42', amount: 50_000, effect: 'settles' },
      ],
    });
    expect(d.reasons[1]).toBe('the 2 invoices total EUR 800.00, exactly the credit');
  });

  it('several invoices that do not add up are a suggestion, with the totals', () => {
    const d = one({ invoices: [inv, ...others], credits: [credit({ creditId: 'K1', amount: 70_000, remittance: 'FT 2026/41, FT 2026/42' })] });
    expect(d.decision).toBe('suggested');
    expect(d.reasons.join('\n')).toContain('together EUR 800.00 due, the credit is EUR 700.00');
    expect(d.suggestions![0]!.invoiceIds).toEqual(['I41', 'I42']);
  });

  it('several invoices short within tolerance: all settled, the largest takes the difference', () => {
    const d = one({
      options: { tolerances: [{ currency: 'EUR', shortBy: 200 }] },
      invoices: [inv, ...others],
      credits: [credit({ creditId: 'K1', amount: 79_900, remittance: 'FT 2026/41 FT 2026/42' })],
    });
    expect(d).toMatchObject({
      settlement: 'settledWithDifference',
      allocations: [
        { invoiceId: 'I41', amount: 30_000, effect: 'settles' },
        { invoiceId: 'I42', amount: 49_900, effect: 'settlesWithDifference' },
      ],
      difference: { amount: 100, currency: 'EUR' },
    });
  });

  it('one named invoice with a different amount: partial when the debtor is known as its customer, else a suggestion', () => {
    const c = credit({ creditId: 'K1', amount: 20_000, remittance: 'acconto FT 2026/42', debtor: { iban: IBAN_C1 } });
    const known = one({ invoices: [inv], credits: [c], knownDebtorIbans: new Map([[IBAN_C1, 'C1']]) });
    expect(known).toMatchObject({ decision: 'matched', rule: 'invoiceNumbers', settlement: 'partial', allocations: [{ invoiceId: 'I42', amount: 20_000, effect: 'partial' }] });
    const unknown = one({ invoices: [inv], credits: [c] });
    expect(unknown.decision).toBe('suggested');
    expect(unknown.reasons.join('\n')).toContain('is not the EUR 500.00 due and the debtor is not known as this customer: to confirm');
  });

  it('the debtor identified by a name only one customer has also pins the invoice', () => {
    const d = one({ invoices: [inv], credits: [credit({ creditId: 'K1', amount: 20_000, remittance: 'acconto FT 2026/42', debtor: { name: 'ROSSI MARIO SRL' } })] });
    expect(d).toMatchObject({ decision: 'matched', settlement: 'partial' });
    expect(d.reasons).toContain('the debtor\'s name "ROSSI MARIO SRL" is customer C1\'s, and no other customer\'s');
  });

  it('a number that two customers use: the debtor\'s own invoice wins when the debtor is known, a tie otherwise', () => {
    const mine = invoice({ invoiceId: 'A7', number: '2026/7', customerId: 'C1', amount: 10_000 });
    const theirs = invoice({ invoiceId: 'B7', number: '2026/7', customerId: 'C2', amount: 10_000 });
    const c = credit({ creditId: 'K1', amount: 10_000, remittance: 'FT 2026/7', debtor: { iban: IBAN_C2 } });
    const known = one({ invoices: [mine, theirs], credits: [c], knownDebtorIbans: new Map([[IBAN_C2, 'C2']]) });
    expect(known).toMatchObject({ decision: 'matched', allocations: [{ invoiceId: 'B7' }] });
    const unknown = one({ invoices: [mine, theirs], credits: [c] });
    expect(unknown.decision).toBe('suggested');
    expect(unknown.reasons.join('\n')).toContain('a tie, not applied automatically');
  });

  it('a known debtor naming another customer\'s invoice is a suggestion', () => {
    const d = one({
      invoices: [invoice({ invoiceId: 'B7', number: '2026/7', customerId: 'C2', amount: 10_000 })],
      credits: [credit({ creditId: 'K1', amount: 10_000, remittance: 'FT 2026/7', debtor: { iban: IBAN_C1 } })],
      knownDebtorIbans: new Map([[IBAN_C1, 'C1']]),
    });
    expect(d.decision).toBe('suggested');
    expect(d.reasons.join('\n')).toContain("not an invoice of the debtor's customer C1: to confirm");
  });
});

describe('rule debtorIbanAmount', () => {
  const known = new Map([[IBAN_C1.toLowerCase().replace(/(.{4})/g, '$1 '), 'C1']]);
  const byIban = (amount: number) => credit({ creditId: 'K1', amount, debtor: { iban: IBAN_C1, name: 'ROSSI' } });
  const c1 = (id: string, amount: number, dueDate = '2026-03-10') => invoice({ invoiceId: id, number: id, amount, dueDate });

  it('matches the one open invoice with exactly that amount due', () => {
    const d = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 25_000), c1('C', 40_000)], credits: [byIban(25_000)] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'debtorIbanAmount', allocations: [{ invoiceId: 'B', amount: 25_000, effect: 'settles' }] });
    expect(d.reasons[0]).toBe("the debtor's IBAN is known for customer C1; the only open invoice of that customer with EUR 250.00 due is invoice B");
  });

  it('matches exactly one combination of the customer\'s open invoices', () => {
    const d = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 25_000), c1('C', 40_000)], credits: [byIban(65_000)] });
    expect(d).toMatchObject({ decision: 'matched', rule: 'debtorIbanAmount', allocations: [{ invoiceId: 'B', effect: 'settles' }, { invoiceId: 'C', effect: 'settles' }] });
    expect(d.reasons[0]).toContain('the only set of that customer\'s open invoices adding up to EUR 650.00 is invoices B and C');
  });

  it('two combinations (or an invoice and a combination) are a tie: suggested', () => {
    const d = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 20_000), c1('C', 30_000)], credits: [byIban(30_000)] });
    expect(d.decision).toBe('suggested');
    expect(d.reasons.join('\n')).toContain('fits more than one choice (invoice C; invoices A and B)');
    expect(d.suggestions!.map((s) => s.invoiceIds)).toEqual(expect.arrayContaining([['C'], ['A', 'B']]));
    const twoSets = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 20_000), c1('C', 15_000), c1('D', 15_000)], credits: [byIban(30_000)] });
    expect(twoSets.decision).toBe('suggested');
  });

  it('two invoices with the same amount due are a tie', () => {
    const d = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 10_000)], credits: [byIban(10_000)] });
    expect(d.decision).toBe('suggested');
  });

  it('does not search combinations beyond the bound, and says so', () => {
    const many = Array.from({ length: 13 }, (_, i) => c1(`I${String(i).padStart(2, '0')}`, 1_000 * (i + 1) + 7));
    const d = one({ knownDebtorIbans: known, invoices: many, credits: [byIban(1_007 + 2_007)] });
    expect(d.decision).not.toBe('matched');
    expect(d.reasons.join('\n')).toContain('with 13 open invoices (more than 12) sets of invoices are not searched');
    const found = one({ knownDebtorIbans: known, invoices: many.slice(0, 12), credits: [byIban(1_007 + 2_007)] });
    expect(found).toMatchObject({ decision: 'matched', rule: 'debtorIbanAmount' });
  });

  it('an amount short within tolerance is only suggested: the amount is the only evidence', () => {
    const d = one({ options: { tolerances: [{ currency: 'EUR', shortBy: 200 }] }, knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 25_000)], credits: [byIban(24_850)] });
    expect(d.decision).toBe('suggested');
    expect(d.suggestions![0]!.invoiceIds).toEqual(['B']);
    expect(d.suggestions![0]!.reasons[0]).toContain('EUR 1.50 more than the credit (within tolerance, but the amount is the only evidence)');
  });

  it('no amount fits: suggestions from that customer, closest in amount first', () => {
    const d = one({ knownDebtorIbans: known, invoices: [c1('A', 10_000), c1('B', 25_000), c1('C', 40_000)], credits: [byIban(24_000)] });
    expect(d.decision).toBe('suggested');
    expect(d.suggestions![0]!.invoiceIds).toEqual(['B']);
    expect(d.suggestions!.length).toBeLessThanOrEqual(3);
  });
});

describe('suggestions', () => {
  it('ranks candidates by name, amount and date, never applying them', () => {
    const invoices = [
      invoice({ invoiceId: 'R1', number: 'R1', customerId: 'C1', amount: 12_000, dueDate: '2026-03-10' }),
      invoice({ invoiceId: 'R2', number: 'R2', customerId: 'C1', amount: 50_000, dueDate: '2026-01-10' }),
      invoice({ invoiceId: 'B1', number: 'B1', customerId: 'C2', amount: 12_000, dueDate: '2026-03-10' }),
    ];
    const d = one({ invoices, customers: [...customers, customer('C4', 'Rossi Mario Trasporti SRL')], credits: [credit({ creditId: 'K1', amount: 12_000, debtor: { name: 'ROSSI MARIO' } })] });
    expect(d.decision).toBe('suggested');
    expect(d.allocations).toBeUndefined();
    expect(d.suggestions).toHaveLength(3);
    expect(d.suggestions![0]).toMatchObject({ invoiceIds: ['R1'], customerId: 'C1' });
    expect(d.suggestions![0]!.score).toBeGreaterThan(d.suggestions![1]!.score);
    expect(d.suggestions![0]!.reasons).toContain('invoice R1: EUR 120.00 due, exactly the credit');
  });

  it('nothing in the credit\'s currency: unmatched, and the reason says so', () => {
    const d = one({ invoices: [invoice({ invoiceId: 'U1', currency: 'USD' })], credits: [credit({ creditId: 'K1', debtor: { name: 'Nobody' } })] });
    expect(d.decision).toBe('unmatched');
    expect(d.reasons).toContain('no open invoice fits this credit');
  });
});

describe('invoices with the collection agency', () => {
  const withAgency = invoice({ invoiceId: 'E7', number: '2025/0107', paymentReference: creditorReferenceFor('2025/0107'), amount: 100_000, status: 'escalated' });
  const open = invoice({ invoiceId: 'O8', number: '2026/0008', amount: 100_000 });
  const known = new Map([[IBAN_C1, 'C1']]);

  it('a transfer with the RF of an invoice handed over is left to the finance team, not paid on an open invoice of the same amount', () => {
    const d = one({ invoices: [withAgency, open], knownDebtorIbans: known, credits: [credit({ creditId: 'K1', debtor: { name: 'Rossi Mario', iban: IBAN_C1 }, structuredReference: { scheme: 'SCOR', ref: withAgency.paymentReference! } })] });
    expect(d.decision).toBe('suggested');
    expect(d.allocations).toBeUndefined();
    expect(d.reasons.join('\n')).toContain('invoice 2025/0107 is with the collection agency: for the finance team to place');
    expect(d.suggestions?.[0]?.invoiceIds).toEqual(['E7']);
  });

  it('a transfer naming it beside an open invoice is not applied to the open one as an overpayment', () => {
    const d = one({ invoices: [withAgency, open], knownDebtorIbans: known, credits: [credit({ creditId: 'K2', amount: 200_000, debtor: { name: 'Rossi Mario', iban: IBAN_C1 }, remittance: 'saldo fatture 2025/0107 e 2026/0008' })] });
    expect(d.decision).toBe('suggested');
    expect(d.customerCredit).toBeUndefined();
    expect(d.suggestions?.[0]?.invoiceIds.sort()).toEqual(['E7', 'O8']);
  });

  it('an amount equal to it alone pays nothing automatically (it is no candidate by amount)', () => {
    const d = one({ invoices: [withAgency], knownDebtorIbans: known, credits: [credit({ creditId: 'K3', debtor: { name: 'Rossi Mario', iban: IBAN_C1 } })] });
    expect(d.decision).not.toBe('matched');
  });
});

describe('credits competing for one invoice', () => {
  const inv = invoice({ invoiceId: 'I42', number: '2026/0042', paymentReference: RF_42, amount: 100_000 });

  it('the earlier credit settles it; the later one sees nothing left and is a suggestion', () => {
    const out = run({
      invoices: [inv],
      credits: [
        credit({ creditId: 'K2', bookingDate: '2026-03-13', structuredReference: { scheme: 'SCOR', ref: RF_42 } }),
        credit({ creditId: 'K1', bookingDate: '2026-03-12', structuredReference: { scheme: 'SCOR', ref: RF_42 } }),
      ],
    });
    expect(out.map((d) => [d.creditId, d.decision])).toEqual([['K1', 'matched'], ['K2', 'suggested']]);
    expect(out[1]!.reasons.join('\n')).toContain('settled by an earlier credit in this run');
  });

  it('a partial payment leaves the rest due for the next credit', () => {
    const out = run({
      invoices: [inv],
      knownDebtorIbans: new Map([[IBAN_C1, 'C1']]),
      credits: [
        credit({ creditId: 'K1', amount: 30_000, bookingDate: '2026-03-12', structuredReference: { scheme: 'SCOR', ref: RF_42 } }),
        credit({ creditId: 'K2', amount: 70_000, bookingDate: '2026-03-20', debtor: { iban: IBAN_C1 } }),
      ],
    });
    expect(out[0]).toMatchObject({ settlement: 'partial', allocations: [{ amount: 30_000, effect: 'partial' }] });
    expect(out[1]).toMatchObject({ decision: 'matched', rule: 'debtorIbanAmount', allocations: [{ invoiceId: 'I42', amount: 70_000, effect: 'settles' }] });
  });
});
