/**
 * A table-stream change given up after every retry: the invoices it was about are marked failed,
 * as RecordFailure marks a timeline step, so the finance team sees that the timeline may not have
 * started or stopped instead of an open invoice nobody chases.
 */
import type { ContactEvent } from '../model.js';
import { contactEvent } from '../shared/contact-event.js';

/** The state named in the failure: the stream's reaction, not a state of the state machine. */
export const FAILED_STATE = 'TableStream';
export const STREAM_FAILURE_CAUSE =
  'The table stream could not act on this change after every retry: the invoice timeline may not have been started, stopped or restarted. Check the invoice, then resume or restart its chase.';

export interface AbandonedInvoiceChange {
  tenantId: string;
  invoiceId: string;
  /** The last record of the batch about this invoice. */
  sequenceNumber: string;
}

/** A stored item image as the stream carries it. */
type Image = Record<string, unknown>;

/** The invoices a batch of changes was about, each once (its last record), in first-seen order. */
export const invoicesChanged = (changes: readonly { sequenceNumber: string; newImage?: Image; oldImage?: Image }[]): AbandonedInvoiceChange[] => {
  const seen = new Map<string, AbandonedInvoiceChange>();
  for (const c of changes) {
    const item = c.newImage ?? c.oldImage;
    if (item?.entity !== 'invoice' || typeof item.tenantId !== 'string' || typeof item.invoiceId !== 'string') continue;
    seen.set(`${item.tenantId}#${item.invoiceId}`, { tenantId: item.tenantId, invoiceId: item.invoiceId, sequenceNumber: c.sequenceNumber });
  }
  return [...seen.values()];
};

/** The failure written on the invoice and its log entry: one entry per record, so a redelivered message finds it written. */
export const streamFailure = (
  change: AbandonedInvoiceChange,
  condition: string,
  at: string,
): { failure: { at: string; state: string; error: string; cause: string }; event: ContactEvent } => ({
  failure: { at, state: FAILED_STATE, error: condition, cause: STREAM_FAILURE_CAUSE },
  event: contactEvent({
    tenantId: change.tenantId,
    invoiceId: change.invoiceId,
    eventId: `stream-${change.sequenceNumber}`,
    at,
    type: 'failure',
    channel: 'system',
    actor: 'system',
    outcome: 'recorded',
    details: { state: FAILED_STATE, error: condition, sequenceNumber: change.sequenceNumber },
  }),
});
