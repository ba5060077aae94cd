/** Domain records -> the API's response shapes (schemas.ts). */
import type * as z from 'zod/mini';
import type { InvoiceView } from '../app/ports/invoices.js';
import { bucketFor, daysPastDue } from '../domain/reports/ageing.js';
import { amountDue, type ContactEvent, type Customer, type Invoice, type Payment } from '../domain/model.js';
import type { CallTask, InvoiceDetail, InvoiceResource, NextStep, PaymentResource } from './schemas.js';
import { localDay } from '../domain/shared/days.js';

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
