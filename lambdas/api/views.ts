/** Domain records -> the API's response shapes (schemas.ts). */
import type * as z from 'zod/mini';
import type { InvoiceView } from '../app/ports/invoices.js';
import { bucketFor, daysPastDue } from '../domain/reports/ageing.js';
import { ACTIVE_STATUSES, amountDue, type ContactEvent, type Customer, type Invoice, type Payment } from '../domain/model.js';
import type { CallTask, InvoiceDetail, InvoiceResource, NextStep, ParkedTimeline, PaymentResource } from './schemas.js';
import { localDay } from '../domain/shared/days.js';
import { EXECUTION_MAX_DAYS, RESUME_LEAD_DAYS } from '../domain/timeline/execution-year.js';

export const invoiceResource = (inv: Invoice, now: Date, timeZone: string): z.input<typeof InvoiceResource> => {
  const late = daysPastDue(inv.dueDate, localDay(now, timeZone));
  return { ...inv, amountDue: amountDue(inv), daysPastDue: late, bucket: bucketFor(late) };
};

/**
 * A payment as the document's Payment has it, field by field: whatever else the record carries
 * (its table keys, tenantId, invoiceId) stays behind.
 */
export const paymentView = (p: Payment): z.input<typeof PaymentResource> => ({
  paymentId: p.paymentId,
  amount: p.amount,
  currency: p.currency,
  date: p.date,
  ...(p.method !== undefined ? { method: p.method } : {}),
  ...(p.reference !== undefined ? { reference: p.reference } : {}),
  recordedAt: p.recordedAt,
  actor: p.actor,
  ...(p.actorEmail !== undefined ? { actorEmail: p.actorEmail } : {}),
  ...(p.source !== undefined ? { source: p.source } : {}),
  ...(p.reversed !== undefined ? { reversed: p.reversed } : {}),
});

const ofType = (events: ContactEvent[], ...types: ContactEvent['type'][]) => events.filter((e) => types.includes(e.type));

/**
 * The timeline parked between two runs (app/timeline/keep-within-year.ts): when it resumes and why,
 * from the invoice's `resumeAt` and what the planner says comes next. Nothing of the wake-up's
 * storage: its instant and the reason only.
 */
export const parkedView = (inv: Invoice, next: z.input<typeof NextStep> | null, now: Date): z.input<typeof ParkedTimeline> | null => {
  if (!inv.resumeAt || !ACTIVE_STATUSES.includes(inv.status)) return null;
  const due = inv.resumeAt <= now.toISOString();
  const what = next ? `the next step (${next.step}, ${next.at})` : 'what the timeline waits for';
  return {
    resumesAt: inv.resumeAt,
    due,
    ...(next ? { waitsFor: { step: next.step, at: next.at } } : {}),
    reason:
      `Step Functions ends an execution ${EXECUTION_MAX_DAYS} days after its start and ${what} lay past what this one could wait for: ` +
      `the execution ended and a new run starts at ${inv.resumeAt}, up to ${RESUME_LEAD_DAYS} days ahead of it` +
      (due ? '; that moment has passed and the schedule starts the run at its next turn.' : '.'),
  };
};

export const invoiceDetail = (
  view: InvoiceView,
  customer: Pick<Customer, 'customerId' | 'name'> | undefined,
  next: z.input<typeof NextStep> | null,
  now: Date,
  timeZone: string,
): z.input<typeof InvoiceDetail> => ({
  invoice: invoiceResource(view.invoice, now, timeZone),
  customer: { customerId: view.invoice.customerId, name: customer?.name ?? '' },
  sending: view.sendingUntil !== undefined && view.sendingUntil >= now.toISOString(),
  next,
  parked: parkedView(view.invoice, next, now),
  log: view.events,
  payments: [...view.payments].sort((a, b) => (a.recordedAt < b.recordedAt ? -1 : 1)).map(paymentView),
  promises: ofType(view.events, 'promise', 'promise_kept', 'promise_broken'),
  disputes: ofType(view.events, 'dispute', 'dispute_resolved'),
  notes: ofType(view.events, 'note'),
  stagesDone: view.stagesDone,
});

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/**
 * A call-queue entry: what the call-task writer stored, completed with the live customer and
 * invoice (the amount due today, the number to dial now, the latest sales notes).
 */
export const callTask = (
  day: string,
  item: Record<string, unknown>,
  customer: Customer | undefined,
  invoice: Invoice | undefined,
  now: Date,
  timeZone: string,
): z.input<typeof CallTask> => {
  const [customerId = '', invoiceId = ''] = String(item.sk ?? '').split('#');
  const contact = customer?.billingContact;
  const phone = contact?.phone ?? customer?.phone ?? str(item.phone);
  const timeZoneOfCustomer = customer?.timeZone ?? str(item.timeZone);
  const callAt = str(item.callAt) ?? str(item.at);
  return {
    day,
    customerId: str(item.customerId) ?? customerId,
    invoiceId: str(item.invoiceId) ?? invoiceId,
    ...(customer ? { customerName: customer.name } : {}),
    ...(invoice ? { invoiceNumber: invoice.number, currency: invoice.currency, amountDue: amountDue(invoice), daysPastDue: daysPastDue(invoice.dueDate, localDay(now, timeZone)) } : {}),
    ...(phone ? { phone } : {}),
    ...(contact?.name ? { contactName: contact.name } : {}),
    ...(timeZoneOfCustomer ? { timeZone: timeZoneOfCustomer } : {}),
    ...(customer ? { officeHours: customer.officeHours } : {}),
    ...(callAt ? { callAt } : {}),
    talkingPoints: strings(item.talkingPoints),
    salesNotes: customer?.salesNotes ?? strings(item.salesNotes),
    ...(item.outcome && typeof item.outcome === 'object' ? { outcome: item.outcome as Record<string, unknown> } : {}),
  };
};
