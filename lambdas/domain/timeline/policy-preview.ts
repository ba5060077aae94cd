/**
 * What a policy would do to one sample invoice: each stage that acts, on which local day and hour,
 * by which channels, planned by the real planner from the day the invoice is issued, with the
 * company's closures (a stage that would fall in the August break moves after it) and the
 * deployment's send spread (a written stage at 09:00 shows the second it leaves at). Pure.
 */
import { Customer, Invoice, type Currency, type Policy, type Tenant } from '../model.js';
import { addDays, localDay } from '../shared/days.js';
import { openingOn, sendContext } from './calendar.js';
import { walkTimeline } from './walk.js';
import type { SendSpread } from './send-spread.js';
import { STAGE_ACTION, STAGE_IDS, extraIdOf, isExtraStep, type Stage, type Step } from './stages.js';

export interface PreviewSample {
  issueDate: string;
  /** Default: issueDate + 30 days. */
  dueDate?: string;
  amountMinor: number;
  currency: Currency;
}

export interface PreviewStage {
  /** A known stage, or `extra:<id>` for one of the policy's extra reminders. */
  stage: Step;
  /** The customer's local date and time of the stage. */
  at: string;
  day: string;
  daysFromDue: number;
  channels: string[];
}

export interface PolicyPreview {
  invoice: { issueDate: string; dueDate: string; amountMinor: number; currency: Currency };
  stages: PreviewStage[];
  /** Stages the policy has on that do not act on this invoice (a hold below its minimum amount, a check an e-invoice makes unneeded). */
  notActing: Stage[];
  reason: string;
}

const dayDiff = (a: string, b: string): number => Math.round((Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000);

/** `sendSpread`: the deployment's (deploy settings), so a written stage at the opening shows the slot it leaves at, as PlanTimeline places it. */
export const previewPolicy = (
  policy: Policy,
  tenant: Pick<Tenant, 'tenantId' | 'country' | 'timeZone' | 'language'> & Partial<Pick<Tenant, 'closures'>>,
  sample: PreviewSample,
  sendSpread?: SendSpread,
): PolicyPreview => {
  const dueDate = sample.dueDate ?? addDays(sample.issueDate, 30);
  const customer = Customer.parse({
    tenantId: tenant.tenantId, customerId: 'SAMPLE', name: 'Sample customer', country: tenant.country, language: tenant.language,
    timeZone: tenant.timeZone, email: 'sample@example.invalid', phone: '+390212345678',
  });
  const invoice = Invoice.parse({
    tenantId: tenant.tenantId, invoiceId: 'SAMPLE', number: 'SAMPLE-1', customerId: 'SAMPLE', issueDate: sample.issueDate, dueDate,
    currency: sample.currency, amount: sample.amountMinor, status: 'open', createdAt: `${sample.issueDate}T00:00:00.000Z`, updatedAt: `${sample.issueDate}T00:00:00.000Z`,
  });
  // Planned the morning the invoice is issued, before any stage is due.
  const now = openingOn(sample.issueDate, sendContext(customer, policy));
  const { first: plan, steps } = walkTimeline({
    invoice, customer, policy, stagesDone: [],
    ...(tenant.closures?.length ? { companyClosures: tenant.closures } : {}),
    ...(sendSpread ? { sendSpread } : {}),
    now: new Date(now.getTime() - 3_600_000),
  });
  const stages = steps.map(({ step, at: instant }): PreviewStage => {
    const at = new Date(instant);
    const day = localDay(at, customer.timeZone);
    const sms = isExtraStep(step) ? policy.extraReminders.find((e) => e.id === extraIdOf(step))?.sms : policy.stages[step]!.sms;
    const channels = !isExtraStep(step) && STAGE_ACTION[step] === 'call' ? ['call'] : sms ? ['email', 'sms'] : ['email'];
    return { stage: step, at: at.toLocaleString('sv-SE', { timeZone: customer.timeZone }).replace(' ', 'T'), day, daysFromDue: dayDiff(day, dueDate), channels };
  });
  const acting = new Set<string>(steps.map((s) => s.step));
  const notActing = STAGE_IDS.filter((s) => policy.stages[s]?.enabled && !acting.has(s));
  return { invoice: { issueDate: sample.issueDate, dueDate, amountMinor: sample.amountMinor, currency: sample.currency }, stages, notActing, reason: plan.reason };
};
