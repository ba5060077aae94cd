import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AGEING_BUCKETS, ageBalances, ageingBucket, bucketFor, daysPastDue, dueDateRange } from '../../lambdas/domain/reports/ageing.js';
import { addDays, localDay } from '../../lambdas/domain/shared/days.js';

describe('days past due', () => {
  it('is 0 on the due date, negative before it, and counts calendar days across a leap day', () => {
    expect(daysPastDue('2026-03-10', '2026-03-10')).toBe(0);
    expect(daysPastDue('2026-03-10', '2026-03-03')).toBe(-7);
    expect(daysPastDue('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysPastDue('2023-02-28', '2023-03-01')).toBe(1);
  });

  it('counts whole days across a DST change (no 23- or 25-hour rounding)', () => {
    // Europe/Rome moves to summer time on 2026-03-29.
    expect(daysPastDue('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysPastDue('2026-10-24', '2026-10-26')).toBe(2);
  });

  it('reads "today" in the tenant time zone, not in UTC', () => {
    const lateEveningUtc = new Date('2026-01-31T23:30:00Z');
    expect(localDay(lateEveningUtc, 'Europe/Rome')).toBe('2026-02-01');
    expect(localDay(lateEveningUtc, 'America/New_York')).toBe('2026-01-31');
    // Due 31 January: already 1 day late in Rome at that instant, still due today in New York.
    expect(ageingBucket('2026-01-31', lateEveningUtc, 'Europe/Rome')).toBe('1-30');
    expect(ageingBucket('2026-01-31', lateEveningUtc, 'America/New_York')).toBe('not_due');
  });
});

describe('ageing buckets', () => {
  it('puts the boundaries where a finance team expects them', () => {
    expect(bucketFor(-3)).toBe('not_due');
    expect(bucketFor(0)).toBe('not_due'); // due today is not overdue
    expect(bucketFor(1)).toBe('1-30');
    expect(bucketFor(30)).toBe('1-30');
    expect(bucketFor(31)).toBe('31-60');
    expect(bucketFor(60)).toBe('31-60');
    expect(bucketFor(61)).toBe('61-90');
    expect(bucketFor(90)).toBe('61-90');
    expect(bucketFor(91)).toBe('over_90');
  });

  it('turns each bucket into the due-date range that holds exactly its invoices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: -400, max: 400 }),
        (todayOffset, lateness) => {
          const today = addDays('2020-01-01', todayOffset);
          const due = addDays(today, -lateness);
          for (const b of AGEING_BUCKETS) {
            const { from, to } = dueDateRange(b, today);
            const inRange = (from === undefined || due >= from) && (to === undefined || due <= to);
            expect(inRange).toBe(bucketFor(daysPastDue(due, today)) === b);
          }
        },
      ),
    );
  });

  it('totals open amounts per currency and bucket without mixing currencies', () => {
    const totals = ageBalances(
      [
        { dueDate: '2026-03-01', currency: 'EUR', amountDue: 10_000 }, // 9 days late
        { dueDate: '2026-02-25', currency: 'EUR', amountDue: 2_550 }, // 13 days late
        { dueDate: '2026-03-20', currency: 'EUR', amountDue: 700 }, // not due
        { dueDate: '2025-11-01', currency: 'RON', amountDue: 99_999 }, // 129 days late
        { dueDate: '2025-11-01', currency: 'RON', amountDue: 0 }, // settled: ignored
      ],
      '2026-03-10',
    );
    expect(totals).toEqual({
      EUR: { not_due: 700, '1-30': 12_550, '31-60': 0, '61-90': 0, over_90: 0 },
      RON: { not_due: 0, '1-30': 0, '31-60': 0, '61-90': 0, over_90: 99_999 },
    });
  });

  it('rejects a malformed date instead of ageing it', () => {
    expect(() => daysPastDue('2026-02-30', '2026-03-01')).toThrow(RangeError);
    expect(() => localDay(new Date(), 'Mars/Olympus')).toThrow(RangeError);
  });
});
