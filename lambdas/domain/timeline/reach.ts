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
