import { describe, expect, it } from 'vitest';
import { businessDaysAfter, feedMarks, staleStatements, statementDay } from '../../lambdas/domain/bank/statement-freshness.js';

const IBAN = 'IT60X0542811101000000123456';
const daily = { everyBusinessDays: 1, staleAfterBusinessDays: 2 };
const mark = (lastDay: string, account = IBAN) => ({ account, lastDay, receivedAt: `${lastDay}T20:00:00Z`, key: `bank/${lastDay}.xml` });

describe('businessDaysAfter', () => {
  it('counts the business days after a day up to and including another, in the country’s calendar', () => {
    expect(businessDaysAfter('2026-03-02', '2026-03-03', 'IT')).toBe(1); // Mon -> Tue
    expect(businessDaysAfter('2026-03-06', '2026-03-09', 'IT')).toBe(1); // Fri -> Mon: the weekend does not count
    expect(businessDaysAfter('2026-04-03', '2026-04-07', 'IT')).toBe(1); // Fri -> Tue: Easter Monday 6 April is a holiday in Italy
    expect(businessDaysAfter('2026-04-03', '2026-04-07', 'GB')).toBe(1); // Good Friday was the 3rd; Easter Monday a bank holiday too
    expect(businessDaysAfter('2026-03-03', '2026-03-03', 'IT')).toBe(0);
    expect(businessDaysAfter('2026-03-04', '2026-03-03', 'IT')).toBe(0);
  });
});

describe('staleStatements', () => {
  it('is fresh while the newest statement is at most expected + late business days old', () => {
    // Wednesday 4 March: Tuesday's statement is 1 day old, Friday's 3 (Mon, Tue, Wed): allowed 1 + 2.
    expect(staleStatements({ schedule: daily, marks: [mark('2026-03-03')], accounts: [IBAN], today: '2026-03-04', country: 'IT' })).toBeUndefined();
    expect(staleStatements({ schedule: daily, marks: [mark('2026-02-27')], accounts: [IBAN], today: '2026-03-04', country: 'IT' })).toBeUndefined();
  });

  it('is stale one business day later, naming the account, the last day and the age', () => {
    const s = staleStatements({ schedule: daily, marks: [mark('2026-02-26')], accounts: [IBAN], today: '2026-03-04', country: 'IT' });
    expect(s?.accounts).toEqual([IBAN]);
    expect(s?.reason).toContain(`${IBAN} (last statement for 2026-02-26, 4 business days old)`);
    expect(s?.reason).toContain('expected every 1 business day, late by at most 2 business days');
  });

  it('judges a weekly feed by its own schedule', () => {
    const weekly = { everyBusinessDays: 5, staleAfterBusinessDays: 1 };
    expect(staleStatements({ schedule: weekly, marks: [mark('2026-02-27')], accounts: [IBAN], today: '2026-03-06', country: 'IT' })).toBeUndefined();
    expect(staleStatements({ schedule: weekly, marks: [mark('2026-02-27')], accounts: [IBAN], today: '2026-03-09', country: 'IT' })).toBeUndefined();
    expect(staleStatements({ schedule: weekly, marks: [mark('2026-02-27')], accounts: [IBAN], today: '2026-03-10', country: 'IT' })).toBeDefined();
  });

  it('is stale when any account that sends statements is, and when none ever sent one', () => {
    const other = 'DE89370400440532013000';
    const s = staleStatements({ schedule: daily, marks: [mark('2026-03-03'), mark('2026-02-20', other)], accounts: [IBAN, other], today: '2026-03-04', country: 'IT' });
    expect(s?.accounts).toEqual([other]);
    const none = staleStatements({ schedule: daily, marks: [], accounts: [IBAN], today: '2026-03-04', country: 'IT' });
    expect(none).toMatchObject({ accounts: [IBAN], reason: expect.stringContaining('no bank statement has arrived yet') });
  });
});

describe('feedMarks', () => {
  const ctx = { key: 'bank/x.xml', receivedAt: '2026-03-04T07:00:00Z', receivedDay: '2026-03-04', ours: () => true };
  const account = { iban: 'IT60 X054 2811 1010 0000 0123 456', currency: 'EUR' };

  it('marks each account with the last day its statement covers, else its latest booking, else the day it came', () => {
    expect(feedMarks({ statements: [{ account, to: '2026-03-03T23:59:59' }], credits: [{ account, bookingDate: '2026-03-02' }], returns: [] }, ctx)).toEqual([
      { account: IBAN, lastDay: '2026-03-03', receivedAt: ctx.receivedAt, key: ctx.key },
    ]);
    expect(feedMarks({ statements: [{ account }], credits: [{ account, bookingDate: '2026-03-02' }], returns: [{ account, bookingDate: '2026-03-01' }] }, ctx)[0]?.lastDay).toBe('2026-03-02');
    expect(feedMarks({ statements: [{ account }], credits: [], returns: [] }, ctx)[0]?.lastDay).toBe('2026-03-04');
  });

  it('leaves no mark for an account that is not the company’s', () => {
    expect(feedMarks({ statements: [{ account }], credits: [], returns: [] }, { ...ctx, ours: () => false })).toEqual([]);
  });

  it('statementDay prefers the covered period', () => {
    expect(statementDay({ to: '2026-03-03', latestBooking: '2026-03-01', receivedDay: '2026-03-04' })).toBe('2026-03-03');
  });
});
