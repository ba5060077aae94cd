/**
 * The figures of one policy's replay, from its invoice runs (simulate.ts), all expected values:
 *
 * - Messages per customer-day, the way the product sends them (docs/timeline.md, "One voice per
 *   customer"): every invoice of a customer with a stage on the same local day rides in one
 *   message, so a customer-day counts once. With invoice i still open on that day with chance r_i
 *   (independently), the day carries an e-mail with chance 1 − Π(1 − r_i) over its written
 *   stages, an SMS over the stages that text, a call over the calls; a contact, over all of them.
 * - Customers contacted more than `contactLimit` times in a month: expected contacts that month.
 * - SMS cost: expected SMS days × the price of one SMS.
 * - Days to the credit hold and to the hand-off: days from the due date on the day the plan puts
 *   them (median over the invoices whose plan has them), and how many are expected to get there.
 * - Recovered within 30/60/90 days of the start, per currency; DSO as the amount-weighted expected
 *   days from issue to payment, an invoice still unpaid at the last horizon counted at it.
 * Pure.
 */
import { median } from '../reports/outcomes.js';
import { dayNumber } from './sim-days.js';
import type { InvoiceRun, Milestone } from './simulate.js';

export const RECOVERY_HORIZONS = [30, 60, 90] as const;
/** "Contacted more than N times a month": N unless the request says otherwise. */
export const DEFAULT_CONTACT_LIMIT = 4;
/**
 * Price of one SMS when the request names none: 8 euro cents, about what AWS End User Messaging
 * SMS charges for one message to an Italian mobile number (2025 price list, outbound, before
 * taxes); an assumption to replace with the company's own contract.
 */
export const DEFAULT_SMS_PRICE = { minor: 8, currency: 'EUR' } as const;

export interface MetricOptions {
  contactLimit: number;
  smsPrice: { minor: number; currency: string };
}

export interface ChannelCounts {
  email: number;
  sms: number;
  call: number;
}

export interface MonthMessages extends ChannelCounts {
  month: string;
  /** Customers with a contact that month in any run (planned, whatever the chance). */
  customers: number;
  perCustomer: ChannelCounts;
}

export interface CustomerMonth extends ChannelCounts {
  month: string;
  /** Expected days with any contact (a message or a call). */
  contacts: number;
}

export interface MilestoneFigures {
  /** Invoices whose plan has the stage. */
  planned: number;
  /** Expected invoices still unpaid when it comes. */
  expectedReaching: number;
  /** Median days from the due date, over the planned ones; null when none. */
  medianDaysLate: number | null;
  /** Median days from the start of the replay, over the planned ones. */
  medianDaysFromStart: number | null;
}

export interface CurrencyRecovery {
  currency: string;
  /** What is chased, minor units. */
  chased: number;
  within: { days: number; amount: number; share: number }[];
  /** Expected days from issue to payment, amount-weighted; unpaid at the last horizon counted at it. */
  dsoDays: number;
}

export interface PolicyFigures {
  invoices: number;
  messages: ChannelCounts;
  byMonth: MonthMessages[];
  customers: { customerId: string; months: CustomerMonth[] }[];
  overLimit: { limit: number; customers: number; customerMonths: number; worst: { customerId: string; month: string; contacts: number }[] };
  sms: { messages: number; priceMinor: number; currency: string; costMinor: number };
  creditHold: MilestoneFigures;
  handOff: MilestoneFigures;
  recovery: CurrencyRecovery[];
}

interface DayMix {
  /** Π(1 − r) per channel and over any contact. */
  email: number;
  sms: number;
  call: number;
  any: number;
}

const milestoneFigures = (runs: readonly InvoiceRun[], pick: (r: InvoiceRun) => Milestone | undefined): MilestoneFigures => {
  const late: number[] = [];
  const fromStart: number[] = [];
  let reaching = 0;
  for (const r of runs) {
    const m = pick(r);
    if (!m) continue;
    late.push(m.daysLate);
    fromStart.push(dayNumber(m.day) - dayNumber(r.startDay));
    reaching += m.reach;
  }
  return { planned: late.length, expectedReaching: reaching, medianDaysLate: median(late), medianDaysFromStart: median(fromStart) };
};

