/**
 * DeliverMailbox: the message a mailbox run waited for (mailbox-runs.ts), a thank-you
 * (send-thank-you.ts) or an internal digest (send-notice-digest.ts). Done, or the moment to try again
 * (the gate's, or on the Task's last attempt the later moment an e-mail SES kept refusing for its
 * sending rate waits for).
 */
import { isLastAttempt, type TaskAttempt } from '../timeline/execution.js';
import type { Mailbox, MailboxRun } from './mailbox-runs.js';
import { sendNoticeDigest, type DigestDeps } from './send-notice-digest.js';
import { sendThankYou, type ThankYouDeps } from './send-thank-you.js';

export type MailboxDeps = ThankYouDeps & DigestDeps;

export const deliverMailbox = async (deps: MailboxDeps, input: MailboxRun & TaskAttempt): Promise<Mailbox & { done: boolean }> => {
  const m = input.mailbox;
  const lastAttempt = isLastAttempt(input);
  if (m.kind === 'digest') return sendNoticeDigest(deps, input.tenantId, m, lastAttempt);
  return sendThankYou(deps, { ...input, mailbox: m }, lastAttempt);
};
