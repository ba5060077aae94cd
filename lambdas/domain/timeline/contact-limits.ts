/**
 * Contact limits per customer, across all its invoices: one e-mail and one SMS a day at most
 * (whatever the message: a thank-you too), at most N e-mails and M SMS in any 7 days
 * (policy.emailsPerWeek / smsPerWeek), the policy's minimum gap between two contacts on the same
 * channel, e-mail only inside the send window and no SMS outside 09:00-19:00 local time, never on
 * a holiday. The caps and the gap count the messages that chase, not those that answer (the
 * thank-you). A message that would break a limit on its main channel is deferred to the first
 * moment that keeps them all; an SMS beside an e-mail that would break its own limit is left out,
 * with the reason. Pure: `now` comes in.
 */
import type { Closure, Policy } from '../model.js';
import { addDays, localDay } from '../shared/days.js';
import { nextMoment, openingOn, sendContext, type CalendarContext, type CalendarCustomer } from './calendar.js';
import { ANSWERING_KINDS } from './precedence.js';

export type LimitedChannel = 'email' | 'sms';

export interface RecentContact {
  at: string;
  channel: LimitedChannel;
  /** What the message was; answering kinds (the thank-you) do not count towards the caps. */
  kind?: string | undefined;
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
  customer: CalendarCustomer;
  /** Tenant.closures: nothing leaves in one. */
  companyClosures?: readonly Closure[] | undefined;
  now: Date;
  /** False for a message that answers (the thank-you): only one a day and the window apply. Default true. */
  counted?: boolean;
}): ChannelVerdict => {
  const { channel, policy, customer, now } = input;
  const onChannel = input.recent.filter((c) => c.channel === channel && Number.isFinite(Date.parse(c.at)) && Date.parse(c.at) <= now.getTime());
  const same = onChannel
    .filter((c) => !c.kind || !ANSWERING_KINDS.has(c.kind))
    .map((c) => Date.parse(c.at))
    .sort((a, b) => a - b);
  const cap = capOf(policy, channel);
  if (cap <= 0) return { allowed: false, never: true, reason: `the policy sends no ${channel === 'email' ? 'e-mail' : 'SMS'}` };

  // The planner's calendar (holidays of the customer's place, closures, quiet days); an SMS keeps
  // its own hours unless the customer named a window of its own.
  const sendCtx = sendContext(customer, policy, input.companyClosures);
  const ctx: CalendarContext = channel === 'sms' && !customer.sendWindow ? { ...sendCtx, window: SMS_HOURS } : sendCtx;
  const reasons: string[] = [];
  let floor = now.getTime();
  const today = localDay(now, customer.timeZone);
  if (onChannel.some((c) => localDay(new Date(c.at), customer.timeZone) === today)) {
    // One a day: from the next day's window on.
    floor = Math.max(floor, openingOn(addDays(today, 1), ctx).getTime());
    reasons.push(`the customer already had ${channel === 'email' ? 'an e-mail' : 'an SMS'} today`);
  }
  if (input.counted === false) return verdictAt(floor, now, ctx, reasons, channel);
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
  return verdictAt(floor, now, ctx, reasons, channel);
};

const verdictAt = (floor: number, now: Date, ctx: CalendarContext, reasons: string[], channel: LimitedChannel): ChannelVerdict => {
  const moment = nextMoment(new Date(floor), ctx);
  if (moment.getTime() === now.getTime()) return { allowed: true };
  if (reasons.length === 0) reasons.push(channel === 'sms' ? 'outside 09:00-19:00 local time or a holiday' : 'outside the send window');
  return { allowed: false, notBefore: moment, reason: reasons.join('; ') };
};

/** The contacts kept on the customer after one more (older than two weeks are forgotten). */
export const rememberContacts = (recent: readonly RecentContact[], added: readonly RecentContact[], now: Date): RecentContact[] =>
  [...recent, ...added].filter((c) => Date.parse(c.at) > now.getTime() - REMEMBER_MS).sort((a, b) => a.at.localeCompare(b.at));
