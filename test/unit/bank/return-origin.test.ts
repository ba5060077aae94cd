/** Which earlier credit a bank return takes back (domain/bank/return-origin.ts). */
import { describe, expect, it } from 'vitest';
import { creditRecord, returnRecord, type BankCreditRecord } from '../../../lambdas/domain/bank/credit-records.js';
import { originOfReturn, returnToReviewTask } from '../../../lambdas/domain/bank/return-origin.js';
import type { BankCredit, BankReturn } from '../../../lambdas/domain/bank/types.js';

const ACCOUNT = { iban: 'IT60X0542811101000000123456', currency: 'EUR' };
const ctx = { tenantId: 't', key: 'bank/s.xml', at: '2026-03-20T09:00:00.000Z' };
const CUSTOMER_IBAN = 'IT02L1234512345123456789012';

const credit = (ref: string, over: Partial<BankCredit> = {}, decided: Partial<BankCreditRecord> = {}): BankCreditRecord => ({
  ...creditRecord({ account: ACCOUNT, amount: 15_000, currency: 'EUR', bookingDate: '2026-03-02', entryIndex: 1, source: { format: 'camt.053' }, bankReference: ref, ...over }, ctx),
  status: 'matched',
  applied: [{ invoiceId: `inv-${ref}`, amount: over.amount ?? 15_000, paymentId: `pay-${ref}`, invoiceNumber: `2026/${ref}` }],
  ...decided,
});

const ret = (over: Partial<BankReturn> = {}): BankCreditRecord =>
  returnRecord({ account: ACCOUNT, amount: 15_000, currency: 'EUR', bookingDate: '2026-03-12', entryIndex: 1, source: { format: 'camt.054' }, bankReference: 'RET-1', kind: 'return', direction: 'debit', reason: 'AM04', ...over }, ctx);

describe('the credit a return takes back', () => {
  it('by the original end-to-end id first, whatever its status', () => {
    const unmatched = credit('11', { endToEndId: 'SDD-11', amount: 9_900 }, { status: 'unmatched', applied: [] });
    const byIban = credit('12', { debtor: { iban: CUSTOMER_IBAN } });
    const o = originOfReturn(ret({ originalEndToEndId: 'SDD-11', endToEndId: 'SDD-11', debtor: { iban: CUSTOMER_IBAN } }), [byIban, unmatched]);
    expect(o).toMatchObject({ rule: 'endToEndId', credit: { creditId: unmatched.creditId } });
  });

  it('else the most recent matched credit from the same debtor account for the same amount (or the amount less the charge)', () => {
    const older = credit('21', { debtor: { iban: CUSTOMER_IBAN }, bookingDate: '2026-02-02' });
    const newer = credit('22', { debtor: { iban: 'IT02 L123 4512 3451 2345 6789 012' }, bookingDate: '2026-03-02' });
    const later = credit('23', { debtor: { iban: CUSTOMER_IBAN }, bookingDate: '2026-03-15' });
    expect(originOfReturn(ret({ debtor: { iban: CUSTOMER_IBAN } }), [older, newer, later])).toMatchObject({ rule: 'debtorIbanAmount', credit: { creditId: newer.creditId } });
    // Booked as one debit with the charge: 150.00 + 3.50.
    expect(originOfReturn(ret({ amount: 15_350, charge: 350, debtor: { iban: CUSTOMER_IBAN } }), [older])).toMatchObject({ credit: { creditId: older.creditId } });
    expect(originOfReturn(ret({ amount: 15_001, debtor: { iban: CUSTOMER_IBAN } }), [older])).toBeUndefined();
  });

  it('else a matched credit for the same amount that paid an invoice the return names (RiBa)', () => {
    const riba = credit('31', { remittance: 'RIBA SBF FT 2026/31' });
    const other = credit('32');
    const o = originOfReturn(ret({ reason: 'RIBA_UNPAID', remittance: 'RIBA INSOLUTA FT. 2026/0031 SCAD. 10/03/2026' }), [other, riba]);
    expect(o).toMatchObject({ rule: 'invoiceNamedAmount', credit: { creditId: riba.creditId } });
    expect(o!.reason).toMatch(/names invoice 2026\/31/);
  });

  it('never a credit returned by another return, nor a return itself; a return booked as a credit takes back nothing', () => {
    const first = ret({ debtor: { iban: CUSTOMER_IBAN } });
    const taken = credit('41', { debtor: { iban: CUSTOMER_IBAN } }, { status: 'returned', returnedBy: { creditId: 'bc_other', at: ctx.at } });
    expect(originOfReturn(first, [taken, ret({ bankReference: 'RET-0', bookingDate: '2026-03-05', debtor: { iban: CUSTOMER_IBAN } })])).toBeUndefined();
    // Still found by the return that took it (a retry).
    expect(originOfReturn(first, [{ ...taken, returnedBy: { creditId: first.creditId, at: ctx.at } }])).toMatchObject({ credit: { creditId: taken.creditId } });
    expect(originOfReturn(ret({ direction: 'credit', debtor: { iban: CUSTOMER_IBAN } }), [credit('42', { debtor: { iban: CUSTOMER_IBAN } })])).toBeUndefined();
  });

  it('a return nobody can place becomes a review task carrying it', () => {
    const r = ret({ debtor: { name: 'Bianchi Srl' }, remittance: 'SDD RETURN' });
    expect(returnToReviewTask(r, ['no credit found'], ctx.at)).toMatchObject({
      taskId: `returnToReview#${r.creditId}`,
      kind: 'returnToReview',
      status: 'open',
      createdBy: 'bank',
      credit: { creditId: r.creditId, amount: 15_000, debtorName: 'Bianchi Srl', remittance: 'SDD RETURN', reasons: ['no credit found'], suggestions: [] },
    });
  });
});
