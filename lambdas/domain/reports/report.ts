/**
 * The weekly ageing report the finance team finds in its inbox on Monday morning (and reads
 * through the admin API any day): what is owed, how late, by whom, what moved this week, and
 * whether the chase works. Pure: the inputs come from the open-by-due index, the activity feed,
 * the call queues and the customers (adapters/dynamo-report.ts).
 *
 * Every amount is integer minor units in one currency: totals are per currency, never summed
 * across currencies.
 *
 * DSO (days sales outstanding), the simple ("average") method, per currency:
 *   DSO = receivables today / credit sales of the last 90 days × 90
 * receivables = amount still due on every invoice still chased (the open index), credit sales =
 * the amounts of the invoices issued in the 90 days up to today. Invoices handed to the agency
 * are reported apart (withAgency) and not counted. No credit sales in the period: DSO is null.
 */
import { AGEING_BUCKETS, bucketFor, daysPastDue, type AgeingBucket } from './ageing.js';
import { creditSalesOf, daysOf, dsoRows, totalsFromDays } from './ageing-days.js';
import { dsoTrend, type DsoPoint } from './dso-trend.js';
import { withoutReversed, type ActivityItem, type ClosedActivity, type CollectedActivity, type ReversedActivity, type StageBefore } from './activity.js';
import { amountDue, type Customer, type Invoice, type Policy, type PolicyRef, type Tenant } from '../model.js';
import { outcomeAnalytics, stageOrder, type OutcomeAnalytics, type Reorder } from './outcomes.js';
import { policyFor } from '../timeline/policies.js';
import { habitOf } from '../timeline/payment-habit.js';
import type { HoldBasis } from '../timeline/hold-basis.js';
import { addDays, localDay } from '../shared/days.js';

export const DSO_PERIOD_DAYS = 90;
/** Week ends the DSO trend shows, today's included. */
export const DSO_TREND_WEEKS = 12;

/**
 * When the report goes out unless configured otherwise: Monday 08:00 in Rome. The CDK schedule
 * (cron with ScheduleExpressionTimezone) and the local scheduler both start from these values.
 */
export const REPORT_SCHEDULE = { weekday: 1, time: '08:00', timeZone: 'Europe/Rome', cron: 'cron(0 8 ? * MON *)' } as const;

export type Buckets = Record<AgeingBucket, number>;

export interface ReportCustomer {
  customerId: string;
  name: string;
  policy?: PolicyRef;
  segment?: string;
  creditHold?: Customer['creditHold'];
  paymentHistory?: Customer['paymentHistory'];
}

/** One entry of a day's call queue (keys.callTask), done once its outcome was logged. */
export interface CallEntry {
  day: string;
  customerId: string;
  invoiceId: string;
  done: boolean;
}

/** A stored record the model could not read: left out of the report (and logged), never failing it for everyone. */
export interface UnreadableRecord {
  key: string;
  problem: string;
}

export interface ReportInput {
  tenant: Pick<Tenant, 'tenantId' | 'name' | 'timeZone' | 'defaultPolicy'> & Partial<Pick<Tenant, 'segmentPolicies'>>;
  /** The company's own policies (latest versions); absent: only the built-ins. */
  companyPolicies?: readonly Policy[];
  now: Date;
  /** Every invoice still chased (the open-by-due index). */
  open: readonly Invoice[];
  /** At least the customers of the open invoices and of the escalations in the window. */
  customers: readonly ReportCustomer[];
  /** The activity feed from analyticsWindow(today).from to today. */
  activity: readonly ActivityItem[];
  /** The call queues of the report's week and today. */
  calls: readonly CallEntry[];
  reorders: readonly Reorder[];
  /** Records left out because they could not be read. */
  unreadable?: readonly UnreadableRecord[];
}

export interface InvoiceRow {
  invoiceId: string;
  number: string;
  customerId: string;
  customerName: string;
  currency: string;
  amountDue: number;
  dueDate: string;
  daysPastDue: number;
}

