/**
 * The local stack's virtual clock. Every handler reads it through lambdas/adapters/clock.ts,
 * and every Wait state of a local execution sleeps on it.
 *
 * - scaled: virtual time runs `speed` times faster than real time (npm start).
 * - discrete: virtual time stands still until the driver calls `advance()`, which jumps to the
 *   next pending wake-up once nothing is in flight (npm run demo: deterministic).
 */
import type { Clock } from '../lambdas/adapters/clock.js';

interface Sleeper {
  at: number;
  /** Orders sleepers due at the same instant when they wake one at a time (an execution's name). */
  key: string;
  resolve: () => void;
  timer?: NodeJS.Timeout;
}

export interface VirtualClockOptions {
  start: Date;
  mode: 'scaled' | 'discrete';
  /** Virtual milliseconds per real millisecond (scaled mode). 86 400 = one day per second. */
  speed?: number;
  /** Scaled mode: time stands still at `start` until release(), so booting and seeding take no virtual days. */
  held?: boolean;
}

export class VirtualClock implements Clock {
  readonly mode: 'scaled' | 'discrete';
  private readonly speed: number;
  private realStart = Date.now();
  private held: boolean;
  private virtualStart: number;
  private current: number;
  private readonly sleepers = new Set<Sleeper>();
  /**
   * Discrete mode: advanceTo() wakes one sleeper at a time, the earliest by instant then key, so
   * that executions due at the same instant (two invoices of one customer) take turns in the same
   * order on every run instead of racing (npm run demo: reproducible).
   */
  wakeOneAtATime = false;

  constructor(opts: VirtualClockOptions) {
    this.mode = opts.mode;
    this.speed = opts.speed ?? 86_400;
    this.virtualStart = opts.start.getTime();
    this.current = this.virtualStart;
    this.held = opts.held === true && opts.mode === 'scaled';
  }

  /** Scaled mode: lets a held clock run from its start instant. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.realStart = Date.now();
    for (const s of this.sleepers) this.arm(s);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    if (this.mode === 'discrete') return this.current;
    if (this.held) return this.virtualStart;
    return this.virtualStart + (Date.now() - this.realStart) * this.speed;
  }

  /** Resolves once virtual time reaches `at` (immediately if it already has), or when `signal` aborts. */
  sleepUntil(at: Date | number, signal?: AbortSignal, key = ''): Promise<void> {
    const target = typeof at === 'number' ? at : at.getTime();
    if (target <= this.nowMs() || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const sleeper: Sleeper = {
        at: target,
        key,
        resolve: () => {
          this.sleepers.delete(sleeper);
          if (sleeper.timer) clearTimeout(sleeper.timer);
          signal?.removeEventListener('abort', sleeper.resolve);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.resolve, { once: true });
      if (this.mode === 'scaled' && !this.held) this.arm(sleeper);
    });
  }

  /** Number of callers currently asleep on the clock. */
  get sleeping(): number {
    return this.sleepers.size;
  }

  /** The earliest pending wake-up, if any. */
  nextWakeUp(): number | undefined {
    let min: number | undefined;
    for (const s of this.sleepers) if (min === undefined || s.at < min) min = s.at;
    return min;
  }

  /**
   * Discrete mode: moves virtual time to `to` (never back) and wakes every sleeper due by then, or
   * with wakeOneAtATime only the first of them; with `wake` false, none yet.
   */
  advanceTo(to: number, wake = true): void {
    if (this.mode !== 'discrete') throw new Error('advanceTo is for the discrete clock');
    if (to > this.current) this.current = to;
    if (!wake) return;
    const due = [...this.sleepers].filter((s) => s.at <= this.current);
    if (!this.wakeOneAtATime) {
      for (const s of due) s.resolve();
      return;
    }
    due.sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))[0]?.resolve();
  }

  private arm(s: Sleeper): void {
    if (s.timer) clearTimeout(s.timer);
    // setTimeout caps at ~24.8 days; re-arm until the virtual instant is reached.
    const realMs = Math.min((s.at - this.nowMs()) / this.speed, 2 ** 31 - 1);
    s.timer = setTimeout(() => (s.at <= this.nowMs() ? s.resolve() : this.arm(s)), Math.max(0, Math.ceil(realMs)));
  }
}
