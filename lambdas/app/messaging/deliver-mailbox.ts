/**
 * DeliverMailbox: the message a mailbox run waited for (mailbox-runs.ts), a thank-you
 * (send-thank-you.ts) or an internal digest (send-notice-digest.ts). Done, or the moment to try again.
 */
import type { Mailbox, MailboxRun } from './mailbox-runs.js';
import { sendNoticeDigest, type DigestDeps } from './send-notice-digest.js';
import { sendThankYou, type ThankYouDeps } from './send-thank-you.js';

export type MailboxDeps = ThankYouDeps & DigestDeps;

export const deliverMailbox = async (deps: MailboxDeps, input: MailboxRun): Promise<Mailbox & { done: boolean }> => {
  const m = input.mailbox;
  if (m.kind === 'digest') return sendNoticeDigest(deps, input.tenantId, m);
  return sendThankYou(deps, { ...input, mailbox: m });
};
