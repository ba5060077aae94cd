/**
 * What the customer is due to hear today, across its invoices, and who says it: one message a day
 * per customer, in the words of the firmest thing due (precedence.ts).
 *
 * - `itemsDueToday`: for each other invoice of the customer, the message it has due by the end of
 *   the customer's day: its next written stage, the final notice of a credit hold (unless the
 *   customer is on hold already: the invoice then joins it silently), the hand-off notice, the
 *   follow-up of a promise found broken, or the thank-you of an invoice just paid.
 * - `shareTheDay`: which of them the message about to leave carries (their guards are claimed with
 *   it), or the firmer one it gives way to, whose own execution has to act first (a hold, a
 *   hand-off, a promise transition). Ties between two leading items of one kind go to the most
 *   overdue invoice, so the answer does not depend on which execution runs first.
 * Pure: the siblings and `now` come in.
 */
import type { Closure, Customer, Invoice, InvoiceStatus, Policy } from '../model.js';
import { checkPromiseDue } from './promise-check.js';
import { instalmentReminder } from './instalment-reminder.js';
import { sendContext } from './calendar.js';
import { MAX_COMPANIONS, siblingPlan, type SiblingCase } from './consolidation.js';
import { LEADING_KINDS, precedenceOf, type VoiceKind } from './precedence.js';
import { WRITTEN_STAGES, isExtraStep, type Stage, type Step } from './stages.js';
import { stepsOfPlan } from './walk.js';
import { localDay } from '../shared/days.js';

export interface DayItem {
  invoice: Invoice;
  kind: VoiceKind;
  /** The guard its message is claimed under (dynamo-guard.ts). */
  guardKey: string;
  /** When it is due (ISO instant). */
  at: string;
  /** The status the invoice must still be in when the message is claimed. */
  requiredStatus: InvoiceStatus;
  /** Its own execution acts first (LEADING_KINDS): the others give way to it. */
  leads: boolean;
  /** For a broken promise: the date that was promised. */
  promiseDate?: string;
}

export interface DayContext {
  customer: Customer;
  policy: Policy;
  now: Date;
  paymentClaimGraceDays?: number | undefined;
  /** Tenant.closures, as the invoices' own plans read them. */
  companyClosures?: readonly Closure[] | undefined;
}

const isWritten = (s: string): s is Stage => (WRITTEN_STAGES as readonly string[]).includes(s);
const done = (s: SiblingCase, key: string) => s.stagesDone.some((d) => d.stage === key);

/** The next step of an open invoice (a stage or an extra reminder) when it falls on the customer's today or before. */
export const stageDueToday = (s: SiblingCase, ctx: DayContext): { stage: Step; at: string } | undefined => {
  if (s.invoice.status !== 'open' || s.invoice.needsContact) return undefined;
  const plan = siblingPlan(s, ctx);
  const first = stepsOfPlan(plan)[0];
  if (!first) return undefined;
  return localDay(new Date(first.at), ctx.customer.timeZone) <= localDay(ctx.now, ctx.customer.timeZone) ? { stage: first.step, at: first.at } : undefined;
};

const itemOf = (s: SiblingCase, ctx: DayContext): DayItem | undefined => {
  const inv = s.invoice;
  const base = { invoice: inv, requiredStatus: inv.status };
  if (inv.status === 'paid') return done(s, 'thankYou') ? undefined : { ...base, kind: 'thankYou', guardKey: 'thankYou', at: ctx.now.toISOString(), leads: false };
  if (inv.status === 'promised') {
    const plan = siblingPlan(s, ctx);
    if (plan.mode !== 'promise' || !plan.checkAt || localDay(new Date(plan.checkAt), ctx.customer.timeZone) > localDay(ctx.now, ctx.customer.timeZone)) return undefined;
    // A plan announcing its instalment today (instalment-reminder.ts) is not broken: its reminder goes on its own.
    const upcoming = inv.plan
      ? { reminder: instalmentReminder(inv, ctx.policy.plans.reminderDaysBefore, sendContext(ctx.customer, ctx.policy, ctx.companyClosures)), localDay: localDay(new Date(plan.checkAt), ctx.customer.timeZone) }
      : undefined;
    const check = checkPromiseDue(inv, plan.checkAt.slice(0, 10), 0, upcoming);
    if (check.outcome !== 'broken' || done(s, check.reminder.guardKey)) return undefined;
    return { ...base, kind: check.reminder.kind, guardKey: check.reminder.guardKey, at: plan.checkAt, leads: true, promiseDate: check.reminder.promiseDate };
  }
  const due = stageDueToday(s, ctx);
  if (!due) return undefined;
  if (isExtraStep(due.stage)) return { ...base, kind: 'furtherReminder', guardKey: due.stage, at: due.at, leads: false };
  if (isWritten(due.stage)) return { ...base, kind: due.stage as VoiceKind, guardKey: due.stage, at: due.at, leads: false };
  if (due.stage === 'creditHold' && !ctx.customer.creditHold && !done(s, 'creditHold#notice')) return { ...base, kind: 'creditHold', guardKey: 'creditHold#notice', at: due.at, leads: true };
  if (due.stage === 'escalation' && ctx.policy.escalation === 'send' && !done(s, 'escalation#notice')) return { ...base, kind: 'escalation', guardKey: 'escalation#notice', at: due.at, leads: true };
  return undefined;
};

/** The messages the customer's other invoices have due today (`siblings` without the one speaking). */
export const itemsDueToday = (siblings: readonly SiblingCase[], ctx: DayContext): DayItem[] =>
  siblings.flatMap((s) => {
    if (s.invoice.customerId !== ctx.customer.customerId) return [];
    const item = itemOf(s, ctx);
    return item ? [item] : [];
  });

/** Most overdue first, then by invoice id: the order ties are broken in. */
const byDue = (a: Pick<DayItem, 'invoice'>, b: Pick<DayItem, 'invoice'>) =>
  a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.invoice.invoiceId.localeCompare(b.invoice.invoiceId);

export interface DayShare {
  /** The other invoices' messages this one carries: claimed with it, listed in it. */
  carries: DayItem[];
  /** A firmer message whose own execution acts first: this one waits for it and rides in it. */
  givesWayTo?: DayItem;
}

/**
 * `own`: the message about to leave. A leading item is carried only by a message at least as firm
 * of the kinds whose notice another execution may send (a hold's final notice in a hand-off or in
 * another invoice's final notice); a broken promise is never carried: its status change is its own.
 * `mayGiveWay` false: this message gave way once today already and goes now, whatever is pending.
 */
export const shareTheDay = (own: { invoice: Invoice; kind: VoiceKind }, items: readonly DayItem[], opts: { mayGiveWay: boolean }): DayShare => {
  const carriable = (i: DayItem) => !i.leads || ((i.kind === 'creditHold' || i.kind === 'escalation') && precedenceOf(own.kind) >= precedenceOf(i.kind));
  const ahead = items.filter(
    (i) => !carriable(i) && LEADING_KINDS.has(i.kind) && (precedenceOf(i.kind) > precedenceOf(own.kind) || (i.kind === own.kind && byDue(i, own) < 0)),
  );
  if (opts.mayGiveWay && ahead.length > 0) {
    const first = [...ahead].sort((a, b) => precedenceOf(b.kind) - precedenceOf(a.kind) || byDue(a, b))[0]!;
    return { carries: [], givesWayTo: first };
  }
  return { carries: items.filter(carriable).sort(byDue).slice(0, MAX_COMPANIONS) };
};
