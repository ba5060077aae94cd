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
import { salesRepReleaseNotice, type RenderedNotice } from '../../domain/messages/notices.js';
import { renderNotice } from '../../domain/messages/rendering/notice.js';
import type { SendResult } from '../ports/send-guard.js';
import type { TimelinePorts } from '../timeline/ports.js';

export type NoticeDeps = Pick<TimelinePorts, 'mailer' | 'sender' | 'logger' | 'count'>;

export interface PreparedNotice {
  /** The 'pending' log entry to write with the claim. */
  event: ContactEvent;
  /** Sends the notice; never throws (a failure is the result, recorded on the entry). */
  send: () => Promise<SendResult>;
}

const mailTo = async (deps: NoticeDeps, to: string, tenant: Tenant, notice: RenderedNotice, tags: Record<string, string>): Promise<string> => {
  const { messageId } = await deps.mailer.send({ from: deps.sender(), to: [to], replyTo: tenant.email, ...notice, tags });
  return messageId;
};

export const salesRepHoldNoticeFor = (
  deps: NoticeDeps,
  c: { invoice: Invoice; customer: Customer; tenant: Tenant; policy: Policy },
  now: Date,
  facts: { amountDue: number; daysPastDue: number },
): PreparedNotice | undefined => {
  const rep = c.customer.salesRep;
  if (!rep?.email) return undefined;
  const to = rep.email;
  const inv = c.invoice;
  const notice = renderNotice('creditHold', c.tenant.language, {
    recipient: rep.name,
    customerName: c.customer.name,
    invoiceNumber: inv.number,
    currency: inv.currency,
    amountDue: facts.amountDue,
    daysLate: facts.daysPastDue,
    financeEmail: c.tenant.email,
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
    details: { audience: 'salesRep', customerId: inv.customerId },
  });
  return {
    event,
    send: async () => {
      try {
        const messageId = await mailTo(deps, to, c.tenant, notice, { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'salesRepHold' });
        deps.count('SalesRepNoticesSent');
        return { eventId: event.eventId, outcome: 'sent', messageId };
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
    await mailTo(deps, rep.email, tenant, notice, { tenant: tenant.tenantId, customer: customer.customerId, kind: 'salesRepRelease' });
    deps.count('SalesRepNoticesSent');
    return true;
  } catch (err) {
    deps.logger.warn('sales rep release notice not sent', { customerId: customer.customerId, error: (err as Error).name });
    return false;
  }
};
