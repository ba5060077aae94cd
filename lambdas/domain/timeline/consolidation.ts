/**
 * One voice per customer: when one invoice reaches a written stage, every other invoice of the
 * same customer whose next written stage falls on the same local day rides in the same message.
 * Pure: the siblings and `now` come in.
 */
import type { Closure, ContactEvent, Customer, Invoice, Policy } from '../model.js';
import { ignoredEmailsInARow } from './engagement.js';
import { planTimeline } from './planner.js';
import { WRITTEN_STAGES, stageIndex, type Stage } from './stages.js';
import type { StageDone, TimelinePlan } from './plan.js';
import { localDay } from '../shared/days.js';

export interface SiblingCase {
  invoice: Invoice;
  stagesDone: StageDone[];
  /** Its contact log: the engagement PlanTimeline reads (two ignored e-mails bring the call forward). */
  events: readonly ContactEvent[];
}

/**
 * The last time the customer was contacted about an invoice, for the planner's spacing: its last
 * message (lastContactAt), or its phone call if queued since: the plan that placed the next stage
 * placed it after the call, and a plan made again must not bring that stage back to the call's day.
 */
export const lastTouch = (invoice: Pick<Invoice, 'lastContactAt'>, stagesDone: readonly StageDone[]): string | undefined =>
  [invoice.lastContactAt, ...stagesDone.filter((d) => d.stage === 'phoneCall').map((d) => d.at)].filter((a): a is string => Boolean(a)).sort().at(-1);

/** Another open invoice of the customer planned as its own PlanTimeline would plan it now. */
export const siblingPlan = (
  s: SiblingCase,
  ctx: { customer: Customer; policy: Policy; now: Date; paymentClaimGraceDays?: number | undefined; companyClosures?: readonly Closure[] | undefined },
): TimelinePlan =>
  planTimeline({
    invoice: s.invoice,
    customer: ctx.customer,
    policy: ctx.policy,
    stagesDone: s.stagesDone,
    ...(lastTouch(s.invoice, s.stagesDone) ? { lastContactAt: lastTouch(s.invoice, s.stagesDone)! } : {}),
    ...(ctx.paymentClaimGraceDays ? { paymentClaimGraceDays: ctx.paymentClaimGraceDays } : {}),
    ...(ctx.companyClosures ? { companyClosures: ctx.companyClosures } : {}),
    ignoredEmails: ignoredEmailsInARow(s.events),
    now: ctx.now,
  });

export interface Companion {
  invoice: Invoice;
  stage: Stage;
}

/** At most this many invoices share one message (the claim is one DynamoDB transaction). */
export const MAX_COMPANIONS = 20;

const isWritten = (s: Stage | 'none'): s is Stage => (WRITTEN_STAGES as readonly string[]).includes(s);

export const companionsFor = (input: {
  trigger: Invoice;
  customer: Customer;
  policy: Policy;
  siblings: SiblingCase[];
  now: Date;
  paymentClaimGraceDays?: number;
  companyClosures?: readonly Closure[];
}): Companion[] => {
  const { trigger, customer, now } = input;
  const today = localDay(now, customer.timeZone);
  const out: Companion[] = [];
  for (const s of input.siblings) {
    const inv = s.invoice;
    if (inv.invoiceId === trigger.invoiceId || inv.customerId !== trigger.customerId || inv.status !== 'open' || inv.needsContact) continue;
    const plan = siblingPlan(s, input);
    if (plan.mode !== 'timeline' || !isWritten(plan.next)) continue;
    if (localDay(new Date(plan.at[plan.next]), customer.timeZone) > today) continue;
    out.push({ invoice: inv, stage: plan.next });
  }
  // Most overdue first, so the cap keeps the invoices that matter most.
  return out.sort((a, b) => a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.invoice.invoiceId.localeCompare(b.invoice.invoiceId)).slice(0, MAX_COMPANIONS);
};

/** The combined message speaks with the firmest stage among its invoices, never firmer. */
export const firmestStage = (stages: readonly Stage[]): Stage => stages.reduce((a, b) => (stageIndex(b) > stageIndex(a) ? b : a));
