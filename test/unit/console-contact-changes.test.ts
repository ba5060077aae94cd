/** The console's contacts form sends only what changed (console/src/pages/customer-edits.ts). */
import { describe, expect, it } from 'vitest';
import { contactChanges } from '../../console/src/pages/customer-edits.js';
import type { components } from '../../console/src/api/schema.js';

type Customer = components['schemas']['Customer'];

const customer = {
  tenantId: 'acme',
  customerId: 'C-1',
  name: 'Alfa S.p.A.',
  email: 'ap@alfa.example',
  emailStatus: 'bounced',
  phone: '+393471234567',
  billingContact: { name: 'Anna Neri', role: 'AP', email: 'anna@alfa.example' },
  salesRep: { name: 'Marco Rossi', email: 'marco@acme.example' },
  language: 'it',
} as unknown as Customer;

/** The form as the console fills it from the record, with `edits` typed over it. */
const form = (edits: Record<string, string> = {}) => {
  const filled: Record<string, string> = {
    email: 'ap@alfa.example',
    phone: '+393471234567',
    billingName: 'Anna Neri',
    billingRole: 'AP',
    billingEmail: 'anna@alfa.example',
    billingPhone: '',
    repName: 'Marco Rossi',
    repEmail: 'marco@acme.example',
    language: 'it',
    ...edits,
  };
  return (name: string) => (filled[name]?.trim() ? filled[name]!.trim() : undefined);
};

describe('the contacts form', () => {
  it('sends nothing when nothing was changed', () => {
    expect(contactChanges(customer, form())).toEqual({});
  });

  it('sends a corrected e-mail alone', () => {
    expect(contactChanges(customer, form({ email: 'payables@alfa.example' }))).toEqual({ email: 'payables@alfa.example' });
  });

  it('removes an emptied field and a person emptied whole', () => {
    expect(contactChanges(customer, form({ phone: '', repName: '', repEmail: '' }))).toEqual({ phone: null, salesRep: null });
  });

  it('sends the phone without the spaces people type, and a person whole when one of its fields changed', () => {
    expect(contactChanges(customer, form({ phone: '+39 347 765 4321', billingPhone: '+39 (02) 1234-567' }))).toEqual({
      phone: '+393477654321',
      billingContact: { name: 'Anna Neri', role: 'AP', email: 'anna@alfa.example', phone: '+39021234567' },
    });
  });

  it('lets the API refuse a person without a name (its 400 names the field)', () => {
    expect(contactChanges({ ...customer, salesRep: undefined } as Customer, form({ repName: '', repEmail: 'new@acme.example' }))).toEqual({ salesRep: { name: '', email: 'new@acme.example' } });
  });

  it('changes the language', () => {
    expect(contactChanges(customer, form({ language: 'en' }))).toEqual({ language: 'en' });
  });
});
