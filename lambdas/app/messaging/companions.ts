/**
 * The other invoices of the customer that one message (domain/timeline/customer-day.ts) or one
 * call (domain/calls.ts) also covers.
 */
import pLimit from 'p-limit';
import { LIMITS, type Customer, type Invoice, type Payment, type Policy, type Tenant } from '../../domain/model.js';
import type { InvoiceView } from '../ports/invoices.js';
import { callGroupFor, type CallGroup } from '../../domain/timeline/calls.js';
import type { SiblingCase } from '../../domain/timeline/consolidation.js';
import { itemsDueToday, type DayItem } from '../../domain/timeline/customer-day.js';
import type { TimelinePorts } from '../timeline/ports.js';
import { localDay } from '../../domain/shared/days.js';

/** How far back a paid invoice may still owe its thank-you (it waits for the send window, a few days at most). */
const THANK_YOU_WITHIN_MS = 7 * 86_400_000;

/**
 * The views of at most LIMITS.siblingsRead of `others`, the most overdue first, with at most
 * LIMITS.siblingReadsInFlight reads at once; an invoice gone since the list was read is left out.
 */
const readSiblingViews = async (store: TimelinePorts['invoices'], others: readonly Invoice[]): Promise<InvoiceView[]> => {
  const run = pLimit(LIMITS.siblingReadsInFlight);
  const chosen = [...others].sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceId.localeCompare(b.invoiceId)).slice(0, LIMITS.siblingsRead);
  const views = await Promise.all(chosen.map((i) => run(() => store.getInvoiceView(i.tenantId, i.invoiceId))));
  return views.flatMap((v) => (v ? [v] : []));
};

/** What the customer's other invoices have to say today, read once for one message (domain/timeline/customer-day.ts). */
export interface CustomerDay {
  items: DayItem[];
  /** The other invoices read, with their log and payments: the open ones are the lines a firm message lists. */
  siblings: (SiblingCase & { payments: readonly Payment[] })[];
}

export const readCustomerDay = async (
  deps: Pick<TimelinePorts, 'invoices'>,
  req: { invoice: Invoice; customer: Customer; policy: Policy; tenant: Tenant },
  now: Date,
): Promise<CustomerDay> => {
  const store = deps.invoices;
  const since = new Date(now.getTime() - THANK_YOU_WITHIN_MS).toISOString();
  const others = (await store.customerInvoicesInPlay(req.invoice.tenantId, req.invoice.customerId, since)).filter(
    (i) => i.invoiceId !== req.invoice.invoiceId && !i.needsContact,
  );
  const views = await readSiblingViews(store, others);
  const siblings = views.map((v) => ({ invoice: v.invoice, stagesDone: v.stagesDone, events: v.events, payments: v.payments }));
  const items = itemsDueToday(siblings, { customer: req.customer, policy: req.policy, now, paymentClaimGraceDays: req.tenant.paymentClaimGraceDays, companyClosures: req.tenant.closures });
  return { items, siblings };
};

/**
 * The customer's other open invoices, sorted for one call (domain/calls.ts): those whose call is
 * due by the end of `day` ride on it, the other overdue ones are only talked about. Only invoices
 * past their due date are read in full: nothing else can be on a call or overdue.
 */
export const findCallGroup = async (
  deps: Pick<TimelinePorts, 'invoices'>,
  req: { invoice: Invoice; customer: Customer; policy: Policy; tenant: Tenant },
  now: Date,
  day: string,
): Promise<CallGroup> => {
  const store = deps.invoices;
  const customerToday = localDay(now, req.customer.timeZone);
  const others = (await store.openInvoicesOfCustomer(req.invoice.tenantId, req.invoice.customerId)).filter(
    (i) => i.invoiceId !== req.invoice.invoiceId && i.dueDate < customerToday,
  );
  if (others.length === 0) return { onCall: [], alsoOverdue: [] };
  const siblings = (await readSiblingViews(store, others)).map((v) => ({ invoice: v.invoice, stagesDone: v.stagesDone, events: v.events }));
  return callGroupFor({
    trigger: req.invoice,
    customer: req.customer,
    policy: req.policy,
    siblings,
    now,
    day,
    timeZone: req.tenant.timeZone,
    paymentClaimGraceDays: req.tenant.paymentClaimGraceDays,
    companyClosures: req.tenant.closures,
  });
};
