/**
 * The local stand-in for EventBridge Scheduler: weekly jobs in a time zone, and jobs due at an
 * instant the job itself names (the timelines' wake-ups), on the virtual clock.
 */
import { DateTime } from 'luxon';
import type { VirtualClock } from './clock.js';
import type { Activity } from './activity.js';

export interface WeeklyJob {
  name: string;
  /** ISO weekday, 1 = Monday. */
  weekday: number;
  /** HH:MM local time. */
  time: string;
  timeZone: string;
  run: (at: Date) => Promise<void>;
}

/**
 * A job due when `next` says. In AWS the timelines' wake-ups are looked for every hour; here the
 * job sleeps until the first one instead, so a virtual clock stepping from one wake-up to the next
 * meets no hourly ticks.
 */
export interface DueJob {
  name: string;
  /** The first instant the job is due, if any: asked at the start, after each run and on every rearm. */
  next: () => Promise<Date | undefined>;
  run: (at: Date) => Promise<void>;
}

export class Scheduler {
  private readonly abort = new AbortController();

  constructor(
    private readonly clock: VirtualClock,
    private readonly activity: Activity,
    private readonly onError: (job: string, err: unknown) => void,
  ) {}

  /** The next instant strictly after `from` at which the job fires. */
  static nextRun(job: Pick<WeeklyJob, 'weekday' | 'time' | 'timeZone'>, from: Date): Date {
    const [h, m] = job.time.split(':').map(Number);
    const local = DateTime.fromJSDate(from, { zone: job.timeZone });
    let candidate = local.set({ hour: h, minute: m, second: 0, millisecond: 0 }).plus({ days: (job.weekday - local.weekday + 7) % 7 });
    if (candidate.toMillis() <= from.getTime()) candidate = candidate.plus({ weeks: 1 });
    return candidate.toJSDate();
  }

  weekly(job: WeeklyJob): void {
    const loop = async () => {
      while (!this.abort.signal.aborted) {
        const at = Scheduler.nextRun(job, this.clock.now());
        await this.clock.sleepUntil(at, this.abort.signal);
        if (this.abort.signal.aborted) return;
        await this.activity.track(() => job.run(at)).catch((err: unknown) => this.onError(job.name, err));
      }
    };
    void loop();
  }

  /** Starts the job; the function returned asks `next` again (something new may be due sooner) and resolves once it has. */
  due(job: DueJob): () => Promise<void> {
    let rearm = new AbortController();
    const armed: (() => void)[] = [];
    let last: number | undefined;
    const loop = async () => {
      while (!this.abort.signal.aborted) {
        const signal = AbortSignal.any([this.abort.signal, rearm.signal]);
        const at = await this.activity.track(job.next).catch((err: unknown) => {
          this.onError(job.name, err);
          return undefined;
        });
        for (const done of armed.splice(0)) done();
        if (at === undefined || at.getTime() === last) {
          // Nothing recorded, or the first one is still the one just run (it failed, reported): until something changes.
          if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        } else {
          await this.clock.sleepUntil(at, signal, job.name);
          if (!signal.aborted) {
            last = at.getTime();
            await this.activity.track(() => job.run(at)).catch((err: unknown) => this.onError(job.name, err));
          }
        }
        if (rearm.signal.aborted) {
          rearm = new AbortController();
          last = undefined;
        }
      }
      for (const done of armed.splice(0)) done();
    };
    void loop();
    return () =>
      new Promise<void>((resolve) => {
        if (this.abort.signal.aborted) return resolve();
        armed.push(resolve);
        rearm.abort();
      });
  }

  stop(): void {
    this.abort.abort();
  }
}
