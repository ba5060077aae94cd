/**
 * The local stand-in for EventBridge Scheduler: weekly jobs in a time zone, on the virtual clock.
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

  stop(): void {
    this.abort.abort();
  }
}