export interface AgeingReport {
  tenantId: string;
  tenantName: string;
  generatedAt: string;
  timeZone: string;
  /** The tenant's local date of the report. */
  today: string;
  /** The week reported on: the seven days before today. */
  week: { from: string; to: string };
  totals: { currency: string; buckets: Buckets; total: number; invoices: number }[];
  customers: { customerId: string; name: string; currency: string; buckets: Buckets; total: number; invoices: number; onHold: boolean; habitualLatePayer: boolean }[];
  dso: {
    method: 'simple';
    periodDays: number;
    currencies: { currency: string; receivables: number; creditSales: number; days: number | null }[];
    /** The same DSO at the end of each of the last DSO_TREND_WEEKS weeks, oldest first (dso-trend.ts). */
    trend: DsoPoint[];
  };
  promises: (InvoiceRow & { promiseDate: string; recordedOn: string; promised: number; instalment: boolean })[];
  brokenPromises: (InvoiceRow & { promiseDate: string; brokenOn: string })[];
  disputes: (InvoiceRow & { reason: string; openedAt: string })[];
  callsDue: (InvoiceRow & { day: string })[];
  creditHolds: { customerId: string; name: string; placedAt: string; invoiceId: string; reason: string; basis?: HoldBasis }[];
  needsContact: InvoiceRow[];
  results: {
    /** Payments recorded in the week and not taken back since. */
    collected: { currency: string; amount: number; payments: number }[];
    /** Payments recorded before the week and taken back in it (a bank return, an undone match). */
    takenBack: { currency: string; amount: number; payments: number }[];
    byStage: { stage: StageBefore; currency: string; amount: number; payments: number }[];
  };
  /** Escalated in the analytics window and not paid since: with the collection agency. */
  withAgency: { currency: string; amount: number; invoices: number }[];
  outcomes: OutcomeAnalytics;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const emptyBuckets = (): Buckets => Object.fromEntries(AGEING_BUCKETS.map((b) => [b, 0])) as Buckets;
const sumBuckets = (b: Buckets): number => AGEING_BUCKETS.reduce((s, k) => s + b[k], 0);

/** Sums amounts per currency; never across currencies. */
const perCurrency = <T>(items: readonly T[], currency: (t: T) => string, amount: (t: T) => number) => {
  const out = new Map<string, { amount: number; count: number }>();
  for (const it of items) {
    const c = currency(it);
    const row = out.get(c) ?? { amount: 0, count: 0 };
    row.amount += amount(it);
    row.count += 1;
    out.set(c, row);
  }
  return [...out.entries()].sort(([a], [b]) => byText(a, b));
};

export const buildAgeingReport = (input: ReportInput): AgeingReport => {
  const today = localDay(input.now, input.tenant.timeZone);
  const week = { from: addDays(today, -7), to: addDays(today, -1) };
  const inWeek = (d: string) => d >= week.from && d <= week.to;
  const customers = new Map(input.customers.map((c) => [c.customerId, c]));
  const nameOf = (id: string) => customers.get(id)?.name ?? id;
  const owed = input.open.filter((i) => amountDue(i) > 0);

  // Date arithmetic is the costly part at 100,000 invoices: there are only a few hundred due dates.
  const lateness = new Map<string, number>();
  const lateOf = (dueDate: string): number => {
    let d = lateness.get(dueDate);
    if (d === undefined) lateness.set(dueDate, (d = daysPastDue(dueDate, today)));
    return d;
  };

  const row = (inv: Pick<Invoice, 'invoiceId' | 'number' | 'customerId' | 'currency' | 'dueDate'>, due: number): InvoiceRow => ({
    invoiceId: inv.invoiceId,
    number: inv.number,
    customerId: inv.customerId,
    customerName: nameOf(inv.customerId),
    currency: inv.currency,
    amountDue: due,
    dueDate: inv.dueDate,
    daysPastDue: lateOf(inv.dueDate),
  });
  const invoiceRow = (inv: Invoice) => row(inv, amountDue(inv));
  const byCustomerThenDue = (a: InvoiceRow, b: InvoiceRow) =>
    byText(a.customerName, b.customerName) || byText(a.dueDate, b.dueDate) || byText(a.number, b.number);

  // Ageing: per currency (the same sums the stream keeps per due day: ageing-days.ts), and per customer and currency.
  const totals = totalsFromDays(daysOf(owed.map((i) => ({ currency: i.currency, dueDate: i.dueDate, amount: amountDue(i) }))), today);

  const perCustomer = new Map<string, { customerId: string; currency: string; buckets: Buckets; invoices: number }>();
  for (const inv of owed) {
    const key = `${inv.customerId}\u0000${inv.currency}`;
    const r = perCustomer.get(key) ?? { customerId: inv.customerId, currency: inv.currency, buckets: emptyBuckets(), invoices: 0 };
    r.buckets[bucketFor(lateOf(inv.dueDate))] += amountDue(inv);
    r.invoices += 1;
    perCustomer.set(key, r);
  }
  const company = new Map((input.companyPolicies ?? []).map((p) => [p.id, p]));
  const policyOfCustomer = (id: string): Policy => policyFor(customers.get(id) ?? {}, input.tenant, company);
  const habitualLatePayer = (id: string): boolean => habitOf(customers.get(id)?.paymentHistory ?? {}, policyOfCustomer(id)).habitual;
  const customerRows = [...perCustomer.values()]
    .map((r) => ({
      customerId: r.customerId,
      name: nameOf(r.customerId),
      currency: r.currency,
      buckets: r.buckets,
      total: sumBuckets(r.buckets),
      invoices: r.invoices,
      onHold: customers.get(r.customerId)?.creditHold !== undefined,
      habitualLatePayer: habitualLatePayer(r.customerId),
    }))
    // Per currency, the largest debts first.
    .sort((a, b) => byText(a.currency, b.currency) || b.total - a.total || byText(a.name, b.name));

  // DSO (simple method, see the header).
  const receivablesBy = new Map(perCurrency(owed, (i) => i.currency, amountDue).map(([c, r]) => [c, r.amount]));
  const dsoCurrencies = dsoRows(receivablesBy, creditSalesOf(input.activity, today, DSO_PERIOD_DAYS), DSO_PERIOD_DAYS);

  // This week's promises and broken promises, from the activity feed.
  const promises = input.activity
    .filter((a) => a.kind === 'promised' && inWeek(a.date))
    .map((a) => {
      const p = a as Extract<ActivityItem, { kind: 'promised' }>;
      return { ...row(p, p.amount), promiseDate: p.promiseDate, recordedOn: p.date, promised: p.amount, instalment: p.instalment };
    })
    .sort((a, b) => byText(a.promiseDate, b.promiseDate) || byCustomerThenDue(a, b));
  const brokenPromises = input.activity
    .filter((a) => a.kind === 'promiseBroken' && inWeek(a.date))
    .map((a) => {
      const p = a as Extract<ActivityItem, { kind: 'promiseBroken' }>;
      return { ...row(p, p.amount), promiseDate: p.promiseDate, brokenOn: p.date };
    })
    .sort((a, b) => byText(a.brokenOn, b.brokenOn) || byCustomerThenDue(a, b));

  const disputes = input.open
    .filter((i) => i.status === 'disputed')
    .map((i) => ({ ...invoiceRow(i), reason: i.dispute?.reason ?? 'other', openedAt: i.dispute?.openedAt ?? i.updatedAt }))
    .sort((a, b) => byText(a.openedAt, b.openedAt));

  // Calls planned for the week or today that nobody has logged an outcome for.
  const openById = new Map(input.open.map((i) => [i.invoiceId, i]));
  const callsDue = input.calls
    .filter((c) => !c.done && c.day >= week.from && c.day <= today && openById.has(c.invoiceId))
    .map((c) => ({ ...invoiceRow(openById.get(c.invoiceId)!), day: c.day }))
    .sort((a, b) => byText(a.day, b.day) || byCustomerThenDue(a, b));

  const creditHolds = input.customers
    .filter((c) => c.creditHold)
    .map((c) => ({ customerId: c.customerId, name: c.name, placedAt: c.creditHold!.placedAt, invoiceId: c.creditHold!.invoiceId, reason: c.creditHold!.reason, ...(c.creditHold!.basis ? { basis: c.creditHold!.basis } : {}) }))
    .sort((a, b) => byText(a.placedAt, b.placedAt) || byText(a.name, b.name));

  const needsContact = owed.filter((i) => i.needsContact).map(invoiceRow).sort(byCustomerThenDue);

  // The week's results: money in, per currency and per stage that preceded it.
  // A payment taken back since does not count; one collected before the week and taken back in it is shown apart.
  const kept = withoutReversed(input.activity);
  const collected = kept.filter((a): a is CollectedActivity => a.kind === 'collected' && inWeek(a.date));
  const collectedBefore = new Map(
    input.activity.filter((a): a is CollectedActivity => a.kind === 'collected').map((a) => [`${a.invoiceId}\u0000${a.paymentId}`, a.date]),
  );
  const takenBack = input.activity.filter(
    (a): a is ReversedActivity => a.kind === 'reversed' && inWeek(a.date) && (collectedBefore.get(`${a.invoiceId}\u0000${a.paymentId}`) ?? '') < week.from,
  );
  const byStage = new Map<string, { stage: StageBefore; currency: string; amount: number; payments: number }>();
  for (const c of collected) {
    const key = `${c.afterStage}\u0000${c.currency}`;
    const r = byStage.get(key) ?? { stage: c.afterStage, currency: c.currency, amount: 0, payments: 0 };
    r.amount += c.amount;
    r.payments += 1;
    byStage.set(key, r);
  }

  // With the agency: escalated in the window and not paid since.
  const closed = kept.filter((a): a is ClosedActivity => a.kind === 'closed');
  const settledOn = new Map<string, string>();
  for (const a of closed) {
    if (a.outcome !== 'escalated' && a.date > (settledOn.get(a.invoiceId) ?? '')) settledOn.set(a.invoiceId, a.date);
  }
  const settledAfter = (a: ClosedActivity) => (settledOn.get(a.invoiceId) ?? '') >= a.date;
  const withAgencyItems = closed.filter((a) => a.outcome === 'escalated' && !settledAfter(a));

  const policyOf = (inv: Invoice): Policy => policyOfCustomer(inv.customerId);

  return {
    tenantId: input.tenant.tenantId,
    tenantName: input.tenant.name,
    generatedAt: input.now.toISOString(),
    timeZone: input.tenant.timeZone,
    today,
    week,
    totals,
    customers: customerRows,
    dso: {
      method: 'simple',
      periodDays: DSO_PERIOD_DAYS,
      currencies: dsoCurrencies,
      trend: dsoTrend({ today, receivables: receivablesBy, activity: input.activity, periodDays: DSO_PERIOD_DAYS, weeks: DSO_TREND_WEEKS }),
    },
    promises,
    brokenPromises,
    disputes,
    callsDue,
    creditHolds,
    needsContact,
    results: {
      collected: perCurrency(collected, (c) => c.currency, (c) => c.amount).map(([currency, r]) => ({ currency, amount: r.amount, payments: r.count })),
      takenBack: perCurrency(takenBack, (a) => a.currency, (a) => a.amount).map(([currency, r]) => ({ currency, amount: r.amount, payments: r.count })),
      byStage: [...byStage.values()].sort((a, b) => byText(a.currency, b.currency) || stageOrder(a.stage) - stageOrder(b.stage)),
    },
    withAgency: perCurrency(withAgencyItems, (a) => a.currency, (a) => a.amount).map(([currency, r]) => ({ currency, amount: r.amount, invoices: r.count })),
    outcomes: outcomeAnalytics({ today, activity: kept, open: input.open, policyOf, reorders: input.reorders }),
  };
};

