/**
 * Whether the company's bank statements are recent enough to escalate on. A company says how often
 * its statements arrive (Tenant.bankStatements: every N business days) and how many business days
 * late one may be before the bank data counts as stale. Firm stages (credit hold, hand-off) wait
 * while it is stale: a customer is never escalated on old bank data, because the payment that would
 * have stopped it may sit in a statement that has not come yet.
 *
 * A statement's day is the last day it covers (camt `ToDtTm`, MT940 `:62F:` date), else its latest
 * booking date, else the day it was received. Age = business days after that day up to today
 * (today counted): yesterday's statement read this morning is 1 business day old. Pure.
 */
import { isBusinessDay } from '../timeline/calendar.js';
import { accountKey } from './credit-records.js';
import type { BankAccountRef } from './types.js';
import { addDays } from '../shared/days.js';

export interface StatementSchedule {
  /** A statement is expected every this many business days (1: each business morning). */
  everyBusinessDays: number;
  /** How many business days past the expected one a statement may be late. */
  staleAfterBusinessDays: number;
}

/** The newest statement seen for one account (adapters/dynamo-statement-feed.ts). */
export interface FeedMark {
  account: string;
  /** The last day the newest statement covers (yyyy-mm-dd). */
  lastDay: string;
  receivedAt: string;
  /** The file it came in. */
  key: string;
}

export interface Staleness {
  /** For the log, the deferral and the finance team's task. */
  reason: string;
  /** The stale accounts (all accounts, when none ever sent a statement). */
  accounts: string[];
}

/** Business days after `from` up to and including `to`, in `country`'s calendar; 0 when `to` <= `from`. */
export const businessDaysAfter = (from: string, to: string, country: string): number => {
  let n = 0;
  // Bounded: a feed silent for over a year is counted as a year's worth.
  for (let d = addDays(from, 1), k = 0; d <= to && k < 366; d = addDays(d, 1), k++) if (isBusinessDay(d, country)) n++;
  return n;
};

export const staleStatements = (i: {
  schedule: StatementSchedule;
  /** One mark per account that ever sent a statement. */
  marks: readonly FeedMark[];
  /** The company's accounts (iban or other id), to name those that never sent one. */
  accounts: readonly string[];
  today: string;
  country: string;
}): Staleness | undefined => {
  const allowed = i.schedule.everyBusinessDays + i.schedule.staleAfterBusinessDays;
  if (i.marks.length === 0) {
    return { reason: `no bank statement has arrived yet, though the company expects one every ${plural(i.schedule.everyBusinessDays)}`, accounts: [...i.accounts] };
  }
  const stale = i.marks
    .map((m) => ({ m, age: businessDaysAfter(m.lastDay, i.today, i.country) }))
    .filter((x) => x.age > allowed)
    .sort((a, b) => b.age - a.age);
  if (stale.length === 0) return undefined;
  const what = stale.map((x) => `${x.m.account} (last statement for ${x.m.lastDay}, ${plural(x.age)} old)`).join(', ');
  return {
    reason: `the bank statements are stale: ${what}; expected every ${plural(i.schedule.everyBusinessDays)}, late by at most ${plural(i.schedule.staleAfterBusinessDays)}`,
    accounts: stale.map((x) => x.m.account),
  };
};

const plural = (n: number): string => `${n} business day${n === 1 ? '' : 's'}`;

/** The day a statement counts for (see the header). */
export const statementDay = (s: { to?: string; latestBooking?: string; receivedDay: string }): string => s.to?.slice(0, 10) ?? s.latestBooking ?? s.receivedDay;

/**
 * The marks a statement file leaves: per account of the company it covers, the last day it
 * covers. `ours` says whether an account is the company's (foreign ones are refused anyway).
 */
export const feedMarks = (
  read: { statements: readonly { account: BankAccountRef; to?: string }[]; credits: readonly Booked[]; returns: readonly Booked[] },
  ctx: { key: string; receivedAt: string; receivedDay: string; ours: (a: BankAccountRef) => boolean },
): FeedMark[] => {
  const latest = new Map<string, string>();
  for (const m of [...read.credits, ...read.returns]) {
    const k = accountKey(m.account);
    if ((latest.get(k) ?? '') < m.bookingDate) latest.set(k, m.bookingDate);
  }
  const marks = new Map<string, FeedMark>();
  for (const s of read.statements) {
    if (!ctx.ours(s.account)) continue;
    const account = accountKey(s.account);
    const lastDay = statementDay({ ...(s.to ? { to: s.to } : {}), ...(latest.has(account) ? { latestBooking: latest.get(account)! } : {}), receivedDay: ctx.receivedDay });
    const seen = marks.get(account);
    if (!seen || seen.lastDay < lastDay) marks.set(account, { account, lastDay, receivedAt: ctx.receivedAt, key: ctx.key });
  }
  return [...marks.values()];
};

type Booked = { account: BankAccountRef; bookingDate: string };
