/**
 * What holds a written stage back before it is sent, in this order:
 *  1. the customer answered through a link (a plan request, a new contact) and the finance team has
 *     not dealt with it yet: no next reminder before they have; checked again the next business morning;
 *  2. the bank truth: an unconfirmed credit (suggested or unmatched) that could be this customer's
 *     arrived since the invoice was last chased (`unconfirmedCredit` below): the stage waits for the
 *     finance team to confirm or reject it, checked again the next business morning, for at most
 *     CREDIT_CONFIRM_BUSINESS_DAYS; after that the chase resumes and the finance team is told;
 *  3. two e-mails ignored in a row and nobody to text, on an overdue invoice whose call is still
 *     ahead: the reminder gives way to the phone call, which the planner brings forward
 *     (planner.ts), once per stage: should the plan still name this stage, it is sent.
 * Pure: the case and `now` in, a hold (with the reason the log keeps) or nothing out.
 */
import type { BankCreditRecord, BankCreditStatus } from '../bank/credit-records.js';
import type { Closure, ContactEvent, Customer, Invoice, Policy } from '../model.js';
import { money } from '../money/matching/amounts.js';
import { nameSimilarity } from '../money/matching/names.js';
import { normaliseIban } from '../money/matching/open-invoices.js';
import { NAME_LIKE } from '../money/matching/suggestions.js';
import type { StageDone } from './plan.js';
import type { Step } from './stages.js';
import { unheardEscalation } from './engagement.js';
import { nextBusinessDay, nextSendMoment, type CalendarCustomer } from './calendar.js';
import { addDays, localDay } from '../shared/days.js';

export const CALL_FORWARD_REASON = 'two e-mails ignored and no SMS possible: the phone call comes forward';

export interface StageHoldInput {
  stage: Step;
  invoice: Pick<Invoice, 'dueDate'>;
  customer: Pick<Customer, 'timeZone' | 'country' | 'phone' | 'smsOptOut'> & CalendarCustomer;
  policy: Pick<Policy, 'stages' | 'smsPerWeek' | 'sendWindow'> & Partial<Pick<Policy, 'quietDays'>>;
  /** Tenant.closures: a hold never ends inside one. */
  companyClosures?: readonly Closure[] | undefined;
  events: readonly ContactEvent[];
  stagesDone: readonly StageDone[];
  ignoredEmails: number;
  /** Kinds of the customer's answers still open with the finance team (commands/tasks.ts answerTaskPrefixes). */
  waitingAnswers: readonly string[];
  /** The bank-truth check (`unconfirmedCredit`), when it holds the stage. */
  unconfirmedCredit?: UnconfirmedCreditHold | undefined;
  now: Date;
}

export type UnconfirmedCreditHold = { hold: 'unconfirmedCredit'; until: Date; reason: string; creditIds: string[] };

export type StageHold =
  | { hold: 'waitingForFinance'; until: Date; reason: string }
  | UnconfirmedCreditHold
  | { hold: 'callComesForward'; until: Date; reason: string };

const DAY_MS = 86_400_000;

/** Whether the planner's call-forward applies to this stage now (see the header, rule 2). */
export const callComesForward = (i: Omit<StageHoldInput, 'waitingAnswers'>): boolean =>
  !i.events.some((e) => e.type === 'deferred' && e.stage === i.stage && e.details?.reason === CALL_FORWARD_REASON) &&
  i.policy.stages.phoneCall?.enabled === true &&
  !i.stagesDone.some((s) => s.stage === 'phoneCall') &&
  localDay(i.now, i.customer.timeZone) > i.invoice.dueDate &&
  unheardEscalation(i.ignoredEmails, i.policy, i.customer) === 'callForward';

