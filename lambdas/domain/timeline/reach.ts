/**
 * Whether the customer was ever reached about an invoice, read off its contact log: an answer or
 * any sign of life, a call outcome, or a message that left and did not come back (no bounce,
 * complaint or failure for its message id). A credit hold is never placed on a customer nobody
 * reached. Pure.
 */
import type { ContactEvent } from '../model.js';

const SIGNS_OF_LIFE: ReadonlySet<ContactEvent['type']> = new Set<ContactEvent['type']>([
  'link_view',
  'link_click',
  'message_opened',
  'payment_claimed',
  'promise',
  'dispute',
  'plan_requested',
  'contact_change_requested',
  'call_outcome',
]);
const CAME_BACK = new Set(['bounced', 'complained', 'failed']);

const cameBack = (events: readonly ContactEvent[]) => new Set(events.filter((e) => e.type === 'delivery' && CAME_BACK.has(e.outcome ?? '') && e.messageId).map((e) => e.messageId));

export const everReached = (events: readonly ContactEvent[]): boolean => {
  const back = cameBack(events);
  return events.some((e) => SIGNS_OF_LIFE.has(e.type) || (e.type === 'message' && e.outcome === 'sent' && e.messageId !== undefined && !back.has(e.messageId)));
};

/** Reminders were tried and none got through: every one came back or found no way to the customer. */
export const neverReached = (events: readonly ContactEvent[]): boolean => {
  const back = cameBack(events);
  const tried = events.some((e) => e.type === 'message' && (e.outcome === 'skipped' ? e.details?.reason !== undefined : e.messageId !== undefined && back.has(e.messageId)));
  return tried && !everReached(events);
};

/**
 * No way to the customer is known to work and nothing about this invoice got through: every
 * reminder came back, or none could be tried because the address had bounced already (on another
 * invoice) and no other channel reached them.
 */
export const unreachable = (events: readonly ContactEvent[], addressBlocked: boolean): boolean =>
  neverReached(events) || (addressBlocked && !everReached(events));

/** An outcome that says the message may have reached the customer: it left, or its send never completed, or timed out after leaving. */
const MAY_HAVE_LEFT = new Set(['sent', 'pending']);
const UNKNOWN_OUTCOME = 'Sollecito.SendOutcomeUnknown';

export type NoticeDelivery = { left: true } | { left: false; why: string };

/**
 * Whether the message claimed under `guardKey` on this invoice (the final notice of a credit hold,
 * the hand-off notice) left on some channel, read off its log entries, its own or those logged
 * when another invoice's message carried it. A notice whose every entry failed or found no way
 * did not leave, and the step that depends on it (the hold, the hand-off) does not act on it. A
 * send whose outcome is unknown may have left: it is never sent again, so it counts as left. No
 * entry at all (nothing to read) says nothing against it. Pure.
 */
export const noticeDelivery = (events: readonly ContactEvent[], guardKey: string): NoticeDelivery => {
  const entries = events.filter((e) => e.type === 'message' && e.details?.guardKey === guardKey);
  if (entries.length === 0) return { left: true };
  if (entries.some((e) => MAY_HAVE_LEFT.has(e.outcome ?? '') || (e.outcome === 'failed' && e.details?.error === UNKNOWN_OUTCOME))) return { left: true };
  // What the provider said, where it said something; else why no channel was tried.
  const failed = entries.filter((e) => e.outcome === 'failed');
  const why = (failed.length > 0 ? failed : entries).map((e) => `${e.channel} ${e.outcome ?? 'unknown'}${e.details?.error ? `: ${String(e.details.error)}` : e.details?.reason ? `: ${String(e.details.reason)}` : ''}`);
  return { left: false, why: [...new Set(why)].join('; ').slice(0, 300) };
};
