/**
 * The other invoices of the customer that one reminder (domain/consolidation.ts) or one call
 * (domain/calls.ts) also covers, each with the line it shows in the combined message and its own
 * signed links.
 */
import type { MessageLine } from '../../domain/messages/rendering/types.js';
import type { Customer, Invoice, Policy, Tenant } from '../../domain/model.js';
import { callGroupFor, type CallGroup } from '../../domain/timeline/calls.js';
import { companionsFor, type Companion } from '../../domain/timeline/consolidation.js';
import { decideReminder } from '../../domain/messages/reminder.js';
import { WRITTEN_STAGES, type Stage } from '../../domain/timeline/stages.js';
import type { TimelinePorts } from '../timeline/ports.js';
import type { MessageRequest } from './message-request.js';
import { localDay } from '../../domain/shared/days.js';

export interface CompanionLine extends Companion {
  line: MessageLine;
  /** The nonce of the links this invoice's line carries, logged with its contact. */
  linkNonce?: string;
}

export const findCompanions = async (deps: Pick<TimelinePorts, 'invoices' | 'links'>, req: MessageRequest, now: Date): Promise<CompanionLine[]> => {
  if (!(WRITTEN_STAGES as readonly string[]).includes(req.kind)) return [];
  const store = deps.invoices;
  const open = (await store.openInvoicesOfCustomer(req.invoice.tenantId, req.invoice.customerId)).filter(
    (i) => i.invoiceId !== req.invoice.invoiceId && !i.needsContact,
  );
  if (open.length === 0) return [];
  const views = (await Promise.all(open.map((i) => store.getInvoiceView(i.tenantId, i.invoiceId)))).flatMap((v) => (v ? [v] : []));
  const siblings = views.map((v) => ({ invoice: v.invoice, stagesDone: v.stagesDone, events: v.events }));
  const paymentsOf = new Map(views.map((v) => [v.invoice.invoiceId, v.payments]));
  const companions = companionsFor({
    trigger: req.invoice,
    customer: req.customer,
    policy: req.policy,
    siblings,
    now,
    paymentClaimGraceDays: req.tenant.paymentClaimGraceDays,
  });
  return Promise.all(
    companions.map(async (c) => {
      const { line } = decideReminder({
        invoice: c.invoice,
        customer: req.customer,
        tenant: req.tenant,
        policy: req.policy,
        kind: c.stage as Stage,
        now,
        payments: paymentsOf.get(c.invoice.invoiceId) ?? [],
      });
      const signed = await deps.links.linksFor(c.invoice, c.stage, now, { openPixel: req.tenant.openTracking });
      return { ...c, line: { ...line, ...(signed ? { links: signed.links } : {}) }, ...(signed ? { linkNonce: signed.nonce } : {}) };
    }),
  );
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
  const siblings = (await Promise.all(others.map((i) => store.getInvoiceView(i.tenantId, i.invoiceId)))).flatMap((v) =>
    v ? [{ invoice: v.invoice, stagesDone: v.stagesDone, events: v.events }] : [],
  );
  return callGroupFor({
    trigger: req.invoice,
    customer: req.customer,
    policy: req.policy,
    siblings,
    now,
    day,
    timeZone: req.tenant.timeZone,
    paymentClaimGraceDays: req.tenant.paymentClaimGraceDays,
  });
};
