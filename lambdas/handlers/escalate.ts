/**
 * EscalateToAgency: the customer is told the file goes to the collection agency (policy
 * escalation 'send'), the invoice becomes 'escalated' (it leaves the open index and the automatic
 * chase), and InvoiceEscalated is published with the collection file for the agency hand-over.
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { amountDue } from '../domain/model.js';
import { contactEvent } from '../domain/shared/contact-event.js';
import { daysLate, guardKeyFor } from '../domain/messages/reminder.js';
import { clock } from '../adapters/clock.js';
import { InvoiceClosedError } from '../adapters/workflow-errors.js';
import { StageTaskInput, isSkipped, parseTaskInput } from './lib/task-input.js';
import { isCurrent, loadCase, type InvoiceCase } from './lib/load.js';
import { sendGuardedMessage, type ChannelOutcome } from './lib/send-message.js';
import { inTaskState } from './lib/task-state.js';
import { dossierKey } from '../domain/reports/dossier-location.js';
import * as deps from './lib/deps.js';
import { count, logger, metrics } from './lib/powertools.js';

/**
 * What the collection agency receives for one invoice. Today it names the pieces the file is
 * made of (the stored invoice document, the contact log, the sales notes) and where it goes;
 * the dossier feature builds the documents from it and delivers them (mode 'send') or files them
 * for the finance team (mode 'prepare').
 */
export interface EscalationFile {
  tenantId: string;
  invoiceId: string;
  customerId: string;
  mode: 'send' | 'prepare';
  /** The agency's name from the tenant's settings, when one is configured. */
  agency?: string;
  documentKey?: string;
  contactEvents: number;
  salesNotes: number;
  preserveRelationship: boolean;
  /** Where the dossier is filed: hand-over-dossier.ts assembles it once the invoice is escalated. */
  dossierKey?: string;
}

export const escalationFile = (c: InvoiceCase): EscalationFile => ({
  tenantId: c.view.invoice.tenantId,
  invoiceId: c.view.invoice.invoiceId,
  customerId: c.customer.customerId,
  mode: c.policy.escalation,
  ...(c.tenant.agency ? { agency: c.tenant.agency.name } : {}),
  ...(c.view.invoice.documentKey ? { documentKey: c.view.invoice.documentKey } : {}),
  contactEvents: c.view.events.length,
  salesNotes: c.customer.salesNotes.length,
  preserveRelationship: c.customer.preserveRelationship,
});

export interface EscalationResult {
  stage: 'escalation';
  outcome: 'skipped' | 'escalated' | 'alreadyEscalated';
  mode?: 'send' | 'prepare';
  notice?: { outcome: string; channels: ChannelOutcome[] };
}

export const escalate = async (input: StageTaskInput): Promise<EscalationResult> => {
  if (isSkipped(input)) return { stage: 'escalation', outcome: 'skipped' };
  const c = await loadCase(input.tenantId, input.invoiceId);
  if (!c) throw new InvoiceClosedError('invoice not found');
  const inv = c.view.invoice;
  const exec = { revision: input.revision, run: input.run };
  if (!isCurrent(c, input) || (inv.status !== 'open' && inv.status !== 'escalated')) {
    throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  }
  const file = escalationFile(c);

  // The notice while the invoice is still open; skipped on a retry after the status change.
  const notice =
    file.mode === 'send' && inv.status === 'open'
      ? await sendGuardedMessage({
          invoice: inv,
          customer: c.customer,
          tenant: c.tenant,
          policy: c.policy,
          kind: 'escalation',
          guardKey: guardKeyFor('escalationNotice'),
          requiredStatus: 'open',
          ...exec,
        })
      : undefined;

  const now = clock.now();
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
  const store = deps.sendGuard();
  const claim = await store.claimSend({
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    ...exec,
    requiredStatus: 'open',
    thenStatus: 'escalated',
    guardKey: 'escalation',
    events: [event],
  });
  if (claim.outcome === 'claimed') {
    await store.completeSend(claim.lease, []);
    count('InvoicesEscalated');
  }

  await deps.events().publish('InvoiceEscalated', {
    tenantId: inv.tenantId,
    invoiceId: inv.invoiceId,
    customerId: inv.customerId,
    escalationId: claim.outcome === 'claimed' ? event.eventId : (claim.eventIds[0] ?? `${inv.invoiceId}#escalation`),
    escalatedAt: claim.outcome === 'claimed' ? now.toISOString() : (claim.claimedAt ?? now.toISOString()),
    ...amounts,
    file: { ...file, dossierKey: dossierKey(inv.tenantId, inv.invoiceId) },
  });
  logger.info('escalated', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, mode: file.mode, outcome: claim.outcome });
  return {
    stage: 'escalation',
    outcome: claim.outcome === 'claimed' ? 'escalated' : 'alreadyEscalated',
    mode: file.mode,
    ...(notice ? { notice: { outcome: notice.outcome, channels: notice.channels } } : {}),
  };
};

export const run = (event: unknown): Promise<EscalationResult> =>
  inTaskState('EscalateToAgency', () => escalate(parseTaskInput(StageTaskInput, event)));

export const handler = middy(run).use(injectLambdaContext(logger)).use(logMetrics(metrics));
