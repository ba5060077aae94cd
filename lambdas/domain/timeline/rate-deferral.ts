/**
 * Where a message goes when SES refused it for the account's sending rate on the last attempt its
 * Task's Retry allows (the claim given back: nothing left). Pure.
 *
 * - A fresh slot later in today's send window while one is left: at least RATE_PAUSE_MS from now
 *   (the seconds that refused it are past), at a second drawn from the invoice and the moment (a
 *   second deferral draws another), within the span the configured morning takes at the rate
 *   (send-spread.ts) but never less than RATE_SPAN_MS (SES's advice on a throttling error: wait up
 *   to 10 minutes), and before the window closes.
 * - No room left today, today not a send day, or SES saying the daily quota is spent: the next
 *   business morning by the contact rules (the send context's next open day: weekends, holidays,
 *   the company's and the customer's closures, quiet days), at the invoice's own morning slot when
 *   the spread is configured, as the planner places a stage at the opening.
 */
import { addDays, localDay } from '../shared/days.js';
import { openingOn, type CalendarContext } from './calendar.js';
import { fnv1a, spreadAtOpening, spreadSeconds, windowLengthMs, type SendSpread } from './send-spread.js';

/** The least a refused message waits before its fresh slot. */
export const RATE_PAUSE_MS = 60_000;
/** The least span its fresh slot is drawn from (SES: "wait for an interval of up to 10 minutes"). */
export const RATE_SPAN_MS = 10 * 60_000;

/** How every such deferral's reason begins (the invoice's log, the bench's count). */
export const RATE_REFUSED = "SES refused the message for the account's sending rate on every attempt (nothing left)";
export const RATE_LATER_TODAY = `${RATE_REFUSED}: moved to a later slot in today's send window`;
export const RATE_NEXT_MORNING = `${RATE_REFUSED}: no room left in today's send window, moved to the next business morning`;
export const DAILY_QUOTA_SPENT = `${RATE_REFUSED}: SES's daily sending quota is spent, moved to the next business morning`;

export interface RateDeferralInput {
  now: Date;
  /** The invoice's spread key (send-spread.ts spreadKey). */
  key: string;
  /** Where and when the message may leave: the customer's send context. */
  ctx: CalendarContext;
  spread?: SendSpread | undefined;
  /** SES said "Daily message quota exceeded": nothing more leaves today. */
  daily?: boolean;
}

export interface RateDeferral {
  until: Date;
  reason: string;
  laterToday: boolean;
}

export const rateDeferral = (r: RateDeferralInput): RateDeferral => {
  const today = localDay(r.now, r.ctx.timeZone);
  const nextMorning = (reason: string): RateDeferral => ({ until: spreadAtOpening(openingOn(addDays(today, 1), r.ctx), r.key, r.ctx, r.spread), reason, laterToday: false });
  if (r.daily) return nextMorning(DAILY_QUOTA_SPENT);
  const opening = openingOn(today, r.ctx);
  if (localDay(opening, r.ctx.timeZone) !== today) return nextMorning(RATE_NEXT_MORNING);
  const windowMs = windowLengthMs(r.ctx);
  const earliest = Math.max(r.now.getTime(), opening.getTime()) + RATE_PAUSE_MS;
  const roomSeconds = Math.floor((opening.getTime() + windowMs - earliest) / 1000);
  if (roomSeconds < 1) return nextMorning(RATE_NEXT_MORNING);
  const spanSeconds = Math.min(roomSeconds, Math.max(RATE_SPAN_MS / 1000, r.spread ? spreadSeconds(r.spread, windowMs) : 0));
  const slot = fnv1a(`${r.key}@${r.now.toISOString()}`) % spanSeconds;
  return { until: new Date(earliest + slot * 1000), reason: RATE_LATER_TODAY, laterToday: true };
};
