/**
 * The thank-you of a paid invoice, from its mailbox run once the send window is open:
 * 1. The invoice's case; no longer paid (a payment taken back): nothing to thank for.
 * 2. Thanked already (it rode along with another invoice's message): done.
 * 3. Through the customer's gate: with what the customer's other invoices have due now (it may ride
 *    in their reminder), within one message a day and the window. Not now: it waits for the moment
 *    the gate names, the deferral in its log.
 */
import { guardKeyFor } from '../../domain/messages/reminder.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { InvoiceClosedError } from '../task-errors.js';
import { loadCase } from '../timeline/invoice-case.js';
import type { CaseDeps, MessagingDeps } from '../timeline/ports.js';
import type { Mailbox, MailboxRun } from './mailbox-runs.js';
import { sendGuardedMessage } from './send-guarded-message.js';

export type ThankYouDeps = CaseDeps & MessagingDeps;

export const sendThankYou = async (deps: ThankYouDeps, input: MailboxRun & { mailbox: Extract<Mailbox, { kind: 'thankYou' }> }, lastAttempt = false): Promise<Mailbox & { done: boolean }> => {
  // 1. The case
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c || c.view.invoice.status !== 'paid') throw new InvoiceClosedError(`nothing to thank for: the invoice is ${c?.view.invoice.status ?? 'gone'}`);
  // 2. Thanked already
  const key = guardKeyFor('thankYou');
  if (c.view.stagesDone.some((s) => s.stage === key)) return { ...input.mailbox, done: true };
  // 3. Through the gate
  const m = input.mailbox;
  const out = await sendGuardedMessage(deps, {
    invoice: c.view.invoice,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: 'thankYou',
    guardKey: key,
    requiredStatus: 'paid',
    revision: input.revision,
    run: input.run,
    events: c.view.events,
    facts: { ...(m.paymentAmount ? { paymentAmount: m.paymentAmount } : {}), paymentDate: m.paymentDate },
    lastAttempt,
  });
  if (out.outcome !== 'deferred') return { ...m, done: true };
  const inv = c.view.invoice;
  await deps.invoices.appendEventOnce(
    contactEvent({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, at: deps.clock.now().toISOString(), type: 'deferred', channel: 'system', actor: 'system', stage: 'thankYou', outcome: 'recorded', details: { until: out.until, reason: out.reason } }),
    `deferred#thankYou#${out.until}`,
  );
  return { ...m, sendAt: out.until, done: false };
};
