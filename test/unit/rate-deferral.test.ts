/**
 * Where a message SES kept refusing for the sending rate goes (domain/timeline/rate-deferral.ts):
 * a fresh slot later in today's window while there is room, else the next business morning by
 * the contact rules (weekends, holidays, the company's closures), at the invoice's morning slot.
 */
import { describe, expect, it } from 'vitest';
import { Customer } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { nextMoment, sendContext } from '../../lambdas/domain/timeline/calendar.js';
import { spreadAtOpening } from '../../lambdas/domain/timeline/send-spread.js';
import { DAILY_QUOTA_SPENT, RATE_LATER_TODAY, RATE_NEXT_MORNING, RATE_PAUSE_MS, RATE_SPAN_MS, rateDeferral } from '../../lambdas/domain/timeline/rate-deferral.js';

const rome = Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example' });
const ctx = sendContext(rome, BUILT_IN_POLICIES.standard);
const at = (iso: string) => new Date(iso);
/** Monday 9 March 2026, 09:00:05 in Rome. */
const MORNING = at('2026-03-09T08:00:05Z');

describe('a message refused for the sending rate through its last retry', () => {
  it('goes to a fresh slot a minute to ten minutes on, inside today’s window, with the reason', () => {
    const d = rateDeferral({ now: MORNING, key: 't/INV-1', ctx });
    expect(d.laterToday).toBe(true);
    expect(d.reason).toBe(RATE_LATER_TODAY);
    expect(d.until.getTime() - MORNING.getTime()).toBeGreaterThanOrEqual(RATE_PAUSE_MS);
    expect(d.until.getTime() - MORNING.getTime()).toBeLessThan(RATE_PAUSE_MS + RATE_SPAN_MS);
    expect(nextMoment(d.until, ctx)).toEqual(d.until);
  });

  it('spreads a morning’s refused messages over the span instead of bursting again at one instant', () => {
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 1_000; i++) {
      const t = rateDeferral({ now: MORNING, key: `t/INV-${i}`, ctx }).until.getTime();
      perSecond.set(t, (perSecond.get(t) ?? 0) + 1);
    }
    // 1,000 over 600 seconds (about 490 seconds drawn at random), none near SES's 14 a second.
    expect(perSecond.size).toBeGreaterThan(450);
    expect(Math.max(...perSecond.values())).toBeLessThan(14);
    // The same invoice refused again a minute later draws another second.
    const first = rateDeferral({ now: MORNING, key: 't/INV-7', ctx }).until;
    const again = rateDeferral({ now: new Date(first.getTime() + 1_000), key: 't/INV-7', ctx }).until;
    expect(again.getTime()).toBeGreaterThan(first.getTime());
  });

  it('with the spread configured for a big morning, over the rest of the day (what that morning needs), never past the window', () => {
    const spread = { ratePerSecond: 14, morningVolume: 250_000 };
    const untils = Array.from({ length: 500 }, (_, i) => rateDeferral({ now: MORNING, key: `t/INV-${i}`, ctx, spread }).until.getTime());
    expect(Math.max(...untils) - MORNING.getTime()).toBeGreaterThan(3 * 3_600_000);
    expect(Math.max(...untils)).toBeLessThan(Date.parse('2026-03-09T17:00:00Z')); // 18:00 Rome
  });

  it('at the window’s end, with no room left, moves to the next business morning', () => {
    const d = rateDeferral({ now: at('2026-03-09T16:59:30Z'), key: 't/INV-1', ctx });
    expect(d).toEqual({ until: at('2026-03-10T08:00:00Z'), reason: RATE_NEXT_MORNING, laterToday: false });
  });

  it('the next business morning keeps the contact rules: past the weekend and Easter Monday, past the company’s closure', () => {
    // Friday 3 April 2026, 17:59:30 Rome: Saturday, Sunday, Easter Monday (6 April) are not send days.
    expect(rateDeferral({ now: at('2026-04-03T15:59:30Z'), key: 't/INV-1', ctx }).until).toEqual(at('2026-04-07T07:00:00Z'));
    const closed = sendContext(rome, BUILT_IN_POLICIES.standard, [{ from: '2026-03-10', to: '2026-03-11', label: 'Inventario' }]);
    expect(rateDeferral({ now: at('2026-03-09T16:59:30Z'), key: 't/INV-1', ctx: closed }).until).toEqual(at('2026-03-12T08:00:00Z'));
  });

  it('on the next morning takes the invoice’s own slot when the spread is configured, as the planner would', () => {
    const spread = { ratePerSecond: 14, morningVolume: 5_000 };
    const d = rateDeferral({ now: at('2026-03-09T16:59:30Z'), key: 't/INV-42', ctx, spread });
    expect(d.until).toEqual(spreadAtOpening(at('2026-03-10T08:00:00Z'), 't/INV-42', ctx, spread));
    expect(d.until.getTime()).toBeGreaterThan(Date.parse('2026-03-10T08:00:00Z'));
  });

  it('when SES says the daily quota is spent, goes to the next business morning at once', () => {
    expect(rateDeferral({ now: MORNING, key: 't/INV-1', ctx, daily: true })).toEqual({ until: at('2026-03-10T08:00:00Z'), reason: DAILY_QUOTA_SPENT, laterToday: false });
  });
});
