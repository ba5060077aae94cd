/**
 * One call per customer per day: when one invoice reaches its phoneCall stage, the finance team
 * gets one call for the customer, covering every invoice whose call is due that day (their stage
 * is done by that call), with the customer's other overdue invoices and the totals per currency
 * as talking points. Pure: the siblings and `now` come in.
 */
import type { Closure, Customer, Invoice, Policy, Tenant } from '../model.js';
import type { CallSheet, MessageLine } from '../messages/rendering/types.js';
import { ignoredEmailsInARow, unheardEscalation } from './engagement.js';
import { MAX_COMPANIONS, siblingPlan, type SiblingCase } from './consolidation.js';
import { renderCallSheet } from '../messages/rendering/call-sheet.js';
import { fill, localeStrings } from '../messages/rendering/strings.js';
import { formatMoney, localeFor, totalsByCurrency, type CurrencyTotal } from '../shared/format.js';
import { localDay } from '../shared/days.js';

/** Another open invoice of the customer, with its contact log (the engagement that may bring its call forward). */
export type CallSibling = SiblingCase;

export interface CallGroup {
  /**
   * Other invoices whose phoneCall stage is due by the end of the call's day, or came forward
   * (engagement.ts): on this call, their stage done by it.
   */
  onCall: Invoice[];
  /** The customer's other overdue invoices, whose own call is not due yet: talking points only. */
  alsoOverdue: Invoice[];
}

const byDue = (a: Invoice, b: Invoice) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId);

/**
 * Sorts the customer's other open invoices into those the call covers and those it only mentions.
 * `day` is the queue day in `timeZone` (the tenant's): a sibling whose call is planned for that day
 * or before rides along, most overdue first, at most MAX_COMPANIONS (one DynamoDB transaction).
 */
export const callGroupFor = (input: {
  trigger: Invoice;
  customer: Customer;
  policy: Policy;
  siblings: readonly CallSibling[];
  now: Date;
  day: string;
  timeZone: string;
  paymentClaimGraceDays?: number;
  companyClosures?: readonly Closure[];
}): CallGroup => {
  const { trigger, customer, policy, now } = input;
  const customerToday = localDay(now, customer.timeZone);
  const due: Invoice[] = [];
  const overdue: Invoice[] = [];
  for (const s of input.siblings) {
    const inv = s.invoice;
    if (inv.invoiceId === trigger.invoiceId || inv.customerId !== trigger.customerId || inv.status !== 'open') continue;
    const isOverdue = inv.dueDate < customerToday;
    if (!inv.needsContact) {
      const plan = siblingPlan(s, input);
      // A call brought forward (unheard, cannot be texted) is wanted as soon as possible: this one is it.
      const forward = unheardEscalation(ignoredEmailsInARow(s.events), policy, customer) === 'callForward';
      if (plan.mode === 'timeline' && plan.next === 'phoneCall' && (forward || localDay(new Date(plan.at.phoneCall), input.timeZone) <= input.day)) {
        due.push(inv);
        continue;
      }
    }
    if (isOverdue) overdue.push(inv);
  }
  due.sort(byDue);
  // Beyond the cap an invoice is still talked about; its own execution adds it to the call later.
  return { onCall: due.slice(0, MAX_COMPANIONS), alsoOverdue: [...due.slice(MAX_COMPANIONS), ...overdue].sort(byDue) };
};

export interface CallSheetInput {
  tenant: Tenant;
  customer: Customer;
  policy: Policy;
  now: Date;
  /** The invoices on the call (the one that reached its stage first). */
  onCall: MessageLine[];
  /** The customer's other overdue invoices. */
  alsoOverdue: MessageLine[];
  /** A promise the customer made on one of them and broke. */
  promiseDate?: string;
}

export interface CustomerCallSheet extends CallSheet {
  /** What the customer owes on all the invoices the call talks about, per currency. */
  totals: CurrencyTotal[];
}

/**
 * The call sheet in the finance team's language: the usual talking points over every invoice the
 * call talks about, then one point per invoice on the call, one per other overdue invoice (amount
 * due and days late), and the total per currency.
 */
export const customerCallSheet = (input: CallSheetInput): CustomerCallSheet => {
  if (input.onCall.length === 0) throw new RangeError('customerCallSheet: onCall must hold at least one invoice');
  const all = [...input.onCall, ...input.alsoOverdue];
  const base = renderCallSheet({
    kind: 'phoneCall',
    tone: input.policy.stages.phoneCall?.tone ?? input.policy.tone,
    language: input.tenant.language,
    tenant: input.tenant,
    customer: input.customer,
    lines: all,
    now: input.now,
    ...(input.promiseDate ? { facts: { promiseDate: input.promiseDate } } : {}),
  });
  const strings = localeStrings(input.tenant.language);
  const locale = localeFor(input.tenant.language);
  const L = strings.labels;
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  // A statement row in words: "Invoice number 2026/7 · Amount due €1,200.00 · Days late 15".
  const point = (l: MessageLine) =>
    `${L.invoiceNumber} ${l.invoice.number} · ${L.amountDue} ${money(l.amountDue, l.invoice.currency)} · ${L.daysLate} ${l.daysLate}`;
  const totals = totalsByCurrency(all.map((l) => ({ currency: l.invoice.currency, amount: l.amountDue })));
  const [contact, ...rest] = base.talkingPoints;
  return {
    summary: base.summary,
    talkingPoints: [
      ...(contact ? [contact] : []),
      ...input.onCall.map(point),
      ...input.alsoOverdue.map((l) => `${L.overdue}: ${point(l)}`),
      ...totals.map((t) => `${fill(L.totalIn, { currency: t.currency })}: ${money(t.amount, t.currency)}`),
      ...rest,
    ],
    totals,
  };
};
