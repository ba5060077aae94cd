/**
 * RecordEndedExecution: an execution of the dunning state machine ended FAILED, TIMED_OUT or
 * ABORTED (EventBridge's status-change event, or the local engine's).
 * 1. Decide what the ending means for the invoice (domain/timeline/ended-execution.ts): Sollecito's
 *    own stops, successes and mailbox runs mean nothing.
 * 2. Read the invoice: is that execution still its chase (same revision and run), does it still
 *    look chased, does it carry no failure yet?
 * 3. Write the interruption on it as its failure (state Execution) with an entry in its contact log,
 *    conditionally, so a newer run, a closed invoice or a redelivered event changes nothing. The
 *    finance team sees it with the other stopped timelines (the API's invoice, the console's Today)
 *    and restarts it with resume.
 * 4. Count it (TimelinesInterrupted, alarmed) and log it, without the cause.
 */
import { interruptsInvoice, meaningOf, type EndedExecution, type EndedExecutionMeaning } from '../../domain/timeline/ended-execution.js';
import type { Observability } from '../observability.js';
import type { InvoiceRepository } from '../ports/invoices.js';

export type RecordEndedExecutionDeps = Observability & {
  invoices: Pick<InvoiceRepository, 'getInvoice' | 'recordInterruption'>;
};

export type EndedExecutionResult =
  | { recorded: true; invoiceId: string }
  | { recorded: false; reason: Extract<EndedExecutionMeaning, { kind: 'ignored' }>['reason'] | 'invoice-gone' | 'not-current' | 'already-recorded' };

export const recordEndedExecution = async (deps: RecordEndedExecutionDeps, ended: EndedExecution): Promise<EndedExecutionResult> => {
  // 1. What it means
  const meaning = meaningOf(ended);
  if (meaning.kind === 'ignored') {
    if (meaning.reason === 'not-a-chase') deps.logger.warn('an ended execution that is no invoice chase', { execution: ended.name, status: ended.status });
    return { recorded: false, reason: meaning.reason };
  }
  const { tenantId, invoiceId, revision, run } = meaning;

  // 2. Still the invoice's chase?
  const invoice = await deps.invoices.getInvoice(tenantId, invoiceId);
  if (!invoice) return { recorded: false, reason: 'invoice-gone' };
  if (!interruptsInvoice(invoice, meaning)) {
    deps.logger.info('ended execution is not the invoice current chase', { tenantId, invoiceId, execution: ended.name, status: ended.status });
    return { recorded: false, reason: invoice.failure?.execution === ended.name ? 'already-recorded' : 'not-current' };
  }

  // 3. On the invoice and in its log, unless it changed since the read (the condition re-checks it)
  const recorded = await deps.invoices.recordInterruption({ tenantId, invoiceId, revision, run }, meaning.interruption, meaning.event);
  if (!recorded) return { recorded: false, reason: 'already-recorded' };

  // 4. Counted and logged (the cause stays on the invoice)
  deps.count('TimelinesInterrupted');
  deps.logger.error('invoice timeline interrupted: its execution ended', {
    tenantId,
    invoiceId,
    execution: ended.name,
    status: meaning.interruption.status,
    error: meaning.interruption.error,
  });
  return { recorded: true, invoiceId };
};
