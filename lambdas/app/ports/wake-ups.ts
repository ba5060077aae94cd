/** Timeline runs to start later: an execution that may not wait that long ends, and its wake-up starts the next run. */
import type { RunRef } from './invoices.js';

/** One recorded wake-up: the run it was recorded by and when the next run is to start. */
export interface WakeUp extends RunRef {
  at: string;
}

export interface TimelineWakeUps {
  /**
   * Records, before the execution ends, that the invoice's next run starts at `at` (on the invoice
   * as `resumeAt`, and as a wake-up the schedule finds). False when the run is no longer the
   * invoice's current one (its newer run plans for itself). Writing it again changes nothing.
   */
  record(ref: RunRef, at: string): Promise<boolean>;
  /** The wake-ups due at `now`, oldest first. */
  due(tenantId: string, now: Date): Promise<WakeUp[]>;
  /** The instant of the first wake-up still recorded, due or not (the local stand-in's timer). */
  first(tenantId: string): Promise<string | undefined>;
  /**
   * Starts the next run (raises `run`, which the table stream starts) only if the invoice is still
   * on the run and revision that recorded it and is still chased, then forgets the wake-up. True
   * when a run was started; a second delivery, or an invoice paid, revised or resumed meanwhile: false.
   */
  wake(w: WakeUp): Promise<boolean>;
}
