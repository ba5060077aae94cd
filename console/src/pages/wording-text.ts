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
