/**
 * The schedule's turn (hourly in AWS; locally at the next wake-up): the timelines whose next run
 * is due start it.
 * 1. Read the wake-ups due now, oldest first.
 * 2. Wake each: the adapter raises the invoice's run (the table stream starts the execution) only
 *    if the invoice is still on the run that recorded it and still chased, and forgets the wake-up.
 *    A wake-up already handled (a second delivery, a turn that overlapped) starts nothing.
 */
import type { Observability } from '../observability.js';
import type { Clock } from '../ports/clock.js';
import type { TimelineWakeUps } from '../ports/wake-ups.js';

export interface WakeTimelinesDeps extends Observability {
  wakeUps: Pick<TimelineWakeUps, 'due' | 'wake'>;
  clock: Clock;
}

export interface WakeResult {
  due: number;
  started: number;
}

export const wakeTimelines = async (deps: WakeTimelinesDeps, input: { tenantId: string }): Promise<WakeResult> => {
  // 1. What is due
  const due = await deps.wakeUps.due(input.tenantId, deps.clock.now());
  // 2. One after the other: few, and each is two conditional writes
  let started = 0;
  for (const w of due) {
    if (await deps.wakeUps.wake(w)) started++;
    else deps.logger.info('wake-up no longer applies', { tenantId: w.tenantId, invoiceId: w.invoiceId, revision: w.revision, run: w.run });
  }
  if (started) deps.count('TimelinesResumed', started);
  deps.logger.info('wake-ups handled', { tenantId: input.tenantId, due: due.length, started });
  return { due: due.length, started };
};
