/** Every kind the company may word (lambdas/domain/messages/wording.ts WORDING_KINDS; the unit test holds them equal). */
export const WORDING_KINDS = [
  'receiptCheck',
  'preDue',
  'dueDate',
  'firstOverdue',
  'secondOverdue',
  'creditHold',
  'escalation',
  'brokenPromise',
  'instalmentMissed',
  'instalmentDue',
  'thankYou',
  'paymentClaimAck',
  'furtherReminder',
] as const;

/**
 * A message's paragraphs as one text to edit: a blank line between two paragraphs (a line break
 * inside one is kept). Pure (test/unit/console-wording-text.test.ts).
 */
export const wordsAsText = (body: readonly string[]): string => body.join('\n\n');

export const paragraphsOf = (text: string): string[] =>
  text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);

/** The words as written are the built-in ones: an SMS left empty stands for the built-in SMS. */
export const sameWords = (w: { subject: string; body: readonly string[]; sms?: string }, builtIn: { subject: string; body: readonly string[]; sms: string }): boolean =>
  w.subject === builtIn.subject.trim() && JSON.stringify(w.body) === JSON.stringify(builtIn.body.map((p) => p.trim())) && (w.sms === undefined || w.sms === builtIn.sms.trim());
