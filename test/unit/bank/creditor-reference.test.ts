import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  creditorReferenceFor,
  formatCreditorReference,
  isValidCreditorReference,
  normaliseCreditorReference,
} from '../../../lambdas/domain/money/creditor-reference.js';

describe('ISO 11649 creditor references', () => {
  it('validates the check digits', () => {
    expect(isValidCreditorReference('RF18539007547034')).toBe(true);
    expect(isValidCreditorReference('RF38000000000000000000552')).toBe(true);
    expect(isValidCreditorReference('RF18 2025 0405')).toBe(false);
    expect(isValidCreditorReference('RF19539007547034')).toBe(false);
    expect(isValidCreditorReference('RF18')).toBe(false);
    expect(isValidCreditorReference('RF185390075470341234567890')).toBe(false);
    expect(isValidCreditorReference('RF18-5390-0754-7034')).toBe(false);
  });

  it('ignores spaces and case', () => {
    expect(normaliseCreditorReference(' rf18 5390\t0754 7034 ')).toBe('RF18539007547034');
    expect(isValidCreditorReference('rf18 5390 0754 7034')).toBe(true);
    expect(formatCreditorReference('RF18539007547034')).toBe('RF18 5390 0754 7034');
  });

  it('builds a valid reference from an invoice number', () => {
    expect(creditorReferenceFor('539007547034')).toBe('RF18539007547034');
    expect(creditorReferenceFor('2025/0405')).toMatch(/^RF\d{2}20250405$/);
    expect(isValidCreditorReference(creditorReferenceFor('2025/0405'))).toBe(true);
    expect(() => creditorReferenceFor('///')).toThrow(RangeError);
    expect(() => creditorReferenceFor('A'.repeat(22))).toThrow(/at most 21/);
  });

  it('every reference it builds is valid', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9A-Za-z]{1,21}$/), (id) => {
        expect(isValidCreditorReference(creditorReferenceFor(id))).toBe(true);
      }),
    );
  });
});
