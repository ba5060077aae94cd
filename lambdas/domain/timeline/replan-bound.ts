/**
 * The bound on the state machine's re-plan loop (a stage held back -> PlanTimeline -> the stage
 * again): counted from the invoice's contact log, so it costs no state transition. Every held-back
 * stage logs a `deferred` entry, every message handed back (the sending account blocked, a
 * transient fault) a `skipped` one with its reason. Each re-plan costs about 20 history events,
 * so MAX_REPLANS keeps an execution far inside Step Functions' 25,000. Pure.
 */
import type { ContactEvent } from '../model.js';

export const MAX_REPLANS = 500;

/** Re-plans the execution started at `startedAt` (ISO) went through, read off the log. */
export const replansSince = (events: readonly ContactEvent[], startedAt: string): number => {
  const from = Date.parse(startedAt);
  return events.filter((e) => Date.parse(e.at) >= from && (e.type === 'deferred' || (e.type === 'message' && e.outcome === 'skipped' && e.details?.reason !== undefined))).length;
};
