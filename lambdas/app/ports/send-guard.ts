/**
 * The send guard: no reminder leaves twice, and none leaves once a payment (promise, dispute,
 * pause…) has been recorded. The protocol is told in adapters/dynamo-guard.ts.
 */
import type { VoiceLease } from './customer-voice.js';
import type { ContactEvent, InvoiceStatus } from '../../domain/model.js';
import type { RecentContact } from './customers.js';
import type { TransactionPart } from './transaction.js';

export interface ClaimRequest {
  tenantId: string;
  invoiceId: string;
  /** The execution's revision and run: a newer one on the invoice means this execution is stale. */
  revision: number;
  run: number;
  /** The status the invoice must still be in ('open' for the timeline, 'paid' for the thank-you). */
  requiredStatus: InvoiceStatus;
  /** Stage id or one-off message key; one claim per key and invoice, ever. */
  guardKey: string;
  /** Log entries written with the claim: 'pending' for each message about to leave, other outcomes for facts. */
  events: ContactEvent[];
  /** Writes that must happen exactly once together with the claim (e.g. the customer's credit hold). */
  alsoWrite?: TransactionPart[];
  /**
   * The customer's contact record (contact limits), written with an optimistic version: when
   * another send for the same customer changed it meanwhile, the claim fails as transient and the
   * state machine retries with the new record.
   */
  contactRecord?: TransactionPart;
  /** The contacts `contactRecord` adds to the customer's record: taken off again if the claim is given back. */
  contactsAdded?: ContactsAdded;
  /**
   * A status change made by the claim itself (escalated, promised -> open), with the invoice
   * fields it ends. A retry that finds the guard item and the invoice already in this status is 'alreadyDone'.
   */
  thenStatus?: InvoiceStatus;
  removeFields?: readonly ('promise' | 'plan' | 'pause')[];
  leaseMs?: number;
  /** How long to wait out another send's lease before giving up with a TransientError (real ms). */
  maxLeaseWaitMs?: number;
  /**
   * Other invoices of the same customer the same message covers (one voice per customer): each is
   * claimed in the same transaction, under the same conditions, with its own guard item and log
   * entries. A companion that can no longer be claimed (paid meanwhile, stage done, busy) is
   * dropped and the claim retried without it; `claimed` tells which ones made it.
   */
  companions?: CompanionClaim[];
}

export interface CompanionClaim {
  invoiceId: string;
  revision: number;
  run: number;
  guardKey: string;
  /** The status it must still be in: 'open' unless said (a paid invoice's thank-you rides along: 'paid'). */
  requiredStatus?: InvoiceStatus;
  /** A status change it makes with the claim (an invoice handed over with the others: 'escalated'). */
  thenStatus?: InvoiceStatus;
  events: ContactEvent[];
  /** Writes that belong to this companion alone (its line of a customer's call): dropped with it. */
  alsoWrite?: TransactionPart[];
}

export interface ContactsAdded {
  customerId: string;
  added: RecentContact[];
}

export interface SendLease {
  tenantId: string;
  invoiceId: string;
  guardKey: string;
  /** The value written to the invoice's sendingUntil; only this holder clears it. */
  sendingUntil: string;
  events: ContactEvent[];
  /** performance.now() value after which the lease no longer covers a send (safety margin taken off). */
  deadline: number;
  /** Companion invoices claimed with this one, under the same sendingUntil. */
  companions: CompanionClaim[];
  contactsAdded?: ContactsAdded;
}

export type ClaimResult =
  | { outcome: 'claimed'; lease: SendLease }
  | { outcome: 'alreadyDone'; claimedAt?: string; eventIds: string[] };

export interface SendResult {
  eventId: string;
  /** recorded: nothing left now, and nothing will for this entry (an internal notice kept for the next digest). */
  outcome: 'sent' | 'failed' | 'recorded';
  messageId?: string;
  /** Why it failed (an error name); never personal data. */
  error?: string;
  /** Facts added to the entry's details (where it went instead). */
  note?: Record<string, string>;
}

/** True while `callDeadlineMs` from now still ends inside the lease (measured on the real monotonic clock). */
export const leaseAllows = (lease: SendLease, callDeadlineMs: number, nowMono: number = performance.now()): boolean =>
  nowMono + callDeadlineMs <= lease.deadline;

export interface SendGuard {
  /** Claims a stage or one-off message before anything leaves. */
  claimSend(req: ClaimRequest): Promise<ClaimResult>;
  /**
   * Completes a claim once the messages have left (or failed): lease cleared, log entries completed;
   * with `voice`, the customer's turn is given back in the same write (a turn another holder has
   * taken since it ran out is left alone).
   */
  completeSend(lease: SendLease, results: SendResult[], voice?: VoiceLease): Promise<void>;
  /** Gives a claim back when nothing has left, so a retry can claim it again. */
  releaseSend(lease: SendLease, reason: string): Promise<void>;
}
