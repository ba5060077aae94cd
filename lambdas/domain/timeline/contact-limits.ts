/**
 * Contact limits per customer, across all its invoices: at most N e-mails and M SMS in any 7 days
 * (policy.emailsPerWeek / smsPerWeek), the policy's minimum gap between two contacts on the same
 * channel, and no SMS outside 09:00-19:00 local time or on a holiday. A stage that would break a
 * limit on its main channel is deferred to the first moment that keeps them all; an SMS beside an
 * e-mail that would break its own limit is left out, with the reason. Pure: `now` comes in.
 */
import type { Customer, Policy } from '../model.js';
import { nextMoment, type CalendarContext } from './calendar.js';

export type LimitedChannel = 'email' | 'sms';

export interface RecentContact {
  at: string;
  channel: LimitedChannel;
}

export const WEEK_MS = 7 * 86_400_000;
const DAY_MS = 86_400_000;
/** How long contacts are remembered on the customer: the longest window any rule looks at. */
export const REMEMBER_MS = 2 * WEEK_MS;
export const SMS_HOURS = { from: '09:00', to: '19:00' } as const;

export type ChannelVerdict =
  | { allowed: true }
  | { allowed: false; notBefore: Date; reason: string }
  /** The policy allows none on this channel at all: nothing to wait for. */
  | { allowed: false; never: true; reason: string };

const capOf = (policy: Policy, channel: LimitedChannel): number => (channel === 'email' ? policy.emailsPerWeek : policy.smsPerWeek);

/** Whether one more contact on `channel` may leave at `now`, and if not, from when. */
export const channelVerdict = (input: {
  channel: LimitedChannel;
  recent: readonly RecentContact[];
  policy: Policy;
  customer: Pick<Customer, 'timeZone' | 'country'>;
  now: Date;
}): ChannelVerdict => {
  const { channel, policy, customer, now } = input;
  const same = input.recent
    .filter((c) => c.channel === channel)
    .map((c) => Date.parse(c.at))
    .filter((t) => Number.isFinite(t) && t <= now.getTime())
    .sort((a, b) => a - b);
  const cap = capOf(policy, channel);
  if (cap <= 0) return { allowed: false, never: true, reason: `the policy sends no ${channel === 'email' ? 'e-mail' : 'SMS'}` };

  const reasons: string[] = [];
  let floor = now.getTime();
  const inWeek = same.filter((t) => t > now.getTime() - WEEK_MS);
  if (inWeek.length >= cap) {
    // The window frees up when the oldest contact that fills it is a week old.
    floor = Math.max(floor, inWeek[inWeek.length - cap]! + WEEK_MS);
    reasons.push(`${inWeek.length} ${channel === 'email' ? 'e-mails' : 'SMS'} in the last 7 days (limit ${cap})`);
  }
  const last = same.at(-1);
  if (last !== undefined && now.getTime() - last < policy.minGapDays * DAY_MS) {
    floor = Math.max(floor, last + policy.minGapDays * DAY_MS);
    reasons.push(`last ${channel} ${Math.floor((now.getTime() - last) / 3_600_000)} h ago (gap ${policy.minGapDays} days)`);
  }
  const ctx: CalendarContext = {
    timeZone: customer.timeZone,
    country: customer.country,
    window: channel === 'sms' ? SMS_HOURS : policy.sendWindow,
  };
  const moment = nextMoment(new Date(floor), ctx);
  if (moment.getTime() === now.getTime()) return { allowed: true };
  if (reasons.length === 0) reasons.push(channel === 'sms' ? 'outside 09:00-19:00 local time or a holiday' : 'outside the send window');
  return { allowed: false, notBefore: moment, reason: reasons.join('; ') };
};

/** The contacts kept on the customer after one more (older than two weeks are forgotten). */
export const rememberContacts = (recent: readonly RecentContact[], added: readonly RecentContact[], now: Date): RecentContact[] =>
  [...recent, ...added].filter((c) => Date.parse(c.at) > now.getTime() - REMEMBER_MS).sort((a, b) => a.at.localeCompare(b.at));
