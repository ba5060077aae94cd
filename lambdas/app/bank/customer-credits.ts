/**
 * The customer's credit (an overpayment's rest, a credit note's) put to use (issue 15 item 2):
 * offered, applied to an invoice, refunded. The rules are the domain's
 * (domain/commands/customer-credit.ts); this wires them to the ports.
 *
 * Offer (offerCustomerCredit, and reconcile-credits.ts with the invoices it has read): when a credit
 * is kept (recordCustomerCredit answered true, so once per credit), a customerCredit task lists the
 * customer's invoices in its currency it could pay, for the finance team to apply it or refund it.
 *
 * Apply (applyCustomerCreditTo, POST /v1/customers/{id}/credits/{creditId}/apply):
 * 1. Through the Commands port, the domain applyCustomerCredit decides on the invoice as it is
 *    read: min(what is left, amount due), same currency, not paid or written off; the payment is
 *    method 'offset' with source { kind: 'credit', creditId }.
 * 2. ONE transaction writes the invoice and its payment, the once-item CUSTCREDIT#<creditId> in the
 *    invoice's partition (a retry never applies the credit to the invoice twice: AlreadyDoneError,
 *    answered as a conflict), the credit lowered and the customer's log entry. The credit is
 *    lowered in that same transaction, not in a following write, because a following write could
 *    fail (or the function stop) after the payment committed: the invoice would be paid from money
 *    the credit still shows, free to be applied again elsewhere, and only a compensating reversal
 *    would mend it. Its update is conditioned on what is left and its status as they were read: a
 *    concurrent apply or refund of the same credit cancels the whole transaction
 *    (JoinedWriteRefused), the credit is read again and the rule decides again. The amount is at
 *    most what is left of exactly that state, so the credit never goes below zero.
 * 3. Used up: its task is done.
 *
 * Refund (refundCustomerCreditOf, POST …/refund): what is left is closed as refunded (the finance
 * team pays it back outside Sollecito) with the customer's log entry, conditioned the same way;
 * its task is done.
 *
 * The API's Idempotency-Key answers a repeated request with the first answer; without one, a
 * repeated apply meets the once-item or the credit used up (conflict), a repeated refund the credit
 * refunded (conflict).
 */
import {
  applyCustomerCredit,
  creditClosedResolution,
  creditOffer,
  creditStatus,
  customerCreditTask,
  refundCustomerCredit,
  type CreditApplicationDecision,
  type CustomerCredit,
  type RefundInput,
} from '../../domain/commands/customer-credit.js';
import { CommandRejected, type CommandContext } from '../../domain/commands/commands.js';
import { customerCreditTaskId } from '../../domain/commands/tasks.js';
import { ACTIVE_STATUSES, type Invoice, type Payment } from '../../domain/model.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import { AlreadyDoneError, JoinedWriteRefused, type Commands } from '../ports/commands.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { TaskRepository } from '../ports/tasks.js';

/** How often a credit changed by someone else meanwhile is read again before giving up. */
const ATTEMPTS = 3;

export interface CustomerCreditDeps {
  bankCredits: Pick<BankCreditRepository, 'getCustomerCredit' | 'customerCreditApplicationItem' | 'customerCreditChange' | 'changeCustomerCredit'>;
  commands: Pick<Commands, 'onInvoice'>;
  tasks: Pick<TaskRepository, 'complete'>;
}

/** What a credit note's run needs to offer the credit it kept (app/ingest/apply-credit-notes.ts). */
export interface CustomerCreditOfferDeps {
  tasks: Pick<TaskRepository, 'open'>;
  invoices: Pick<InvoiceRepository, 'customerInvoicesDueBy'>;
}

/** Every due date there is: the customer's invoices whatever their due date. */
const ANY_DUE_DATE = '9999-12-31';

/**
 * Opens the credit's task with the customer's invoices it could pay, read now (those still chased
 * re-read consistently: the by-customer index lags a payment just made): true when opened.
 */
