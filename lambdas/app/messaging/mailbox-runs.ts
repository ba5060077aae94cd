/**
 * A message that has to wait for its moment (a thank-you for the send window, an internal digest
 * for the next morning) is delivered by a short run of the dunning state machine: Begin routes an
 * input with `mailbox` to WaitMailbox, then DeliverMailbox (app/messaging/deliver-mailbox.ts).
 */
import { createHash } from 'node:crypto';
import type { DigestKey } from '../ports/notice-digests.js';
import type { Workflow } from '../ports/workflow.js';

export type Mailbox =
  | { kind: 'thankYou'; sendAt: string; paymentAmount?: number; paymentDate: string }
  | { kind: 'digest'; sendAt: string; customerId: string; audience: DigestKey['audience']; notice: string; day: string; customerName: string };

export interface MailboxRun {
  tenantId: string;
  /** The invoice thanked; for a digest an id of its own (the local engine tells runs apart by it). */
  invoiceId: string;
  revision: number;
  run: number;
  mailbox: Mailbox;
}

const nameOf = (parts: readonly (string | number)[]): string => {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `mailbox-${String(parts[0]).replace(/[^A-Za-z0-9-_]/g, '_').slice(0, 20)}-${digest.slice(0, 40)}`.slice(0, 80);
};

export const digestRunId = (k: Pick<DigestKey, 'customerId' | 'audience' | 'kind' | 'day'>): string => `digest#${k.customerId}#${k.audience}#${k.kind}#${k.day}`;

/** One thank-you run per paid invoice (revision, run): a duplicate start is refused by its name. */
export const startThankYouRun = (workflow: Pick<Workflow, 'start'>, r: MailboxRun & { mailbox: Extract<Mailbox, { kind: 'thankYou' }> }) =>
  workflow.start(nameOf([r.tenantId, r.invoiceId, r.revision, r.run, 'thankYou']), { ...r });

/** One run per digest (its day): a duplicate start is refused by its name. */
export const startDigestRun = (workflow: Pick<Workflow, 'start'>, tenantId: string, mailbox: Extract<Mailbox, { kind: 'digest' }>) =>
  workflow.start(nameOf([tenantId, digestRunId({ ...mailbox, kind: mailbox.notice }), 'digest']), {
    tenantId,
    invoiceId: digestRunId({ ...mailbox, kind: mailbox.notice }),
    revision: 1,
    run: 0,
    mailbox,
  });
