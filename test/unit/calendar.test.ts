import { describe, expect, it } from 'vitest';
import { isBusinessDay, nextBusinessDay, nextMoment, nextPaymentDay, openingOn } from '../../lambdas/domain/calendar.js';

const rome = { timeZone: 'Europe/Rome', country: 'IT', window: { from: '09:00', to: '18:00' } };

describe('business days', () => {
  it.each([
    ['IT', '2026-04-06', 'Easter Monday'],
    ['IT', '2026-12-25', 'Christmas'],
    ['IT', '2026-12-26', 'St Stephen (a Saturday anyway)'],
    ['IT', '2026-06-02', 'Republic Day'],
    ['RO', '2026-12-01', 'Great Union Day'],
    ['GB', '2026-08-31', 'Summer bank holiday (England)'],
    ['US', '2026-07-03', 'Independence Day observed'],
    ['DE', '2026-10-03', 'German Unity Day (a Saturday anyway)'],
    ['FR', '2026-07-14', 'Bastille Day'],
    ['ES', '2026-10-12', 'Fiesta Nacional'],
  ])('%s %s is not a business day (%s)', (country, date) => {
    expect(isBusinessDay(date, country)).toBe(false);
  });

  it('knows weekends and ordinary days', () => {
    expect(isBusinessDay('2026-03-07', 'IT')).toBe(false); // Saturday
    expect(isBusinessDay('2026-03-08', 'IT')).toBe(false); // Sunday
    expect(isBusinessDay('2026-03-09', 'IT')).toBe(true);
    expect(isBusinessDay('2026-08-31', 'IT')).toBe(true); // a holiday in England only
  });

  it('moves past long weekends', () => {
    expect(nextBusinessDay('2026-04-04', 'IT')).toBe('2026-04-07'); // Sat, Easter Sunday, Easter Monday
    expect(nextBusinessDay('2026-12-24', 'GB')).toBe('2026-12-24');
    expect(nextBusinessDay('2026-12-25', 'GB')).toBe('2026-12-29'); // Christmas Fri, weekend, Boxing Day observed Mon 28
  });
});

describe('send moments in the customer time zone', () => {
  it('opens at 09:00 local: 08:00Z in winter, 07:00Z in summer', () => {
    expect(openingOn('2026-03-27', rome).toISOString()).toBe('2026-03-27T08:00:00.000Z');
    // The clocks go forward on Sunday 29 March; Monday 30 opens at 07:00Z.
    expect(openingOn('2026-03-28', rome).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    // Back on Sunday 25 October; Monday 26 opens at 08:00Z again.
    expect(openingOn('2026-10-23', rome).toISOString()).toBe('2026-10-23T07:00:00.000Z');
    expect(openingOn('2026-10-24', rome).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });

  it('keeps an instant inside the window and moves one after it to the next business morning', () => {
    expect(nextMoment(new Date('2026-03-09T10:30:00Z'), rome).toISOString()).toBe('2026-03-09T10:30:00.000Z');
    expect(nextMoment(new Date('2026-03-09T17:00:00Z'), rome).toISOString()).toBe('2026-03-10T08:00:00.000Z');
    expect(nextMoment(new Date('2026-03-13T17:30:00Z'), rome).toISOString()).toBe('2026-03-16T08:00:00.000Z');
  });

  it('reads the local date, not the UTC one', () => {
    // 23:30Z on Friday is already Saturday in Bucharest: the next moment is Monday 09:00 there.
    const bucharest = { timeZone: 'Europe/Bucharest', country: 'RO', window: { from: '09:00', to: '18:00' } };
    expect(nextMoment(new Date('2026-03-13T23:30:00Z'), bucharest).toISOString()).toBe('2026-03-16T07:00:00.000Z');
  });

  it('uses the office days and hours when given', () => {
    const office = { ...rome, window: { from: '14:00', to: '16:00' }, weekdays: [2, 4] };
    // Monday 9 March → Tuesday 10 at 14:00 Rome.
    expect(nextMoment(new Date('2026-03-09T08:00:00Z'), office).toISOString()).toBe('2026-03-10T13:00:00.000Z');
  });
});

describe('payment days', () => {
  it('aligns to the next of the customer payment days', () => {
    expect(nextPaymentDay('2026-03-04', [10, 25])).toBe('2026-03-10');
    expect(nextPaymentDay('2026-03-10', [10, 25])).toBe('2026-03-10');
    expect(nextPaymentDay('2026-03-11', [25, 10])).toBe('2026-03-25');
    expect(nextPaymentDay('2026-03-26', [10, 25])).toBe('2026-04-10');
  });
  it('reads 31 as the last day of a shorter month', () => {
    expect(nextPaymentDay('2026-04-20', [31])).toBe('2026-04-30');
    expect(nextPaymentDay('2026-02-20', [30])).toBe('2026-02-28');
    expect(nextPaymentDay('2028-02-20', [31])).toBe('2028-02-29');
  });
  it('is the date itself when the customer pays any day', () => {
    expect(nextPaymentDay('2026-03-04', [])).toBe('2026-03-04');
  });
});
