/**
 * A morning's reminders spread over the send window instead of all at its opening: each invoice's
 * written stage planned at the opening leaves at a slot derived from a hash of its id, so a busy
 * morning arrives at SES at about its sending rate, deterministically (a re-plan puts the same
 * invoice in the same second) and with no shared counter to read or write.
 *
 * The slots span the seconds the expected morning takes at the rate, with headroom for hash
 * collisions and retries (a second that draws more than the rate is throttled and retried), and
 * never the window's last `tailMs`: a send slowed by retries still leaves inside the window, and
 * one that cannot is deferred by the contact limits to the next business morning with the reason.
 */
import { localDay } from '../shared/days.js';
import { openingOn, type CalendarContext } from './calendar.js';

export interface SendSpread {
  /** The account's SES maximum send rate, messages per second (a deploy setting). */
  ratePerSecond: number;
  /** The most reminders expected at one opening (docs/operations.md: 250,000 at 1 M invoices a month). */
  morningVolume: number;
}

/** The share of the rate the slots are sized for: collisions and retries use the rest. */
export const SPREAD_HEADROOM = 0.8;
/** Kept free at the end of the window for retries. */
export const SPREAD_TAIL_MS = 30 * 60_000;

/** FNV-1a (32-bit): a stable, well-mixed number from an id; not for secrecy. */
export const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

/** How many seconds a morning is spread over: what the volume takes at the rate with headroom, within the window less its tail. */
export const spreadSeconds = (spread: SendSpread, windowMs: number): number => {
  if (!(spread.ratePerSecond > 0) || !(spread.morningVolume > 0)) return 1;
  const needed = Math.ceil(spread.morningVolume / (spread.ratePerSecond * SPREAD_HEADROOM));
  const fits = Math.floor((windowMs - SPREAD_TAIL_MS) / 1000);
  return Math.max(1, Math.min(needed, fits));
};

/** The offset from the window's opening, in whole seconds, at which this invoice's reminder leaves. */
export const sendSlotOffsetMs = (key: string, spread: SendSpread, windowMs: number): number => (fnv1a(key) % spreadSeconds(spread, windowMs)) * 1000;

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** How long the context's send window lasts, in milliseconds. */
export const windowLengthMs = (ctx: Pick<CalendarContext, 'window'>): number => (minutes(ctx.window.to) - minutes(ctx.window.from)) * 60_000;

/** What an invoice's slot is drawn from: the planner, the preview and the what-if use the same key. */
export const spreadKey = (invoice: { tenantId: string; invoiceId: string }): string => `${invoice.tenantId}/${invoice.invoiceId}`;

/**
 * The instant a written stage leaves: an instant at the window's opening moves to its slot in the
 * window; any other (a backlog sent now, a deferral's moment) is kept as planned.
 */
export const spreadAtOpening = (instant: Date, key: string, ctx: CalendarContext, spread: SendSpread | undefined): Date => {
  if (!spread) return instant;
  if (openingOn(localDay(instant, ctx.timeZone), ctx).getTime() !== instant.getTime()) return instant;
  return new Date(instant.getTime() + sendSlotOffsetMs(key, spread, windowLengthMs(ctx)));
};