const recoveryOf = (runs: readonly InvoiceRun[]): CurrencyRecovery[] => {
  const last = RECOVERY_HORIZONS.at(-1)!;
  const by = new Map<string, { chased: number; within: number[]; dayWeighted: number }>();
  for (const r of runs) {
    const c = by.get(r.currency) ?? { chased: 0, within: RECOVERY_HORIZONS.map(() => 0), dayWeighted: 0 };
    const start = dayNumber(r.startDay);
    const issue = dayNumber(r.issueDate);
    c.chased += r.amount;
    let paidByLast = 0;
    for (const p of r.payments) {
      const day = dayNumber(p.day);
      RECOVERY_HORIZONS.forEach((h, i) => {
        if (day <= start + h) c.within[i]! += p.probability * r.amount;
      });
      if (day <= start + last) {
        paidByLast += p.probability;
        c.dayWeighted += p.probability * r.amount * Math.max(0, day - issue);
      }
    }
    c.dayWeighted += (1 - paidByLast) * r.amount * Math.max(0, start + last - issue);
    by.set(r.currency, c);
  }
  return [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, c]) => ({
      currency,
      chased: c.chased,
      within: RECOVERY_HORIZONS.map((days, i) => ({ days, amount: Math.round(c.within[i]!), share: c.chased > 0 ? c.within[i]! / c.chased : 0 })),
      dsoDays: c.chased > 0 ? c.dayWeighted / c.chased : 0,
    }));
};

export const policyFigures = (runs: readonly InvoiceRun[], options: MetricOptions): PolicyFigures => {
  // 1. One voice: every customer-day once, with the chance of each channel that day.
  const days = new Map<string, Map<string, DayMix>>();
  for (const r of runs) {
    let own = days.get(r.customerId);
    if (!own) days.set(r.customerId, (own = new Map()));
    for (const c of r.contacts) {
      if (c.channels.length === 0) continue;
      const mix = own.get(c.day) ?? { email: 1, sms: 1, call: 1, any: 1 };
      const miss = 1 - c.reach;
      for (const ch of c.channels) mix[ch] *= miss;
      mix.any *= miss;
      own.set(c.day, mix);
    }
  }

  // 2. Per customer and month; per month over the customers.
  const months = new Map<string, MonthMessages>();
  const customers: PolicyFigures['customers'] = [];
  const total: ChannelCounts = { email: 0, sms: 0, call: 0 };
  for (const [customerId, own] of [...days.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const perMonth = new Map<string, CustomerMonth>();
    for (const [day, mix] of own) {
      const month = day.slice(0, 7);
      const m = perMonth.get(month) ?? { month, email: 0, sms: 0, call: 0, contacts: 0 };
      m.email += 1 - mix.email;
      m.sms += 1 - mix.sms;
      m.call += 1 - mix.call;
      m.contacts += 1 - mix.any;
      perMonth.set(month, m);
    }
    const list = [...perMonth.values()].sort((a, b) => a.month.localeCompare(b.month));
    customers.push({ customerId, months: list });
    for (const m of list) {
      const all = months.get(m.month) ?? { month: m.month, email: 0, sms: 0, call: 0, customers: 0, perCustomer: { email: 0, sms: 0, call: 0 } };
      all.email += m.email;
      all.sms += m.sms;
      all.call += m.call;
      all.customers += 1;
      months.set(m.month, all);
      total.email += m.email;
      total.sms += m.sms;
      total.call += m.call;
    }
  }
  const byMonth = [...months.values()]
    .sort((a, b) => a.month.localeCompare(b.month))
    .map((m) => ({ ...m, perCustomer: { email: m.email / m.customers, sms: m.sms / m.customers, call: m.call / m.customers } }));

  // 3. Over the limit
  const over = customers.flatMap((c) => c.months.filter((m) => m.contacts > options.contactLimit).map((m) => ({ customerId: c.customerId, month: m.month, contacts: m.contacts })));
  const worst = [...over].sort((a, b) => b.contacts - a.contacts || a.customerId.localeCompare(b.customerId) || a.month.localeCompare(b.month)).slice(0, 20);

  return {
    invoices: runs.length,
    messages: total,
    byMonth,
    customers,
    overLimit: { limit: options.contactLimit, customers: new Set(over.map((o) => o.customerId)).size, customerMonths: over.length, worst },
    sms: { messages: total.sms, priceMinor: options.smsPrice.minor, currency: options.smsPrice.currency, costMinor: Math.round(total.sms * options.smsPrice.minor) },
    creditHold: milestoneFigures(runs, (r) => r.creditHold),
    handOff: milestoneFigures(runs, (r) => r.handOff),
    recovery: recoveryOf(runs),
  };
};
