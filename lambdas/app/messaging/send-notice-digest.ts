/**
 * An internal digest, the next morning (mailbox-runs.ts):
 * 1. Still waiting, it takes that day's one notice of its kind for the customer; a notice that left earlier that
 *    day took it: the digest waits for the next morning.
 * 2. The notices it holds, taken once (a retry after it left finds it sent and does nothing).
 * 3. One e-mail listing them (domain/messages/notices.ts noticeDigestMail); not sent, the take and the day are given back.
 *    SES refusing it for the sending rate on the Task's last attempt: it waits for a later moment
 *    of the digest's window (domain/timeline/rate-deferral.ts) instead of failing.
 */
import { noticeDigestMail } from '../../domain/messages/notices.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import { openingOn } from '../../domain/timeline/calendar.js';
import { rateDeferral } from '../../domain/timeline/rate-deferral.js';
import { InvoiceClosedError, SendingRateExceededError } from '../task-errors.js';
import type { TimelinePorts } from '../timeline/ports.js';
import { DIGEST_WINDOW } from './internal-notices.js';
import type { Mailbox } from './mailbox-runs.js';

export type DigestDeps = Pick<TimelinePorts, 'tenants' | 'digests' | 'mailer' | 'sender' | 'clock' | 'logger' | 'count'>;

export const sendNoticeDigest = async (deps: DigestDeps, tenantId: string, m: Extract<Mailbox, { kind: 'digest' }>, lastAttempt = false): Promise<Mailbox & { done: boolean }> => {
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant) throw new InvoiceClosedError(`tenant ${tenantId} not found`);
  const now = deps.clock.now();
  const today = localDay(now, tenant.timeZone);
  const key = { tenantId, customerId: m.customerId, audience: m.audience, kind: m.notice, day: m.day };
  const calendar = { timeZone: tenant.timeZone, country: tenant.country, window: DIGEST_WINDOW };
  // 1. Today's one notice of this kind (a retry after the digest left: nothing to do)
  if (!(await deps.digests.waiting(key))) return { ...m, done: true };
  if (!(await deps.digests.claimDay({ ...key, day: today }, { released: true }))) {
    const sendAt = openingOn(addDays(today, 1), calendar).toISOString();
    deps.logger.info('digest waits: a notice of its kind left today', { customerId: m.customerId, kind: m.notice, sendAt });
    return { ...m, sendAt, done: false };
  }
  // 2. What it holds
  const digest = await deps.digests.take(key, now.toISOString());
  if (!digest || digest.entries.length === 0 || digest.to.length === 0) return { ...m, done: true };
  // 3. One e-mail; one that did not leave gives the digest and the day back, so the task's retry sends it
  const mail = noticeDigestMail({ customer: m.customerName, day: m.day, entries: digest.entries }, tenant.language);
  try {
    await deps.mailer.send({ from: deps.sender(), to: digest.to, replyTo: tenant.email, ...mail, tags: { tenant: tenantId, customer: m.customerId, kind: `digest-${m.notice}` } });
  } catch (err) {
    await deps.digests.giveBack(key, today);
    if (!(lastAttempt && err instanceof SendingRateExceededError)) throw err;
    const later = rateDeferral({ now, key: `${tenantId}/${m.customerId}/${m.notice}`, ctx: calendar, daily: err.daily });
    deps.logger.warn('digest waits: SES refused it for the sending rate on the last attempt', { customerId: m.customerId, kind: m.notice, sendAt: later.until.toISOString() });
    return { ...m, sendAt: later.until.toISOString(), done: false };
  }
  deps.count('InternalDigestsSent');
  return { ...m, done: true };
};
