/** The bank-credit aggregate's pure rules: the company's accounts, the idempotency key, the records. */
import { describe, expect, it } from 'vitest';
import { creditIdOf, creditRecord, dedupKeyOf, foreignAccountReason, paidOn, returnRecord, tenantAccounts, unallocated } from '../../../lambdas/domain/bank/credit-records.js';
import type { BankCredit, BankReturn } from '../../../lambdas/domain/bank/types.js';

const credit = (over: Partial<BankCredit> = {}): BankCredit => ({
  account: { iban: 'IT60X0542811101000000123456', currency: 'EUR' },
  amount: 12_000,
  currency: 'EUR',
  bookingDate: '2026-03-09',
  entryIndex: 2,
  source: { format: 'camt.053' },
  ...over,
});
const ctx = { tenantId: 't', key: 'bank/a.xml', at: '2026-03-10T09:00:00.000Z' };

describe("the company's accounts", () => {
  const tenant = { iban: 'IT60X0542811101000000123456' };
  it('defaults to the tenant IBAN, in any currency and spacing', () => {
    expect(tenantAccounts(tenant)).toEqual([{ iban: tenant.iban }]);
    expect(foreignAccountReason(tenant, { iban: 'it60 x054 2811 1010 0000 0123 456', currency: 'CHF' })).toBeUndefined();
  });
  it('refuses another account, naming it and the configured ones', () => {
    expect(foreignAccountReason(tenant, { iban: 'DE89370400440532013000', currency: 'EUR' })).toMatch(/DE89370400440532013000, which is not one of the company's accounts \(IT60X0542811101000000123456\)/);
  });
  it('reads configured accounts by other id and checks their currency', () => {
    const t = { ...tenant, bankAccounts: [{ otherId: '5000 0000 0549', currency: 'SEK' }] };
    expect(foreignAccountReason(t, { otherId: '500000000549', currency: 'SEK' })).toBeUndefined();
    expect(foreignAccountReason(t, { otherId: '500000000549', currency: 'EUR' })).toMatch(/configured in SEK/);
    expect(foreignAccountReason(t, { iban: tenant.iban, currency: 'EUR' })).toMatch(/not one of/);
  });
});

describe('the idempotency key', () => {
  it('is account + bank reference (+ transaction), whatever the file and entry position', () => {
    const a = credit({ bankReference: 'R1', entryIndex: 1, source: { format: 'camt.054' } });
    const b = credit({ bankReference: 'R1', entryIndex: 7, remittance: 'other text' });
    expect(dedupKeyOf(a)).toBe(dedupKeyOf(b));
    expect(dedupKeyOf(a)).toBe('IT60X0542811101000000123456|ref:R1');
    expect(dedupKeyOf(credit({ bankReference: 'R1', transactionIndex: 2 }))).not.toBe(dedupKeyOf(a));
  });
  it('falls back to booking date + amount + end-to-end id, or a hash of the remittance', () => {
    expect(dedupKeyOf(credit({ endToEndId: 'E2E' }))).toBe('IT60X0542811101000000123456|2026-03-09|12000EUR|e2e:E2E');
    const byText = dedupKeyOf(credit({ endToEndId: 'NOTPROVIDED', remittance: 'fattura 12' }));
    expect(byText).toMatch(/\|text:[0-9a-f]{16}$/);
    expect(dedupKeyOf(credit({ remittance: 'fattura 13' }))).not.toBe(byText);
  });
  it('keeps a return apart from the credit it returns', () => {
    const ret: BankReturn = { ...credit({ bankReference: 'R1' }), kind: 'return', direction: 'debit' };
    expect(dedupKeyOf(ret)).not.toBe(dedupKeyOf(credit({ bankReference: 'R1' })));
  });
  it('gives a URL-safe id', () => {
    expect(creditIdOf('x')).toMatch(/^bc_[0-9a-f]{32}$/);
  });
});

describe('records', () => {
  it('a credit is stored undecided with its source', () => {
    const r = creditRecord(credit({ bankReference: 'R1', valueDate: '2026-03-08' }), ctx);
    expect(r).toMatchObject({ status: 'unmatched', source: { key: 'bank/a.xml', format: 'camt.053', entryIndex: 2 }, applied: [], suggestions: [] });
    expect(r.decidedAt).toBeUndefined();
    expect(paidOn(r, '2026-03-10')).toBe('2026-03-08');
    expect(paidOn({ bookingDate: '2026-03-12' }, '2026-03-10')).toBe('2026-03-10');
  });
  it('a return is decided at once, nothing applied', () => {
    const r = returnRecord({ ...credit({ bankReference: 'R9' }), kind: 'reversal', direction: 'debit', reason: 'AC04' }, ctx);
    expect(r).toMatchObject({ status: 'returned', decidedBy: 'bank', returned: { kind: 'reversal', reason: 'AC04' } });
  });
  it('what is left to allocate', () => {
    expect(unallocated({ amount: 100, applied: [{ invoiceId: 'a', amount: 30 }], customerCredit: { customerId: 'c', amount: 20, currency: 'EUR' } })).toBe(50);
  });
});
