/**
 * What one reminder says and where it goes, decided from the invoice, the customer, the supplier
 * (tenant), the policy and the stage (or one-off message). Pure: no I/O, `now` comes in.
 */
import { DateTime } from 'luxon';
import { amountDue, type Customer, type ExtraRule, type Invoice, type Language, type MessageKind, type Payment, type Policy, type StageId, type Tenant, type Tone } from '../model.js';
import { STAGE_IDS, WRITTEN_STAGES } from '../timeline/stages.js';
import { IGNORED_EMAILS_BEFORE_SMS } from '../timeline/engagement.js';
import { claimAmount } from '../money/interest.js';
import { paidParts } from '../money/paid-parts.js';
import type { MessageLine } from './rendering/types.js';
import { localDay } from '../shared/days.js';

export type ReminderKind = StageId | MessageKind;
export type MessageChannel = 'email' | 'sms';

export interface ReminderInput {
  invoice: Invoice;
  customer: Customer;
  tenant: Tenant;
  policy: Policy;
  kind: ReminderKind;
  now: Date;
  /** E-mails about this invoice the customer ignored in a row (engagement.ts). */
  ignoredEmails?: number;
  /** The payments recorded on the invoice: a part paid late still earns interest up to its day. */
  payments?: readonly Pick<Payment, 'amount' | 'currency' | 'date'>[];
  /** kind furtherReminder: the policy's extra reminder it is (its SMS, tone and place); absent: e-mail in the policy's tone. */
  extra?: Pick<ExtraRule, 'after' | 'sms' | 'tone'>;
}

export interface ReminderDecision {
  kind: ReminderKind;
  tone: Tone;
  language: Language;
  /** Present when the message goes out by e-mail. */
  email?: { to: string };
  /** Present when it also goes out as an SMS. */
  sms?: { to: string };
  /** Channels the policy wanted that cannot reach the customer, and why. */
  unreachable: { channel: MessageChannel; reason: string }[];
  /** The invoice as the message shows it: amount due, days late, interest and compensation where shown. */
  line: MessageLine;
}

/** Messages that state the late-payment interest and the fixed compensation, when the policy shows them. */
const SHOWS_INTEREST: ReadonlySet<ReminderKind> = new Set<ReminderKind>([
  'secondOverdue',
  'furtherReminder',
  'creditHold',
  'escalation',
  'brokenPromise',
  'instalmentMissed',
]);

/** Whether a message of this kind states interest and compensation (when the policy shows them). */
export const showsInterest = (kind: ReminderKind): boolean => SHOWS_INTEREST.has(kind);

const isStage = (kind: ReminderKind): kind is StageId => (STAGE_IDS as readonly string[]).includes(kind);

/**
 * Whether this message claims interest and compensation under the policy: from the policy's
 * `interestFromStage` on where it names one (the one-off messages after a broken promise always
 * may), else the firm messages of SHOWS_INTEREST.
 */
const claimsInterest = (kind: ReminderKind, policy: Policy, extra: ReminderInput['extra']): boolean => {
  const from = policy.interestFromStage;
  // An extra reminder claims like the stage it follows would under `interestFromStage`, and from the second overdue reminder on otherwise.
  if (kind === 'furtherReminder') return STAGE_IDS.indexOf(extra?.after ?? 'secondOverdue') >= STAGE_IDS.indexOf(from ?? 'secondOverdue');
  if (!from || !isStage(kind)) return SHOWS_INTEREST.has(kind);
  return STAGE_IDS.indexOf(kind) >= STAGE_IDS.indexOf(from) && kind !== 'phoneCall';
};

/** The stage's (or extra reminder's) own tone where the policy gives one, else the policy's. */
export const toneOf = (kind: ReminderKind, policy: Pick<Policy, 'tone' | 'stages'>, extra?: ReminderInput['extra']): Tone =>
  (isStage(kind) ? policy.stages[kind]?.tone : kind === 'furtherReminder' ? extra?.tone : undefined) ?? policy.tone;

/** The customer's calendar day at `now`, as an ISO date. */

/** Whole days after the due date, in the customer's time zone (0 on or before the due date). */
export const daysLate = (dueDate: string, now: Date, timeZone: string): number => {
  const days = DateTime.fromISO(localDay(now, timeZone)).diff(DateTime.fromISO(dueDate), 'days').days;
  return Math.max(0, Math.round(days));
};

