import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { isBusinessDay, nextBusinessDay, nextMoment, nextOfficeMoment, nextPaymentDay, nextSendMoment, openingOn } from '../../lambdas/domain/timeline/calendar.js';

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

describe('the last Sundays of March and October', () => {
  // An office open every day, so the Sunday itself is a working day.
  const everyDay = { ...rome, weekdays: [1, 2, 3, 4, 5, 6, 7] };
  it('opens at 09:00 Rome on the day the clocks go forward (07:00Z) and on the day they go back (08:00Z)', () => {
    expect(openingOn('2026-03-29', everyDay).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(openingOn('2026-10-25', everyDay).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    // The night before each change is on the other offset.
    expect(openingOn('2026-03-28', everyDay).toISOString()).toBe('2026-03-28T08:00:00.000Z');
    expect(openingOn('2026-10-24', everyDay).toISOString()).toBe('2026-10-24T07:00:00.000Z');
  });
  it('closes at 18:00 local on those days: 16:00Z in March, 17:00Z in October', () => {
    expect(nextMoment(new Date('2026-03-29T15:59:00Z'), everyDay).toISOString()).toBe('2026-03-29T15:59:00.000Z');
    expect(nextMoment(new Date('2026-03-29T16:00:00Z'), everyDay).toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextMoment(new Date('2026-10-25T16:30:00Z'), everyDay).toISOString()).toBe('2026-10-25T16:30:00.000Z');
    expect(nextMoment(new Date('2026-10-25T17:00:00Z'), everyDay).toISOString()).toBe('2026-10-26T08:00:00.000Z');
  });
  it('follows New York, whose clocks change on other Sundays', () => {
    const ny = { timeZone: 'America/New_York', country: 'US', window: { from: '09:00', to: '18:00' } };
    // US DST starts 8 March 2026: Friday 6 opens at 14:00Z, Monday 9 at 13:00Z.
    expect(openingOn('2026-03-06', ny).toISOString()).toBe('2026-03-06T14:00:00.000Z');
    expect(openingOn('2026-03-07', ny).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });
});

describe('send and office moments for a customer', () => {
  const customer = { timeZone: 'Europe/Rome', country: 'IT' };
  it('sends inside the send window, 09:00-18:00 unless the policy says otherwise', () => {
    expect(nextSendMoment(new Date('2026-03-09T06:00:00Z'), customer).toISOString()).toBe('2026-03-09T08:00:00.000Z');
    expect(nextSendMoment(new Date('2026-03-09T06:00:00Z'), { ...customer, sendWindow: { from: '10:30', to: '12:00' } }).toISOString()).toBe(
      '2026-03-09T09:30:00.000Z',
    );
  });
  it('calls inside the office days and hours, never on a public holiday', () => {
    const office = { ...customer, officeHours: { days: [1], from: '10:00', to: '12:00' } };
    // Monday 6 April 2026 is Easter Monday: the next Monday, 13 April, at 10:00 Rome (08:00Z).
    expect(nextOfficeMoment(new Date('2026-04-03T10:00:00Z'), office).toISOString()).toBe('2026-04-13T08:00:00.000Z');
    // Office hours default to Monday-Friday 09:00-17:00.
    expect(nextOfficeMoment(new Date('2026-03-09T16:30:00Z'), customer).toISOString()).toBe('2026-03-10T08:00:00.000Z');
  });
});

describe('bad input', () => {
  it('names what is wrong', () => {
    expect(() => isBusinessDay('2026-02-30', 'IT')).toThrow('localDate must be an ISO date YYYY-MM-DD (got "2026-02-30")');
    expect(() => isBusinessDay('2026-03-09', 'XX')).toThrow('country "XX" has no public-holiday calendar');
    expect(() => nextMoment(new Date('2026-03-09T10:00:00Z'), { ...rome, timeZone: 'Europe/Atlantis' })).toThrow(/timeZone "Europe\/Atlantis" is not an IANA time zone/);
    expect(() => nextMoment(new Date('2026-03-09T10:00:00Z'), { ...rome, window: { from: '18:00', to: '09:00' } })).toThrow('window 18:00-09:00 is empty');
    expect(() => nextPaymentDay('2026-03-01', [32])).toThrow('paymentDays must be days of the month 1-31 (got 32)');
  });
});

describe('calendar properties', () => {
  const places = [
    { country: 'IT', timeZone: 'Europe/Rome' },
    { country: 'RO', timeZone: 'Europe/Bucharest' },
    { country: 'GB', timeZone: 'Europe/London' },
    { country: 'US', timeZone: 'America/Los_Angeles' },
    { country: 'ES', timeZone: 'Europe/Madrid' },
    { country: 'FR', timeZone: 'Europe/Paris' },
    { country: 'DE', timeZone: 'Europe/Berlin' },
  ];
  const instant = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2027, 11, 31) }).map((ms) => new Date(ms));
  const window = fc
    .tuple(fc.integer({ min: 0, max: 22 }), fc.integer({ min: 1, max: 10 }))
    .map(([h, len]) => ({ from: `${String(h).padStart(2, '0')}:00`, to: `${String(Math.min(23, h + len)).padStart(2, '0')}:30` }));

  it('the next moment is the earliest one at or after the instant inside the window on a business day', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...places), window, (t, place, w) => {
        const ctx = { ...place, window: w };
        const m = nextMoment(t, ctx);
        const local = DateTime.fromJSDate(m, { zone: place.timeZone });
        expect(m.getTime()).toBeGreaterThanOrEqual(t.getTime());
        expect(isBusinessDay(local.toISODate()!, place.country)).toBe(true);
        expect(local.toFormat('HH:mm') >= w.from && local.toFormat('HH:mm') < w.to).toBe(true);
        // Either the instant itself was fine, or the moment is a window opening.
        if (m.getTime() !== t.getTime()) expect(local.toFormat('HH:mm')).toBe(w.from);
        // Idempotent: a moment that is fine stays.
        expect(nextMoment(m, ctx).getTime()).toBe(m.getTime());
      }),
      { numRuns: 200 },
    );
  });

  it('the next payment day is a payment day (or the last day of a short month) on or after the date, with none skipped', () => {
    const date = fc.integer({ min: 0, max: 1000 }).map((n) => DateTime.fromISO('2026-01-01').plus({ days: n }));
    fc.assert(
      fc.property(date, fc.uniqueArray(fc.integer({ min: 1, max: 31 }), { minLength: 1, maxLength: 4 }), (d, days) => {
        const p = DateTime.fromISO(nextPaymentDay(d.toISODate()!, days));
        expect(p >= d).toBe(true);
        const isPayDay = (x: DateTime) => days.some((n) => Math.min(n, x.daysInMonth!) === x.day);
        expect(isPayDay(p)).toBe(true);
        for (let x = d; x < p; x = x.plus({ days: 1 })) expect(isPayDay(x)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
