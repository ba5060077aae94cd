/**
 * One voice per customer on a generated portfolio through the local stack with the real handlers
 * (bench/voice.ts; `npm run bench -- voice` runs it with 1,000 customers): executions of one
 * customer waking at the same instant all at once, payments by hand before the window. At most one
 * customer e-mail and one SMS per customer and day, no stage left behind, nothing sent twice.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { runVoicePortfolio, type VoiceFigures } from '../../bench/voice.js';

let f: VoiceFigures;
beforeAll(async () => {
  f = await runVoicePortfolio({ customers: 8, days: 40, seed: 7 });
}, 300_000);

describe('a portfolio of customers with many invoices due the same day', () => {
  it('runs without a handler reporting a problem', () => {
    expect(f.problems).toEqual([]);
    expect(f.invoices).toBeGreaterThan(50);
  });

  it('gives each customer at most one e-mail and one SMS a day, carrying several invoices each', () => {
    expect(f.busyDays).toEqual([]);
    expect(f.emails).toBeGreaterThan(20);
    expect(f.invoicesPerEmail).toBeGreaterThan(2);
  });

  it('records every stage whose moment came, fails none, and sends nothing twice', () => {
    expect(f.behind).toEqual([]);
    expect(f.failed).toEqual([]);
    expect(f.twice).toEqual([]);
  });
});
