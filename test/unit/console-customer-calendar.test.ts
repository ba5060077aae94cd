/** The console's calendar form on a customer sends only what changed (console/src/pages/customer-calendar.ts). */
import { describe, expect, it } from 'vitest';
import { calendarChanges } from '../../console/src/pages/customer-calendar.js';
import type { components } from '../../console/src/api/schema.js';

type Customer = components['schemas']['Customer'];

const customer = {
  customerId: 'C-1',
  officeHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '13:00' },
  paymentDays: [10, 25],
  city: 'Milano',
  closures: [{ from: '08-10', to: '08-24', label: 'Ferie' }, { from: '2026-12-24', to: '2026-12-31' }],
} as unknown as Customer;

/** The form as the console fills it from the record, with `edits` over it. */
const form = (edits: Record<string, string | string[] | undefined> = {}) => {
  const filled: Record<string, string | string[] | undefined> = {
    officeDay: ['1', '2', '3', '4', '5'],
    officeFrom: '09:00',
    officeTo: '13:00',
    paymentDays: '10, 25',
    city: 'Milano',
    keepClosure: ['0', '1'],
    ...edits,
  };
  return {
    field: (n: string) => {
      const v = filled[n];
      return typeof v === 'string' && v.trim() ? v.trim() : undefined;
    },
    all: (n: string) => {
      const v = filled[n];
      return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
    },
  };
};

describe('the calendar form', () => {
  it('sends nothing when nothing was changed', () => {
    expect(calendarChanges(customer, form())).toEqual({});
  });

  it('adds a closure every year as MM-DD, once as YYYY-MM-DD, and keeps those left ticked', () => {
    expect(calendarChanges(customer, form({ keepClosure: ['0'], closureFrom: '2027-04-20', closureTo: '2027-04-21', closureYearly: 'on', closureLabel: 'Fiera' }))).toEqual({
      closures: [{ from: '08-10', to: '08-24', label: 'Ferie' }, { from: '04-20', to: '04-21', label: 'Fiera' }],
    });
    expect(calendarChanges(customer, form({ closureFrom: '2027-01-02' })).closures?.at(-1)).toEqual({ from: '2027-01-02', to: '2027-01-02' });
  });

  it('changes the office hours, the payment days, the send window and the city, and removes what was emptied', () => {
    expect(calendarChanges(customer, form({ officeDay: ['5', '1', '3'], officeTo: '12:30', paymentDays: '', windowFrom: '10:00', windowTo: '12:00', city: '', region: '25' }))).toEqual({
      officeHours: { days: [1, 3, 5], from: '09:00', to: '12:30' },
      paymentDays: [],
      sendWindow: { from: '10:00', to: '12:00' },
      city: null,
      region: '25',
    });
  });

  it('sends payment days that are not days as they are, for the API to name', () => {
    expect(calendarChanges(customer, form({ paymentDays: '10; 32, x' })).paymentDays).toEqual([10, 32, 0]);
  });
});
