import Holidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { HOLIDAY_TABLE } from '../../lambdas/domain/timeline/holiday-table.js';
import { isBusinessDay, publicHolidays } from '../../lambdas/domain/timeline/calendar.js';
import { holidayData } from '../../lambdas/domain/timeline/local-holidays.js';
import { buildHolidayRegions, buildHolidayRows, TABLE_FILE, TABLE_FROM, TABLE_TO } from '../../scripts/holiday-table.js';

describe('the holiday table the Lambdas carry', () => {
  it('is what the installed date-holidays computes, for every country and year it covers (npm run holidays:table when not)', () => {
    expect(HOLIDAY_TABLE).toEqual({ from: TABLE_FROM, to: TABLE_TO, file: TABLE_FILE });
    expect(holidayData().rows).toEqual(buildHolidayRows());
    expect(holidayData().regions).toEqual(buildHolidayRegions());
  }, 180_000);

  it('answers like date-holidays for a state and for a city it knows', () => {
    for (const [country, state, city] of [['DE', 'BY'], ['IT', '25', 'MI'], ['IT', '62', 'RM'], ['ES', 'CT']] as const) {
      const hd = city ? new Holidays(country, state, city) : new Holidays(country, state);
      const expected = hd.getHolidays(2026).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)).filter((d) => d.startsWith('2026-'));
      expect([...publicHolidays(country, 2026, city ? `${state}-${city}` : state)].sort(), `${country}-${state}`).toEqual([...new Set(expected)].sort());
    }
  });

  it('answers like date-holidays itself for the markets the templates speak to', () => {
    for (const [country, region] of [['IT'], ['RO'], ['GB', 'ENG'], ['DE'], ['FR'], ['ES'], ['US']] as const) {
      const hd = region ? new Holidays(country, region) : new Holidays(country);
      for (const year of [2026, 2031]) {
        const expected = hd.getHolidays(year).filter((h) => h.type === 'public' || h.type === 'bank').map((h) => h.date.slice(0, 10)).filter((d) => d.startsWith(`${year}-`));
        expect([...publicHolidays(country, year)].sort(), `${country} ${year}`).toEqual([...new Set(expected)].sort());
      }
    }
  });

  it('takes a year after the table by its weekdays (the planner warns), and refuses an unknown country', () => {
    expect(isBusinessDay(`${TABLE_TO + 1}-12-25`, 'IT')).toBe(true); // Christmas 2046 is a Tuesday, unknown past the table
    expect(isBusinessDay(`${TABLE_TO + 1}-12-23`, 'IT')).toBe(false); // a Sunday
    expect(() => isBusinessDay('2026-03-02', 'XX')).toThrow(/no public-holiday calendar/);
  });

  it('takes a date before the table (an old invoice\'s past stages) by its weekdays alone', () => {
    expect(isBusinessDay(`${TABLE_FROM - 1}-12-25`, 'IT')).toBe(true); // a Monday in 2023
    expect(isBusinessDay(`${TABLE_FROM - 1}-12-24`, 'IT')).toBe(false); // a Sunday
  });

  it('knows calendars that need astronomy (Japan\'s equinox days) and lunar calendars (Chinese New Year)', () => {
    expect(publicHolidays('JP', 2026).has('2026-03-20')).toBe(true);
    expect(publicHolidays('CN', 2026).has('2026-02-17')).toBe(true);
  });
});
