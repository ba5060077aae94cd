/**
 * An e-mail to the supplier's own people about a customer (the sales representative, the finance
 * inboxes, the collection agency): at most one a day per customer and kind. The first of the day
 * leaves at once; a later one waits in the next morning's digest, delivered by a mailbox run
 * (mailbox-runs.ts). One SES refuses for the sending rate waits in a digest a few minutes on.
 * Without the digests port (a test of one notice) every notice leaves at once.
 */
import type { RenderedNotice } from '../../domain/messages/notices.js';
import type { Tenant } from '../../domain/model.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import { openingOn } from '../../domain/timeline/calendar.js';
import type { OutgoingEmail } from '../ports/mailer.js';
import type { DigestKey, NoticeAudience } from '../ports/notice-digests.js';
import { rateDeferral } from '../../domain/timeline/rate-deferral.js';
import { ACCOUNT_REFUSAL_METRIC, SenderBlockedError, SendingRateExceededError, TransientError } from '../task-errors.js';
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
      // A busy morning: the notice waits for a later moment of the window, in a digest of its own, instead of failing.
      if (err instanceof SendingRateExceededError && digests && workflow) return waitForRate({ ...deps, digests, workflow }, n, key, err);
      if (err instanceof TransientError) throw err;
      // Our own people are not chased: the notice is recorded as failed, the account refusal is still counted (and alarmed).
      if (err instanceof SenderBlockedError) deps.count(ACCOUNT_REFUSAL_METRIC);
      deps.logger.warn('internal notice not sent', { audience: n.audience, kind: n.kind, customerId: n.customerId, error: (err as Error).name });
      return { outcome: 'failed', error: (err as Error).name };
    }
  }
  const added = await keepInDigest({ ...deps, digests, workflow }, n, { ...key, day: addDays(day, 1) });
  deps.count('InternalNoticesDigested');
  deps.logger.info('internal notice kept for the digest', { audience: n.audience, kind: n.kind, customerId: n.customerId, day: added.day });
  return { outcome: 'digest', day: added.day };
};

type DigestingDeps = InternalNoticeDeps & Required<Pick<InternalNoticeDeps, 'digests' | 'workflow'>>;

const calendarOf = (t: Tenant) => ({ timeZone: t.timeZone, country: t.country, window: DIGEST_WINDOW });

/** Adds the notice to the digest of `key.day` (or the next one open); its first entry schedules its run, at `sendAt` when it is that day's. */
const keepInDigest = async (deps: DigestingDeps, n: InternalNotice, key: DigestKey, sendAt?: Date): Promise<{ day: string }> => {
  const added = await deps.digests.add(key, n.to, { at: deps.clock.now().toISOString(), subject: n.notice.subject, text: n.digestText ?? n.notice.text });
  if (added.created) {
    const at = (sendAt && added.day === key.day ? sendAt : openingOn(added.day, calendarOf(n.tenant))).toISOString();
    await startDigestRun(deps.workflow, n.tenant.tenantId, { kind: 'digest', sendAt: at, customerId: n.customerId, audience: n.audience, notice: n.kind, day: added.day, customerName: n.customerName });
  }
  return { day: added.day };
};

/**
 * SES refused the notice for the account's sending rate (its own retries spent): the day's notice
 * is given back and the notice waits in a digest delivered at a later moment of the window
 * (domain/timeline/rate-deferral.ts: a few minutes on, or the next morning when the window is
 * over or the daily quota spent), which takes the day when it leaves.
 */
const waitForRate = async (deps: DigestingDeps, n: InternalNotice, key: DigestKey, err: SendingRateExceededError): Promise<InternalDelivery> => {
  await deps.digests.releaseDay(key);
  const later = rateDeferral({ now: deps.clock.now(), key: `${key.tenantId}/${key.customerId}/${key.audience}/${key.kind}`, ctx: calendarOf(n.tenant), daily: err.daily });
  const added = await keepInDigest(deps, n, { ...key, day: localDay(later.until, n.tenant.timeZone) }, later.until);
  deps.count('InternalNoticesDeferredForRate');
  deps.logger.warn('internal notice waits: SES refused it for the sending rate', { audience: n.audience, kind: n.kind, customerId: n.customerId, day: added.day, reason: later.reason });
  return { outcome: 'digest', day: added.day };
};
