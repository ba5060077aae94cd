/**
 * The finance team's commands (and the customer's answers) applied to an invoice or a customer:
 * read, let the pure rule decide, write the decision in one step, decide again when someone else
 * wrote in between. The protocol is told in adapters/dynamo-commands.ts.
 */
import type { CustomerDecision, Decision } from '../../domain/commands/commands.js';
import type { Customer, Invoice } from '../../domain/model.js';
import type { TransactionPart } from './transaction.js';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
  constructor(
    readonly entity: 'invoice' | 'customer' | 'policy',
    readonly id: string,
  ) {
    super(`${entity} ${id} not found`);
  }
}

/** The `once` item of a command already exists: the same answer was given before (a replayed form). */
export class AlreadyDoneError extends Error {
  override readonly name = 'AlreadyDoneError';
}

/** A send kept holding the invoice longer than we may wait: the caller should retry shortly. */
export class InvoiceBusyError extends Error {
  override readonly name = 'InvoiceBusyError';
}

/**
 * A write joined to the command (InvoiceCommandOptions.joined) found its item no longer as it was
 * read (a customer credit applied or refunded meanwhile): nothing was written; read and try again.
 */
export class JoinedWriteRefused extends Error {
  override readonly name = 'JoinedWriteRefused';
}

export interface InvoiceCommandOptions {
  /** Written with the command only if it does not exist yet (a link answer consumed once, TaskRepository.answerItem). */
  once?: TransactionPart;
  /**
   * Writes of another aggregate that follow from the decision (a customer credit lowered by the
   * payment it became), in the same transaction; asked again whenever the command decides again.
   * One whose condition fails cancels everything: JoinedWriteRefused.
   */
  joined?: (decision: Decision) => readonly TransactionPart[];
}

export interface InvoiceCommandResult extends Decision {
  /** The execution that was asked to stop, if any. */
  stoppedExecution?: string;
}

export interface Commands {
  /** Applies `decide` to the invoice (it may throw CommandRejected); NotFoundError, InvoiceBusyError, AlreadyDoneError, JoinedWriteRefused. */
  onInvoice(tenantId: string, invoiceId: string, decide: (invoice: Invoice) => Decision, options?: InvoiceCommandOptions): Promise<InvoiceCommandResult>;
  /** Same for a customer. */
  onCustomer<D extends CustomerDecision>(tenantId: string, customerId: string, decide: (customer: Customer) => D): Promise<D>;
}

/** Commands on customers alone: they never start or stop an execution, so they need no workflow. */
export type CustomerCommands = Pick<Commands, 'onCustomer'>;
