/**
 * The morning spread (domain/timeline/send-spread.ts) and the planner using it: written stages at
 * the window's opening move to a slot derived from the invoice id, sized so the morning arrives at
 * the SES rate, always inside the window; everything else keeps its instant.
 */
import { describe, expect, it } from 'vitest';
import { Customer, Invoice } from '../../lambdas/domain/model.js';
import { BUILT_IN_POLICIES } from '../../lambdas/domain/timeline/policies.js';
import { planTimeline } from '../../lambdas/domain/timeline/planner.js';
import { sendContext } from '../../lambdas/domain/timeline/calendar.js';
import { SPREAD_HEADROOM, SPREAD_TAIL_MS, sendSlotOffsetMs, spreadAtOpening, spreadSeconds } from '../../lambdas/domain/timeline/send-spread.js';

const NINE_HOURS = 9 * 3_600_000;
const rome = Customer.parse({ tenantId: 't', customerId: 'C', name: 'Cliente', country: 'IT', language: 'it', timeZone: 'Europe/Rome', email: 'ap@c.example' });
const ctx = sendContext(rome, BUILT_IN_POLICIES.standard);
const OPENING = new Date('2026-03-09T08:00:00Z'); // Monday 09:00 Rome

describe('how long a morning is spread over', () => {
  it('what the volume takes at the rate with headroom: 5,000 at 14/s is 447 s', () => {
    expect(spreadSeconds({ ratePerSecond: 14, morningVolume: 5_000 }, NINE_HOURS)).toBe(Math.ceil(5_000 / (14 * SPREAD_HEADROOM)));
    expect(spreadSeconds({ ratePerSecond: 14, morningVolume: 5_000 }, NINE_HOURS)).toBe(447);
  });

  it('never into the window’s tail: 250,000 at 14/s would take 6.2 h with headroom, and the 09:00–18:00 window less 30 min holds 8.5 h', () => {
    expect(spreadSeconds({ ratePerSecond: 14, morningVolume: 250_000 }, NINE_HOURS)).toBe(22_322);
    expect(spreadSeconds({ ratePerSecond: 14, morningVolume: 1_000_000 }, NINE_HOURS)).toBe((NINE_HOURS - SPREAD_TAIL_MS) / 1000);
  });
});

describe('the slot of one invoice', () => {
  const spread = { ratePerSecond: 14, morningVolume: 5_000 };

  it('is the same on every plan (a re-plan keeps the second)', () => {
    expect(sendSlotOffsetMs('t/INV-42', spread, NINE_HOURS)).toBe(sendSlotOffsetMs('t/INV-42', spread, NINE_HOURS));
  });

  it('5,000 invoices fill the spread evenly: no second holds more than twice the rate', () => {
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 5_000; i++) {
      const s = sendSlotOffsetMs(`t/INV-${i}`, spread, NINE_HOURS) / 1000;
      expect(Number.isInteger(s) && s >= 0 && s < 447).toBe(true);
      perSecond.set(s, (perSecond.get(s) ?? 0) + 1);
    }
    expect(perSecond.size).toBeGreaterThan(440);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(2 * spread.ratePerSecond);
  });
});

describe('an instant at the window’s opening moves to its slot; others stay', () => {
  const spread = { ratePerSecond: 14, morningVolume: 5_000 };

  it('the opening moves by the slot, inside the same morning', () => {
    const moved = spreadAtOpening(OPENING, 't/INV-7', ctx, spread);
    expect(moved.getTime() - OPENING.getTime()).toBe(sendSlotOffsetMs('t/INV-7', spread, NINE_HOURS));
    expect(moved.getTime() - OPENING.getTime()).toBeLessThan(447_000);
  });

  it('an instant inside the window (a backlog sent now, a deferral) is not moved; nor anything without a spread', () => {
    const midMorning = new Date('2026-03-09T09:13:00Z');
    expect(spreadAtOpening(midMorning, 't/INV-7', ctx, spread)).toEqual(midMorning);
    expect(spreadAtOpening(OPENING, 't/INV-7', ctx, undefined)).toEqual(OPENING);
  });
});

describe('the planner with a spread', () => {
  const invoice = Invoice.parse({
    tenantId: 't', invoiceId: 'INV-7', number: '7', customerId: 'C', issueDate: '2026-02-14', dueDate: '2026-03-16', currency: 'EUR', amount: 100_000, status: 'open', createdAt: '2026-03-02T08:00:00Z', updatedAt: '2026-03-02T08:00:00Z',
  });
  const input = { invoice, customer: rome, policy: BUILT_IN_POLICIES.standard, stagesDone: [], now: new Date('2026-03-02T10:00:00Z') };
  const spread = { ratePerSecond: 14, morningVolume: 5_000 };

  it('moves every written stage to the invoice’s slot and leaves the phone call and the holds at the opening', () => {
    const flat = planTimeline(input);
    const spreadPlan = planTimeline({ ...input, sendSpread: spread });
    const offset = sendSlotOffsetMs('t/INV-7', spread, NINE_HOURS);
    expect(offset).toBeGreaterThan(0);
    for (const s of ['preDue', 'dueDate', 'firstOverdue', 'secondOverdue'] as const) {
      expect(Date.parse(spreadPlan.at[s]) - Date.parse(flat.at[s]), s).toBe(offset);
    }
    for (const s of ['phoneCall', 'creditHold', 'escalation'] as const) expect(spreadPlan.at[s], s).toBe(flat.at[s]);
  });
});
