/**
 * EscalateToAgency: the hand-off to the collection agency.
 * 1. A stage the plan skips returns at once; an invoice no longer open (nor escalated, on a retry) ends the execution.
 *    Held by the bank truth (app/timeline/bank-truth.ts) while still open: an unconfirmed credit that
 *    could be the customer's payment, or stale statements; nobody is handed over on old bank data.
 * 2. The collection file (domain/reports/escalation-file.ts).
 * 3. Policy 'send': the customer is told the file goes to the agency (guarded; skipped on a retry after the status change).
 * 4. The invoice becomes 'escalated' under the send guard: it leaves the open index and the automatic chase.
 * 5. InvoiceEscalated is published with the file; the dossier hand-over (app/dossier) picks the invoice up from the stream.
 */
import { amountDue } from '../../domain/model.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { daysLate, guardKeyFor } from '../../domain/messages/reminder.js';
import { escalationFile } from '../../domain/reports/escalation-file.js';
import { sendGuardedMessage, type ChannelOutcome } from '../messaging/send-guarded-message.js';
import { InvoiceClosedError } from '../task-errors.js';
import { isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCase } from './invoice-case.js';
import { deferUnlessBankAgrees, type FirmStageDeps } from './bank-truth.js';
import type { MessagingDeps, TimelinePorts } from './ports.js';

export type EscalateDeps = FirmStageDeps & MessagingDeps & Pick<TimelinePorts, 'events'>;

export interface EscalationResult {
  stage: 'escalation';
  outcome: 'skipped' | 'escalated' | 'alreadyEscalated';
  mode?: 'send' | 'prepare';
  notice?: { outcome: string; channels: ChannelOutcome[] };
}

export const escalateToAgency = async (deps: EscalateDeps, input: StageRequest): Promise<EscalationResult> => {
  // 1. Skipped, or no longer this execution's
  if (isSkipped(input)) return { stage: 'escalation', outcome: 'skipped' };
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  const exec = { revision: input.revision, run: input.run };
  if (!isCurrent(c, input) || (inv.status !== 'open' && inv.status !== 'escalated')) {
    throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  }
  if (inv.status === 'open') await deferUnlessBankAgrees(deps, c, input, deps.clock.now());
  // 2. The collection file
  const file = escalationFile({ invoice: inv, customer: c.customer, tenant: c.tenant, policy: c.policy, events: c.view.events });

  // 3. The customer's notice, while the invoice is still open
  const notice =
    file.mode === 'send' && inv.status === 'open'
      ? await sendGuardedMessage(deps, {
          invoice: inv,
          customer: c.customer,
          tenant: c.tenant,
          policy: c.policy,
          kind: 'escalation',
          guardKey: guardKeyFor('escalationNotice'),
          requiredStatus: 'open',
          payments: c.view.payments,
          ...exec,
        })
      : undefined;

  // 4. Escalated, once
  const now = deps.clock.now();
  const amounts = { currency: inv.currency, amountDue: amountDue(inv), daysPastDue: daysLate(inv.dueDate, now, c.customer.timeZone) };
  const event = contactEvent({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    at: now.toISOString(),
    type: 'escalation',
    channel: 'system',
    actor: 'system',
    stage: 'escalation',
    outcome: 'recorded',
    details: { mode: file.mode, ...(file.agency ? { agency: file.agency } : {}), ...amounts },
  });
  const claim = await deps.sendGuard.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    thenStatus: 'escalated',
    guardKey: 'escalation',
    events: [event],
  });
  if (claim.outcome === 'claimed') {
    await deps.sendGuard.completeSend(claim.lease, []);
    deps.count('InvoicesEscalated');
  }

  // 5. InvoiceEscalated: at least once, with the same id on a retry
  await deps.events.publish('InvoiceEscalated', {
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    customerId: inv.customerId,
    escalationId: claim.outcome === 'claimed' ? event.eventId : (claim.eventIds[0] ?? `${inv.invoiceId}#escalation`),
    escalatedAt: claim.outcome === 'claimed' ? now.toISOString() : (claim.claimedAt ?? now.toISOString()),
    ...amounts,
    file,
  });
  deps.logger.info('escalated', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, mode: file.mode, outcome: claim.outcome });
  return {
    stage: 'escalation',
    outcome: claim.outcome === 'claimed' ? 'escalated' : 'alreadyEscalated',
    mode: file.mode,
    ...(notice ? { notice: { outcome: notice.outcome, channels: notice.channels } } : {}),
  };
};