/** The customer's address; when it bounced (or complained), the billing contact's, if there is one (commands.ts isReachable). */
const emailRoute = (c: Customer): { to: string } | { reason: string } => {
  if (c.email && c.emailStatus === 'ok') return { to: c.email };
  const other = c.billingContact?.email;
  if (other && other.toLowerCase() !== c.email?.toLowerCase()) return { to: other };
  if (!c.email) return { reason: 'no e-mail address' };
  return { reason: `e-mail address ${c.emailStatus}` };
};

/** No working address to write to: the customer's own bounced or complained, and no billing contact's. */
export const writtenChannelBlocked = (c: Customer): boolean => 'reason' in emailRoute(c) && Boolean(c.email) && c.emailStatus !== 'ok';

const smsRoute = (c: Customer): { to: string } | { reason: string } => {
  if (!c.phone) return { reason: 'no mobile number' };
  if (c.smsOptOut) return { reason: 'opted out of SMS' };
  return { to: c.phone };
};

/**
 * Channels: e-mail whenever the customer has a working address; SMS in addition on the stages
 * where the policy says so (never for one-off messages), when there is a number and no opt-out.
 * Amounts: what is due, plus interest to date and the fixed compensation on the firm messages
 * when the policy shows them (claimAmount, Directive 2011/7/EU).
 */
export const decideReminder = (input: ReminderInput): ReminderDecision => {
  const { invoice, customer, policy, kind, now } = input;
  const unreachable: ReminderDecision['unreachable'] = [];

  const email = emailRoute(customer);
  if ('reason' in email) unreachable.push({ channel: 'email', reason: email.reason });

  // Two e-mails in a row without any sign of life: the next stage also texts, if the policy texts at all.
  const written = WRITTEN_STAGES.includes(kind as StageId) || kind === 'furtherReminder';
  const unheard = (input.ignoredEmails ?? 0) >= IGNORED_EMAILS_BEFORE_SMS && policy.smsPerWeek > 0 && written;
  const policySms = isStage(kind) ? policy.stages[kind]?.sms === true : kind === 'furtherReminder' && input.extra?.sms === true;
  const wantsSms = policySms || unheard;
  const sms = wantsSms ? smsRoute(customer) : undefined;
  if (sms && 'reason' in sms) unreachable.push({ channel: 'sms', reason: sms.reason });

  const due = amountDue(invoice);
  // An instalment announced ahead of its date: under the plan nothing is late, whatever the invoice's own due date.
  const late = kind === 'instalmentDue' ? 0 : daysLate(invoice.dueDate, now, customer.timeZone);
  const line: MessageLine = { invoice, kind, amountDue: due, daysLate: late };
  if ((policy.showInterest || policy.showCompensation) && claimsInterest(kind, policy, input.extra) && late > 0 && due > 0) {
    const claim = claimAmount({
      principal: due,
      currency: invoice.currency,
      dueDate: invoice.dueDate,
      asOf: localDay(now, customer.timeZone),
      payments: paidParts(input.payments ?? [], invoice.currency),
    });
    if (policy.showInterest) line.interest = claim.interest;
    if (policy.showCompensation) line.compensation = claim.compensation;
  }

  return {
    kind,
    tone: toneOf(kind, policy, input.extra),
    language: customer.language,
    ...('to' in email ? { email } : {}),
    ...(sms && 'to' in sms ? { sms } : {}),
    unreachable,
    line,
  };
};

/**
 * The send-guard key of a message (dynamo-guard.ts): a stage once per invoice; a one-off message
 * once per occasion (the broken promise's date, the instalment's); a stage's notice next to its action.
 */
export const guardKeyFor = (kind: ReminderKind | 'creditHoldNotice' | 'escalationNotice', occasion?: string): string => {
  switch (kind) {
    case 'creditHoldNotice':
      return 'creditHold#notice';
    case 'escalationNotice':
      return 'escalation#notice';
    case 'brokenPromise':
    case 'instalmentMissed':
    case 'instalmentDue':
    case 'paymentClaimAck':
      if (!occasion) throw new Error(`guardKeyFor ${kind}: the occasion (a date) is required`);
      return `${kind}#${occasion}`;
    default:
      return kind;
  }
};
