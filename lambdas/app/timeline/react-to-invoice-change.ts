/**
 * An invoice changed (the table stream):
 * 1. What the change asks for (domain/timeline/invoice-reactions.ts): start its execution (named by
 *    executionName, so a duplicate start is a no-op), restart it, stop it, thank the customer.
 * 2. The thank-you waits for the send window in its own mailbox run (app/messaging/mailbox-runs.ts):
 *    it then goes through the customer's gate, alone or riding along with a reminder of another
 *    invoice due that day; a statement read at 07:30 thanks the customer at 09:00, not at once.
 * 3. The activity feed and the automatic lift of a credit hold (record-invoice-activity.ts).
 * Every step is idempotent: a retried record does nothing twice.
 */
import { guardKeyFor } from '../../domain/messages/reminder.js';
import { localDay } from '../../domain/shared/days.js';
import { executionName } from '../../domain/timeline/execution-name.js';
import { reactionsTo, type InvoiceImage } from '../../domain/timeline/invoice-reactions.js';
import { startThankYouRun } from '../messaging/mailbox-runs.js';
import { nextSendMoment } from '../../domain/timeline/calendar.js';
import type { InvoiceStreamChange } from './invoice-change.js';
import { loadCase } from './invoice-case.js';
import type { CaseDeps, MessagingDeps, TimelinePorts } from './ports.js';
import { recordInvoiceActivity, type ActivityDeps } from './record-invoice-activity.js';

export type InvoiceChangeDeps = CaseDeps & MessagingDeps & ActivityDeps & Pick<TimelinePorts, 'workflow'>;

const nameOf = (i: InvoiceImage) => executionName(i.tenantId, i.invoiceId, i.revision, i.run);

export const reactToInvoiceChange = async (deps: InvoiceChangeDeps, change: InvoiceStreamChange): Promise<void> => {
  const { before, after } = change;
  const startFor = async (i: InvoiceImage) => {
    const out = await deps.workflow.start(nameOf(i), { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run });
    if (!out.alreadyStarted) deps.count('ExecutionsStarted');
    deps.logger.info('execution started', { tenantId: i.tenantId, invoiceId: i.invoiceId, revision: i.revision, run: i.run, alreadyStarted: out.alreadyStarted });
  };
  // 1. The executions
  for (const reaction of reactionsTo(change.change, before, after)) {
    switch (reaction.action) {
      case 'start':
        await startFor(after!);
        break;
      case 'restart':
        await deps.workflow.stop(nameOf(before!), reaction.stopCause);
        await startFor(after!);
        break;
      case 'stop':
        await deps.workflow.stop(nameOf(before!), reaction.cause);
        if (nameOf(after!) !== nameOf(before!)) await deps.workflow.stop(nameOf(after!), reaction.cause);
        break;
      case 'thankYou':
        // 2. The thank-you
        await thankYou(deps, after!, reaction.paidNow);
        break;
    }
  }
  // 3. The activity feed and the credit hold
  await recordInvoiceActivity(deps, { ...(change.beforeInvoice ? { before: change.beforeInvoice } : {}), ...(change.afterInvoice ? { after: change.afterInvoice } : {}) });
};

const thankYou = async (deps: CaseDeps & MessagingDeps & Pick<TimelinePorts, 'workflow'>, paid: InvoiceImage, paidNow: number): Promise<void> => {
  const c = await loadCase(deps, paid.tenantId, paid.invoiceId);
  if (!c || c.view.invoice.status !== 'paid' || c.view.stagesDone.some((s) => s.stage === guardKeyFor('thankYou'))) return;
  const now = deps.clock.now();
  const out = await startThankYouRun(deps.workflow, {
    tenantId: paid.tenantId,
    invoiceId: paid.invoiceId,
    revision: paid.revision,
    run: paid.run,
    mailbox: { kind: 'thankYou', sendAt: nextSendMoment(now, c.customer, c.policy, c.tenant.closures).toISOString(), ...(paidNow > 0 ? { paymentAmount: paidNow } : {}), paymentDate: localDay(now, c.customer.timeZone) },
  });
  deps.logger.info('thank-you waits for its moment', { tenantId: paid.tenantId, invoiceId: paid.invoiceId, alreadyStarted: out.alreadyStarted });
};
