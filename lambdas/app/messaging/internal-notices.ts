/**
 * An e-mail to the supplier's own people about a customer (the sales representative, the finance
 * inboxes, the collection agency): at most one a day per customer and kind. The first of the day
 * leaves at once; a later one waits in the next morning's digest, delivered by a mailbox run
 * (mailbox-runs.ts). Without the digests port (a test of one notice) every notice leaves at once.
 */
import type { RenderedNotice } from '../../domain/messages/notices.js';
import type { Tenant } from '../../domain/model.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import { openingOn } from '../../domain/timeline/calendar.js';
import type { OutgoingEmail } from '../ports/mailer.js';
import type { NoticeAudience } from '../ports/notice-digests.js';
import { ACCOUNT_REFUSAL_METRIC, SenderBlockedError, TransientError } from '../task-errors.js';
import type { TimelinePorts } from '../timeline/ports.js';
import { startDigestRun } from './mailbox-runs.js';

export type InternalNoticeDeps = Pick<TimelinePorts, 'mailer' | 'sender' | 'clock' | 'logger' | 'count'> & { digests?: TimelinePorts['digests']; workflow?: Pick<TimelinePorts['workflow'], 'start'> };

/** When a digest leaves: the supplier's next business morning. */
export const DIGEST_WINDOW = { from: '08:30', to: '18:00' } as const;

export interface InternalNotice {
  tenant: Tenant;
  customerId: string;
  customerName: string;
  audience: NoticeAudience;
  kind: string;
  to: readonly string[];
  notice: RenderedNotice;
  tags: Record<string, string>;
  replyTo?: string;
  attachments?: OutgoingEmail['attachments'];
  /** What the digest says in its place, when the notice waits (a link instead of an attachment). */
  digestText?: string;
}

export type InternalDelivery = { outcome: 'sent'; messageId: string } | { outcome: 'digest'; day: string } | { outcome: 'failed'; error: string };

export const deliverInternalNotice = async (deps: InternalNoticeDeps, n: InternalNotice): Promise<InternalDelivery> => {
  const now = deps.clock.now();
  const day = localDay(now, n.tenant.timeZone);
  const key = { tenantId: n.tenant.tenantId, customerId: n.customerId, audience: n.audience, kind: n.kind, day };
  const { digests, workflow } = deps;
  if (!digests || !workflow || (await digests.claimDay(key))) {
    try {
      const { messageId } = await deps.mailer.send({
        from: deps.sender(),
        to: [...n.to],
        replyTo: n.replyTo ?? n.tenant.email,
        subject: n.notice.subject,
        html: n.notice.html,
        text: n.notice.text,
        tags: n.tags,
        ...(n.attachments?.length ? { attachments: n.attachments } : {}),
      });
      return { outcome: 'sent', messageId };
    } catch (err) {
      if (err instanceof TransientError) throw err;
      // Our own people are not chased: the notice is recorded as failed, the account refusal is still counted (and alarmed).
      if (err instanceof SenderBlockedError) deps.count(ACCOUNT_REFUSAL_METRIC);
      deps.logger.warn('internal notice not sent', { audience: n.audience, kind: n.kind, customerId: n.customerId, error: (err as Error).name });
      return { outcome: 'failed', error: (err as Error).name };
    }
  }
  const added = await digests.add({ ...key, day: addDays(day, 1) }, n.to, { at: now.toISOString(), subject: n.notice.subject, text: n.digestText ?? n.notice.text });
  if (added.created) {
    const sendAt = openingOn(added.day, { timeZone: n.tenant.timeZone, country: n.tenant.country, window: DIGEST_WINDOW }).toISOString();
    await startDigestRun(workflow, n.tenant.tenantId, { kind: 'digest', sendAt, customerId: n.customerId, audience: n.audience, notice: n.kind, day: added.day, customerName: n.customerName });
  }
  deps.count('InternalNoticesDigested');
  deps.logger.info('internal notice kept for the digest', { audience: n.audience, kind: n.kind, customerId: n.customerId, day: added.day });
  return { outcome: 'digest', day: added.day };
};
