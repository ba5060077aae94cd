/**
 * The order of precedence of customer messages due on the same day (docs/timeline.md "One voice
 * per customer"): the customer hears one message a day, in the words of the firmest thing due.
 * Pure.
 */
import type { MessageKind, StageId } from '../model.js';

export type VoiceKind = Exclude<StageId, 'phoneCall'> | MessageKind;

/** Firmest first. */
export const PRECEDENCE: readonly VoiceKind[] = [
  'escalation',
  'creditHold',
  'instalmentMissed',
  'brokenPromise',
  'furtherReminder',
  'secondOverdue',
  'firstOverdue',
  'dueDate',
  // A plan's coming instalment: nothing is overdue, but money already owed under an agreement.
  'instalmentDue',
  'preDue',
  'receiptCheck',
  'paymentClaimAck',
  'thankYou',
];

/** Higher is firmer; kinds that are not customer messages (the phone call) rank below every message. */
export const precedenceOf = (kind: string): number => {
  const i = PRECEDENCE.indexOf(kind as VoiceKind);
  return i < 0 ? -1 : PRECEDENCE.length - i;
};

export const firmestKind = <K extends string>(kinds: readonly K[]): K => kinds.reduce((a, b) => (precedenceOf(b) > precedenceOf(a) ? b : a));

/**
 * Kinds whose own execution acts before its message can leave (the credit hold, the hand-off, the
 * promise found broken): on their day the other invoices of the customer give way to them, and
 * they carry the others' messages.
 */
export const LEADING_KINDS: ReadonlySet<string> = new Set<VoiceKind>(['escalation', 'creditHold', 'brokenPromise', 'instalmentMissed']);

/** Messages that answer the customer rather than chase: they count towards one message a day, not the weekly caps. */
export const ANSWERING_KINDS: ReadonlySet<string> = new Set<VoiceKind>(['thankYou', 'paymentClaimAck']);