export const offerCustomerCredit = async (deps: CustomerCreditOfferDeps, credit: CustomerCredit, at: string, by: string): Promise<boolean> => {
  const invoices = await deps.invoices.customerInvoicesDueBy(credit.tenantId, credit.customerId, ANY_DUE_DATE, (inv) => ACTIVE_STATUSES.includes(inv.status));
  return deps.tasks.open(customerCreditTask(credit, creditOffer(credit, invoices), at, by));
};

/** The credit read again after someone else changed it; gone (its bank credit returned, its match undone): a conflict. */
const reread = async (deps: CustomerCreditDeps, credit: CustomerCredit): Promise<CustomerCredit> => {
  const fresh = await deps.bankCredits.getCustomerCredit(credit.tenantId, credit.customerId, credit.creditId);
  if (!fresh) throw new CommandRejected('conflict', 'credit_removed', `The customer's credit ${credit.creditId} was taken away meanwhile (its bank credit was returned or its match undone).`);
  return fresh;
};

/** Its task done once nothing is left: whether it was open. */
const closeTaskIfDone = async (deps: CustomerCreditDeps, credit: CustomerCredit, ctx: CommandContext): Promise<boolean> => {
  if (creditStatus(credit) === 'open') return false;
  return deps.tasks.complete(credit.tenantId, customerCreditTaskId(credit.customerId, credit.creditId), ctx.actor, ctx.now.toISOString(), creditClosedResolution(credit));
};

export interface CreditAppliedOutcome {
  credit: CustomerCredit;
  invoice: Invoice;
  payment: Payment;
  amount: number;
  taskCompleted: boolean;
}

export const applyCustomerCreditTo = async (deps: CustomerCreditDeps, read: CustomerCredit, invoiceId: string, ctx: CommandContext): Promise<CreditAppliedOutcome> => {
  let credit = read;
  for (let attempt = 1; ; attempt++) {
    // The decision of the command's latest read of the invoice: what the joined writes follow.
    let applied: CreditApplicationDecision | undefined;
    try {
      const r = await deps.commands.onInvoice(credit.tenantId, invoiceId, (inv) => (applied = applyCustomerCredit(inv, credit, ctx)).decision, {
        once: deps.bankCredits.customerCreditApplicationItem(credit.tenantId, credit.customerId, credit.creditId, invoiceId, ctx.now.toISOString()),
        joined: () => deps.bankCredits.customerCreditChange(credit, applied!.credit, applied!.entry),
      });
      const done = applied!;
      return { credit: done.credit, invoice: r.invoice, payment: r.payment!, amount: done.amount, taskCompleted: await closeTaskIfDone(deps, done.credit, ctx) };
    } catch (err) {
      if (err instanceof AlreadyDoneError) {
        throw new CommandRejected('conflict', 'credit_already_applied', `The customer's credit ${credit.creditId} was applied to invoice ${invoiceId} already.`);
      }
      if (!(err instanceof JoinedWriteRefused)) throw err;
      // Applied or refunded meanwhile: decide again on what is left now.
      if (attempt === ATTEMPTS) throw new CommandRejected('conflict', 'credit_busy', `The customer's credit ${credit.creditId} kept changing: read it again and retry.`);
      credit = await reread(deps, credit);
    }
  }
};

export interface CreditRefundedOutcome {
  credit: CustomerCredit;
  amount: number;
  taskCompleted: boolean;
}

export const refundCustomerCreditOf = async (deps: CustomerCreditDeps, read: CustomerCredit, input: RefundInput, ctx: CommandContext): Promise<CreditRefundedOutcome> => {
  let credit = read;
  for (let attempt = 1; ; attempt++) {
    const d = refundCustomerCredit(credit, input, ctx);
    if (await deps.bankCredits.changeCustomerCredit(credit, d.credit, d.entry)) {
      return { credit: d.credit, amount: d.amount, taskCompleted: await closeTaskIfDone(deps, d.credit, ctx) };
    }
    if (attempt === ATTEMPTS) throw new CommandRejected('conflict', 'credit_busy', `The customer's credit ${credit.creditId} kept changing: read it again and retry.`);
    credit = await reread(deps, credit);
  }
};
