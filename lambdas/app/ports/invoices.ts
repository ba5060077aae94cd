import type { ContactEvent, Invoice, Payment } from '../../domain/model.js';
import type { StageDone } from '../../domain/timeline/plan.js';
import type { Step } from '../../domain/timeline/stages.js';

/** An invoice with everything its partition holds: the contact log, the guard items, the payments. */
export interface InvoiceView {
  invoice: Invoice;
  events: ContactEvent[];
  stagesDone: StageDone[];
  payments: Payment[];
  /** ISO instant until which a send holds the invoice (see send-guard.ts), if any. */
  sendingUntil?: string;
}

/** Why the timeline stopped on an invoice (a failed state of its execution). */
export interface InvoiceFailure {
  at: string;
  state: string;
  error: string;
  cause: string;
  /** When the execution itself ended (state Execution): how, and which execution it was. */
  status?: 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  execution?: string;
}

/** The run of an invoice's timeline an execution was started for. */
export interface RunRef {
  tenantId: string;
  invoiceId: string;
  revision: number;
  run: number;
}

/** A stage held back until `until` (contact limits), while the execution is still the invoice's own. */
export interface StageDeferral {
  tenantId: string;
  invoiceId: string;
  revision: number;
  run: number;
  stage: Step;
  until: string;
  reason: string;
  at: string;
  /** The stage waits for a working contact: the invoice is marked as needing one (a fixed address releases it). */
  needsContact?: boolean;
  /**
   * A message guard (`creditHold#notice`) whose message did not leave: its done mark goes with the
   * deferral, so the run a fixed contact starts sends it again.
   */
  forgetDone?: string;
}

export interface InvoiceRepository {
  getInvoice(tenantId: string, invoiceId: string): Promise<Invoice | undefined>;
  putInvoice(invoice: Invoice): Promise<void>;
  /** The invoice and its whole history, strongly consistent. */
  getInvoiceView(tenantId: string, invoiceId: string): Promise<InvoiceView | undefined>;
  /** Whether a stage (or one-off message) of the invoice is claimed already: one strongly consistent read of its guard item. */
  isDone(tenantId: string, invoiceId: string, guardKey: string): Promise<boolean>;
  /** A customer's invoices still being chased ('open'). */
  openInvoicesOfCustomer(tenantId: string, customerId: string): Promise<Invoice[]>;
  /**
   * A customer's invoices that may have something to say today: open, promised (a promise checked
   * today), and paid since `paidSince` (a thank-you still to leave).
   */
  customerInvoicesInPlay(tenantId: string, customerId: string, paidSince: string): Promise<Invoice[]>;
  /**
   * The invoices of one customer due on or before `lastDueDate`, re-read strongly consistent when
   * `recheck` says so (the by-customer index lags its table a little).
   */
  customerInvoicesDueBy(tenantId: string, customerId: string, lastDueDate: string, recheck: (inv: Invoice) => boolean): Promise<Invoice[]>;
  /** Appends to the contact log; an event id is written once and never overwritten (a second write throws). */
  appendEvent(event: ContactEvent): Promise<void>;
  /** Appends to the contact log unless an entry with the event's id is there: false when it was (a redelivered event). */
  appendEventIfNew(event: ContactEvent): Promise<boolean>;
  /** Appends to the contact log once per `onceKey` for the invoice: false when that key was used before. */
  appendEventOnce(event: ContactEvent, onceKey: string): Promise<boolean>;
  /** The deferral on the invoice and its log entry, together; InvoiceClosedError when the invoice changed. */
  deferStage(deferral: StageDeferral): Promise<void>;
  /**
   * The failure on the invoice and in its log; `once`: not when it already carries a failure of the
   * same state. False when nothing was written: the invoice is gone, or (once) already marked, or the entry already written.
   */
  recordFailure(tenantId: string, invoiceId: string, failure: InvoiceFailure, event: ContactEvent, opts?: { once?: boolean }): Promise<boolean>;
  /**
   * The interruption of an ended execution on the invoice and in its log, together: only while that
   * run is still the invoice's (same revision and run), the invoice looks chased (an active status)
   * and carries no failure yet. False when nothing was written (not its run any more, closed,
   * already marked: a redelivered event).
   */
  recordInterruption(ref: RunRef, failure: InvoiceFailure, event: ContactEvent): Promise<boolean>;
  /** The customer can be reached now: its invoices that waited for a contact start. Returns how many. */
  activateInvoicesNeedingContact(tenantId: string, customerId: string): Promise<number>;
  /** The company policy version this run was planned with (undefined: a built-in one); only while the run is current. */
  recordPlannedPolicy(ref: RunRef, policy: Invoice['policy']): Promise<void>;
}