export const stageHold = (i: StageHoldInput): StageHold | undefined => {
  if (i.waitingAnswers.length > 0) {
    const until = nextSendMoment(new Date(i.now.getTime() + DAY_MS), i.customer, i.policy, i.companyClosures);
    return { hold: 'waitingForFinance', until, reason: `waiting for the finance team to see the customer's answer (${i.waitingAnswers.join(', ')})` };
  }
  if (i.unconfirmedCredit) return i.unconfirmedCredit;
  if (callComesForward(i)) return { hold: 'callComesForward', until: i.now, reason: CALL_FORWARD_REASON };
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// the bank truth

/** The credits the finance team has still to confirm or reject (the only ones read per send). */
export const UNCONFIRMED_CREDIT_STATUSES: readonly BankCreditStatus[] = ['suggested', 'unmatched'];

/**
 * How long an unconfirmed credit holds the chase: this many business days (the finance team's
 * calendar) after the day it arrived; from the next business day on the chase resumes and the
 * finance team is told. Three gives the team a working half-week without letting a stray credit
 * freeze a customer's timeline.
 */
export const CREDIT_CONFIRM_BUSINESS_DAYS = 3;

export type CreditForCheck = Pick<BankCreditRecord, 'creditId' | 'status' | 'amount' | 'currency' | 'debtor' | 'receivedAt' | 'bookingDate'> & Partial<Pick<BankCreditRecord, 'suggestions'>>;

export interface UnconfirmedCreditInput {
  /** The tenant's credits; those not suggested or unmatched are ignored. */
  credits: readonly CreditForCheck[];
  customer: Pick<Customer, 'customerId' | 'name' | 'timeZone' | 'country'> & CalendarCustomer;
  /** Debtor IBAN -> customer id, learned from confirmed matches (BankCreditRepository.knownDebtorIbans). */
  knownDebtorIbans: ReadonlyMap<string, string>;
  invoice: Pick<Invoice, 'currency' | 'issueDate' | 'lastContactAt'>;
  /** What the customer has open in the invoice's currency (this invoice included), minor units. */
  openAmountDue: number;
  /** Bank charges a credit may exceed the open amount by (minor units; the matcher's tolerance). */
  tolerance?: number;
  /** The finance team's calendar, for the deadline; its closures keep the customer's stage too. */
  finance: { timeZone: string; country: string; closures?: readonly Closure[] | undefined };
  policy: Pick<Policy, 'sendWindow'> & Partial<Pick<Policy, 'quietDays'>>;
  now: Date;
}

export interface LapsedCredit {
  creditId: string;
  /** For the log and the finance team: "chase resumed on <date> although this credit is unconfirmed". */
  reason: string;
}

export interface CreditCheck {
  hold?: UnconfirmedCreditHold;
  /** Credits that could be the customer's but are past the deadline: they no longer hold the chase. */
  lapsed: LapsedCredit[];
}

const addBusinessDays = (day: string, n: number, country: string): string => {
  let d = day;
  for (let k = 0; k < n; k++) d = nextBusinessDay(addDays(d, 1), country);
  return d;
};

/** Why the credit could be this customer's, or undefined. */
const couldBeTheCustomers = (c: CreditForCheck, i: UnconfirmedCreditInput): string | undefined => {
  const iban = c.debtor?.iban ? normaliseIban(c.debtor.iban) : undefined;
  // The learned IBANs are stored in electronic form (adapters/dynamo-bank-credits.ts).
  const ibanOwner = iban !== undefined ? i.knownDebtorIbans.get(iban) : undefined;
  if (ibanOwner === i.customer.customerId) return `from ${iban}, a debtor account known for this customer`;
  // An account known for another customer is theirs, whatever the name says.
  if (ibanOwner !== undefined) return undefined;
  // The matcher's own guesses know more than a name: a credit it ties to this customer's invoices
  // holds them; one it ties only to other customers' does not hold this one.
  const suggestions = c.suggestions ?? [];
  const ours = suggestions.find((s) => s.customerId === i.customer.customerId);
  if (ours) return `suggested by the matcher for this customer's ${ours.invoiceIds.length === 1 ? 'invoice' : 'invoices'} (${ours.reasons[0] ?? `score ${ours.score}`})`;
  if (suggestions.length > 0 || !c.debtor?.name) return undefined;
  const similar = nameSimilarity(c.debtor.name, i.customer.name) >= NAME_LIKE;
  const plausible = c.currency === i.invoice.currency && c.amount > 0 && c.amount <= i.openAmountDue + (i.tolerance ?? 0);
  return similar && plausible ? `from "${c.debtor.name}", like the customer's name, for an amount within what they have open (${money(i.openAmountDue, i.invoice.currency)})` : undefined;
};

/**
 * The bank-truth check before a send: an unconfirmed credit (suggested or unmatched) that arrived
 * (was received from the bank) since the invoice was last chased (`lastContactAt`, else the start of
 * its issue day) and could belong to the customer: its debtor IBAN is known for this customer; or
 * (the IBAN known for no other customer) the matcher suggested it for this customer's invoices; or,
 * when the matcher suggested it for nobody, its debtor name is like the customer's (the matcher's
 * name similarity, at least NAME_LIKE) with an amount > 0 and at most the customer's open amount
 * due + tolerance, in the invoice's currency. A credit the matcher ties only to other customers does
 * not hold this one: a similar name ("Carpenterie Galli", "Carpenterie Grassi") is not evidence
 * against what the matcher found.
 * Such a credit holds the stage until the next business morning, for CREDIT_CONFIRM_BUSINESS_DAYS
 * business days after the day it arrived; past that it is `lapsed`: the chase resumes, saying so.
 * Pure.
 */
export const unconfirmedCredit = (i: UnconfirmedCreditInput): CreditCheck => {
  const since = i.invoice.lastContactAt ?? `${i.invoice.issueDate}T00:00:00.000Z`;
  const today = localDay(i.now, i.finance.timeZone);
  const holding: { creditId: string; why: string; deadline: string }[] = [];
  const lapsed: LapsedCredit[] = [];
  for (const c of i.credits) {
    if (!UNCONFIRMED_CREDIT_STATUSES.includes(c.status) || Date.parse(c.receivedAt) < Date.parse(since)) continue;
    const why = couldBeTheCustomers(c, i);
    if (!why) continue;
    const deadline = addBusinessDays(localDay(new Date(c.receivedAt), i.finance.timeZone), CREDIT_CONFIRM_BUSINESS_DAYS, i.finance.country);
    const label = `${money(c.amount, c.currency)} booked ${c.bookingDate} (${c.creditId})`;
    if (today > deadline) lapsed.push({ creditId: c.creditId, reason: `chase resumed on ${today} although this credit is unconfirmed: ${label}, ${why}; not confirmed nor rejected by ${deadline}` });
    else holding.push({ creditId: c.creditId, why: `${label}, ${why}, awaiting confirmation until ${deadline}`, deadline });
  }
  if (holding.length === 0) return { lapsed };
  const until = nextSendMoment(new Date(i.now.getTime() + DAY_MS), i.customer, i.policy, i.finance.closures);
  return {
    hold: { hold: 'unconfirmedCredit', until, creditIds: holding.map((h) => h.creditId), reason: `an unconfirmed bank credit could be this customer's payment: ${holding.map((h) => h.why).join('; ')}` },
    lapsed,
  };
};
