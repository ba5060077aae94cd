/**
 * A morning at SES's sending rate, on the local stack: 200 invoices whose pre-due reminder falls
 * on the same 09:00, SES local behind the proxy that refuses beyond 14 messages a second
 * (local/services/ses-rate-limit.ts), DynamoDB Local, the local ASL engine with the dunning
 * state machine's own Retry. With the planner spreading the morning at the rate, every reminder
 * is delivered or deferred with a reason, none is lost, none goes twice, and SES never sees more
 * than its rate in a second. (`npm run bench -- reminder` runs the same morning at 5,000 beside
 * the morning without the spread.)
 */
import { describe, expect, it } from 'vitest';
import { morning, RATE } from '../../bench/reminder-morning.js';

const N = 200;

describe('a morning of reminders at the SES sending rate', () => {
  it('200 at one 09:00, spread at 14/s: each delivered or deferred with a reason, none lost, none twice', async () => {
    const r = await morning('spread', N);
    expect(r.delivered + r.deferred).toBe(N);
    expect(Object.values(r.deferReasons).reduce((a, b) => a + b, 0)).toBe(r.deferred);
    expect(r.failed).toBe(0);
    expect(r.lost).toBe(0);
    expect(r.twice).toBe(0);
    expect(r.inboxDuplicates).toBe(0);
    expect(r.busiestSecond).toBeLessThanOrEqual(RATE);
    // Spread, the morning takes about what the volume needs at the rate, not one instant.
    expect(r.lastSendAfterS).toBeGreaterThanOrEqual(Math.floor(N / RATE));
  }, 300_000);
});
