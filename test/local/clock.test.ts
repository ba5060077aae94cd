import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../local/clock.js';
import { Scheduler } from '../../local/scheduler.js';
import { sleep, until } from '../support/until.js';

describe('virtual clock', () => {
  it('discrete: stands still, then wakes exactly the sleepers due by the instant it jumps to', async () => {
    const clock = new VirtualClock({ start: new Date('2026-01-12T07:00:00Z'), mode: 'discrete' });
    const woke: string[] = [];
    void clock.sleepUntil(new Date('2026-01-15T08:00:00Z')).then(() => woke.push('15th'));
    void clock.sleepUntil(new Date('2026-01-13T08:00:00Z')).then(() => woke.push('13th'));
    await until(() => clock.sleeping === 2, { what: 'both sleepers to be on the clock' });
    expect(clock.now().toISOString()).toBe('2026-01-12T07:00:00.000Z');
    expect(clock.nextWakeUp()).toBe(Date.parse('2026-01-13T08:00:00Z'));
    clock.advanceTo(clock.nextWakeUp()!);
    await Promise.resolve();
    expect(woke).toEqual(['13th']);
    expect(clock.sleeping).toBe(1);
  });

  it('discrete, one at a time: sleepers due at the same instant wake in key order, one per advance', async () => {
    const clock = new VirtualClock({ start: new Date('2026-01-12T07:00:00Z'), mode: 'discrete' });
    clock.wakeOneAtATime = true;
    const woke: string[] = [];
    const at = Date.parse('2026-01-13T08:00:00Z');
    for (const key of ['inv-b', 'inv-a', 'inv-c']) void clock.sleepUntil(at, undefined, key).then(() => woke.push(key));
    clock.advanceTo(at, false);
    await Promise.resolve();
    expect(woke).toEqual([]);
    for (let i = 0; i < 3; i++) {
      clock.advanceTo(clock.nextWakeUp()!);
      await Promise.resolve();
    }
    expect(woke).toEqual(['inv-a', 'inv-b', 'inv-c']);
    expect(clock.now().toISOString()).toBe('2026-01-13T08:00:00.000Z');
  });

  it('scaled: one virtual day per real second by default', async () => {
    const clock = new VirtualClock({ start: new Date('2026-01-12T07:00:00Z'), mode: 'scaled' });
    const t0 = clock.nowMs();
    await clock.sleepUntil(t0 + 3 * 3600_000); // three virtual hours = 125 ms
    expect(clock.nowMs() - t0).toBeGreaterThanOrEqual(3 * 3600_000);
    expect(clock.nowMs() - t0).toBeLessThan(24 * 3600_000);
  });

  it('an aborted sleep returns at once', async () => {
    const clock = new VirtualClock({ start: new Date('2026-01-12T07:00:00Z'), mode: 'discrete' });
    const ac = new AbortController();
    const p = clock.sleepUntil(new Date('2027-01-01T00:00:00Z'), ac.signal);
    ac.abort();
    await p;
    expect(clock.sleeping).toBe(0);
  });
});

describe('held scaled clock', () => {
  it('stands still while the stack boots and seeds, then runs from its start instant', async () => {
    const start = new Date('2026-01-12T07:00:00Z');
    const clock = new VirtualClock({ start, mode: 'scaled', speed: 86_400_000, held: true });
    let woke = false;
    const p = clock.sleepUntil(start.getTime() + 60_000).then(() => (woke = true));
    // Real time passing is what is under test: released, this clock would wake the sleeper within a millisecond.
    await sleep(30);
    expect(clock.now()).toEqual(start);
    expect(woke).toBe(false);
    clock.release();
    await p;
    expect(woke).toBe(true);
    expect(clock.nowMs()).toBeGreaterThanOrEqual(start.getTime() + 60_000);
  });
});

describe('local scheduler', () => {
  const job = { weekday: 1, time: '08:00', timeZone: 'Europe/Rome' };
  it('fires on Monday 08:00 Rome time, whatever the DST offset', () => {
    expect(Scheduler.nextRun(job, new Date('2026-01-12T06:00:00Z')).toISOString()).toBe('2026-01-12T07:00:00.000Z');
    expect(Scheduler.nextRun(job, new Date('2026-01-12T07:00:00Z')).toISOString()).toBe('2026-01-19T07:00:00.000Z');
    // Summer time started on Sunday 29 March 2026: 08:00 in Rome is 06:00Z.
    expect(Scheduler.nextRun(job, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-30T06:00:00.000Z');
  });
});
