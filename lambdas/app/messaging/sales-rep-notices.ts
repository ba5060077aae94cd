/**
 * The customer's sales representative hears about a credit hold when it is placed (the rendering's
 * 'creditHold' notice; guarded: the notice's log entry is written with the hold's claim, so it
 * leaves once) and when it is lifted (templates/notices).
 * No sales rep with an e-mail address: nothing to send.
 */
import type { Customer, Invoice, Policy, Tenant } from '../../domain/model.js';
import type { ContactEvent } from '../../domain/model.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { holdThresholdDays } from '../../domain/timeline/credit-release.js';
import { salesRepReleaseNotice } from '../../domain/messages/notices.js';
import { renderNotice } from '../../domain/messages/rendering/notice.js';
import type { SendResult } from '../ports/send-guard.js';
import { deliverInternalNotice, type InternalDelivery, type InternalNoticeDeps } from './internal-notices.js';

export type NoticeDeps = InternalNoticeDeps;

export interface PreparedNotice {
  /** The 'pending' log entry to write with the claim. */
  event: ContactEvent;
  /** Sends the notice; never throws (a failure is the result, recorded on the entry). */
  send: () => Promise<SendResult>;
}

const toSendResult = (eventId: string, d: InternalDelivery): SendResult =>
  d.outcome === 'sent'
    ? { eventId, outcome: 'sent', messageId: d.messageId }
    : d.outcome === 'digest'
      ? { eventId, outcome: 'recorded', note: { digest: d.day } }
      : { eventId, outcome: 'failed', error: d.error };

/** One notice for the customer's hold, whatever the number of invoices it is for (`held`, the placing one first). */
export const salesRepHoldNoticeFor = (
  deps: NoticeDeps,
  c: { invoice: Invoice; customer: Customer; tenant: Tenant; policy: Policy },
  now: Date,
  held: readonly { invoice: Invoice; amountDue: number; daysPastDue: number }[],
): PreparedNotice | undefined => {
  const rep = c.customer.salesRep;
  if (!rep?.email || held.length === 0) return undefined;
  const to = rep.email;
  const inv = c.invoice;
  const first = held[0]!;
  const notice = renderNotice('creditHold', c.tenant.language, {
    recipient: rep.name,
    customerName: c.customer.name,
    invoiceNumber: first.invoice.number,
    currency: first.invoice.currency,
    amountDue: first.amountDue,
    daysLate: first.daysPastDue,
    financeEmail: c.tenant.email,
    invoices: held.map((h) => ({ number: h.invoice.number, currency: h.invoice.currency, amountDue: h.amountDue, daysLate: h.daysPastDue })),
  });
  const event = contactEvent({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    at: now.toISOString(),
    type: 'internal_notice',
    channel: 'email',
    actor: 'system',
    stage: 'creditHold',
    to,
    outcome: 'pending',
    details: { audience: 'salesRep', customerId: inv.customerId, invoices: held.map((h) => h.invoice.invoiceId) },
  });
  return {
    event,
    send: async () => {
      try {
        const d = await deliverInternalNotice(deps, { tenant: c.tenant, customerId: inv.customerId, customerName: c.customer.name, audience: 'salesRep', kind: 'creditHold', to: [to], notice, tags: { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'salesRepHold' } });
        if (d.outcome === 'sent') deps.count('SalesRepNoticesSent');
        return toSendResult(event.eventId, d);
      } catch (err) {
        deps.logger.warn('sales rep notice not sent', { invoiceId: inv.invoiceId, error: (err as Error).name });
        return { eventId: event.eventId, outcome: 'failed', error: (err as Error).name };
      }
    },
  };
};

/** Tells the sales rep the hold is lifted; false when there is no one to tell or the mail failed (logged). */
export const tellSalesRepHoldReleased = async (deps: NoticeDeps, customer: Customer, tenant: Tenant, policy: Policy): Promise<boolean> => {
  const rep = customer.salesRep;
  if (!rep?.email) return false;
  const notice = salesRepReleaseNotice(
    { salesRep: rep.name, customer: customer.name, threshold: holdThresholdDays(policy), financeEmail: tenant.email },
    tenant.language,
  );
  try {
    const d = await deliverInternalNotice(deps, { tenant, customerId: customer.customerId, customerName: customer.name, audience: 'salesRep', kind: 'creditHoldReleased', to: [rep.email], notice, tags: { tenant: tenant.tenantId, customer: customer.customerId, kind: 'salesRepRelease' } });
    if (d.outcome === 'sent') deps.count('SalesRepNoticesSent');
    return d.outcome !== 'failed';
  } catch (err) {
    deps.logger.warn('sales rep release notice not sent', { customerId: customer.customerId, error: (err as Error).name });
    return false;
  }
};
