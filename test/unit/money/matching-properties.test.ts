import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { creditorReferenceFor } from '../../../lambdas/domain/money/creditor-reference.js';
import { matchCredits } from '../../../lambdas/domain/money/matching/match-credits.js';
import type { MatchableCredit, MatchableInvoice, MatchInput } from '../../../lambdas/domain/money/matching/types.js';
import { credit, customer, invoice } from './matching-fixtures.js';

const IBANS = ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300'];
const NAMES = ['Rossi Mario S.r.l.', 'Rossi Mario Trasporti', 'Bianchi S.p.A.', 'Verdi & C. snc'];
const TOLERANCES = [{ currency: 'EUR', shortBy: 200 }];

/** A small tenant (4 customers, up to 14 invoices, few distinct amounts so ties happen) and credits that point at it in every way the rules read. */
const scenario: fc.Arbitrary<MatchInput> = fc
  .record({
    invoices: fc.array(
      fc.record({
        customer: fc.integer({ min: 0, max: 3 }),
        n: fc.integer({ min: 1, max: 30 }),
        amount: fc.constantFrom(10_000, 15_000, 25_000, 40_000, 10_050),
        paid: fc.constantFrom(0, 0, 5_000),
        currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
        withRf: fc.boolean(),
        day: fc.integer({ min: 1, max: 28 }),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    credits: fc.array(
      fc.record({
        target: fc.nat(),
        second: fc.nat(),
        how: fc.constantFrom('rf', 'badRf', 'number', 'twoNumbers', 'iban', 'name', 'nothing'),
        amount: fc.constantFrom('due', 'due', 'partial', 'over', 'short', 'sum', 'random'),
        random: fc.integer({ min: 1, max: 60_000 }),
        ibanOf: fc.integer({ min: 0, max: 4 }),
        day: fc.integer({ min: 1, max: 28 }),
        currency: fc.constantFrom('EUR', 'EUR', 'EUR', 'USD'),
      }),
      { minLength: 1, maxLength: 10 },
    ),
  })
  .map(({ invoices: specs, credits: cspecs }): MatchInput => {
    const invoices: MatchableInvoice[] = specs.map((s, i) =>
      invoice({
        invoiceId: `INV-${String(i).padStart(2, '0')}`,
        number: `2026/${String(s.n).padStart(4, '0')}`,
        customerId: `C${s.customer}`,
        amount: s.amount,
        amountPaid: Math.min(s.paid, s.amount),
        currency: s.currency,
        dueDate: `2026-03-${String(s.day).padStart(2, '0')}`,
        ...(s.withRf ? { paymentReference: creditorReferenceFor(`2026${String(s.n).padStart(4, '0')}`) } : {}),
      }),
    );
    const credits: MatchableCredit[] = cspecs.map((c, k) => {
      const t = invoices[c.target % invoices.length]!;
      const u = invoices[c.second % invoices.length]!;
      const due = t.amount - t.amountPaid;
      const amount = { due, partial: Math.max(1, Math.floor(due / 3)), over: due + 777, short: due - 150, sum: due + u.amount - u.amountPaid, random: c.random }[c.amount];
      const rf = t.paymentReference ?? creditorReferenceFor('1');
      return credit({
        creditId: `K${k}`,
        amount,
        currency: c.currency,
        bookingDate: `2026-03-${String(c.day).padStart(2, '0')}`,
        ...(c.how === 'rf' ? { structuredReference: { scheme: 'SCOR', ref: rf } } : {}),
        ...(c.how === 'badRf' ? { structuredReference: { scheme: 'SCOR', ref: `RF00${rf.slice(4)}` } } : {}),
        ...(c.how === 'number' ? { remittance: `saldo FT ${t.number}` } : {}),
        ...(c.how === 'twoNumbers' ? { remittance: `fatture ${t.number} e ${u.number}` } : {}),
        debtor: {
          ...(c.ibanOf < 4 ? { iban: IBANS[c.ibanOf] } : {}),
          ...(c.how === 'name' ? { name: NAMES[Number(t.customerId.slice(1))] } : {}),
        },
      });
    });
    return {
      invoices,
      credits,
      customers: NAMES.map((n, i) => customer(`C${i}`, n)),
      knownDebtorIbans: new Map(IBANS.slice(0, 3).map((iban, i) => [iban, `C${i}`])),
      options: { tolerances: TOLERANCES },
    };
  });

const shuffled = <T>(items: readonly T[], seed: number): T[] => {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
};

describe('payment matcher properties', () => {
  it('shuffling invoices, credits, customers and known IBANs does not change any decision', () => {
    fc.assert(
      fc.property(scenario, fc.integer(), (input, seed) => {
        const again = matchCredits({
          ...input,
          invoices: shuffled(input.invoices, seed),
          credits: shuffled(input.credits, seed + 1),
          customers: shuffled(input.customers, seed + 2),
          knownDebtorIbans: new Map(shuffled([...input.knownDebtorIbans], seed + 3)),
        });
        expect(again).toEqual(matchCredits(input));
      }),
      { numRuns: 300 },
    );
  });

  it('no automatic match allocates more than an invoice has due, plus what the rules allow', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const due = new Map(input.invoices.map((i) => [i.invoiceId, i.amount - i.amountPaid]));
        const byId = new Map(input.invoices.map((i) => [i.invoiceId, i]));
        const closed = new Set<string>();
        for (const d of matchCredits(input)) {
          const c = input.credits.find((x) => x.creditId === d.creditId)!;
          if (d.decision !== 'matched') {
            expect(d.allocations).toBeUndefined();
            expect(d.customerCredit).toBeUndefined();
            continue;
          }
          const allocated = d.allocations!.reduce((s, a) => s + a.amount, 0);
          // Every minor unit of the credit goes somewhere: to invoices, or to the customer's credit.
          expect(allocated + (d.customerCredit?.amount ?? 0)).toBe(c.amount);
          expect(d.difference?.amount ?? 0).toBeLessThanOrEqual(200);
          if (d.customerCredit) expect(d.allocations).toHaveLength(1);
          if (d.allocations!.some((a) => a.effect === 'partial')) expect(d.allocations).toHaveLength(1);
          for (const a of d.allocations!) {
            const inv = byId.get(a.invoiceId)!;
            expect(inv.currency).toBe(c.currency);
            expect(closed.has(a.invoiceId)).toBe(false);
            expect(a.amount).toBeGreaterThan(0);
            expect(a.amount).toBeLessThanOrEqual(due.get(a.invoiceId)!);
            const left = due.get(a.invoiceId)! - a.amount;
            if (a.effect === 'settles') expect(left).toBe(0);
            if (a.effect === 'settlesWithDifference') expect(left).toBe(d.difference!.amount);
            if (a.effect === 'partial') expect(left).toBeGreaterThan(c.currency === 'EUR' ? 200 : 0);
            due.set(a.invoiceId, a.effect === 'partial' ? left : 0);
            if (a.effect !== 'partial') closed.add(a.invoiceId);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the scenarios reach every rule and every outcome (so the properties above say something)', () => {
    const seen = new Set<string>();
    for (const input of fc.sample(scenario, { numRuns: 300, seed: 7 })) {
      for (const d of matchCredits(input)) {
        seen.add(d.decision);
        if (d.rule) seen.add(d.rule);
        if (d.settlement) seen.add(d.settlement);
      }
    }
    expect([...seen].sort()).toEqual(
      ['creditorReference', 'debtorIbanAmount', 'exact', 'invoiceNumbers', 'matched', 'overpaid', 'partial', 'settledWithDifference', 'suggested', 'unmatched'].sort(),
    );
  });

  it('every decision gives reasons', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        for (const d of matchCredits(input)) {
          expect(d.reasons.length).toBeGreaterThan(0);
          for (const s of d.suggestions ?? []) expect(s.reasons.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 100 },
    );
  });
});
