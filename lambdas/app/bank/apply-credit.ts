/**
 * A bank credit's allocations applied as payments, each through the Commands port running the
 * domain's recordPayment (one transaction per invoice, the execution stopped when it settles):
 * 1. Skip the allocations already applied (a rerun after a crash).
 * 2. For each allocation, record the payment with its source (statement file, entry, credit id),
 *    joined to a credit-applied item written once: a retry never pays an invoice twice.
 *    An allocation short within the company's tolerance settles its invoice with the difference recorded.
 * 3. A refused command (the invoice was paid or written off meanwhile, a currency mismatch) or a
 *    missing invoice is a failure with its reason, never thrown: the credit is kept for a person.
 */
import { paidOn, paymentReferenceOf, type BankCreditRecord } from '../../domain/bank/credit-records.js';
import { CommandRejected, recordPayment, type CommandContext } from '../../domain/commands/commands.js';
import { localDay } from '../../domain/shared/days.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import { AlreadyDoneError, NotFoundError, type Commands } from '../ports/commands.js';

export interface ApplyCreditDeps {
  commands: Pick<Commands, 'onInvoice'>;
  bankCredits: Pick<BankCreditRepository, 'applicationItem'>;
}

export interface AllocationRequest {
  invoiceId: string;
  amount: number;
  /** Short by this much within the company's tolerance: the payment settles the invoice all the same. */
  difference?: number;
}

export interface ApplyOutcome {
  /** Everything applied from this credit, earlier runs included. */
  applied: BankCreditRecord['applied'];
  failures: { invoiceId: string; amount: number; reason: string }[];
}

export const applyCredit = async (deps: ApplyCreditDeps, credit: BankCreditRecord, allocations: readonly AllocationRequest[], ctx: CommandContext): Promise<ApplyOutcome> => {
  const applied = [...credit.applied];
  const failures: ApplyOutcome['failures'] = [];
  const reference = paymentReferenceOf(credit);
  const date = paidOn(credit, localDay(ctx.now, ctx.timeZone));
  const source = { kind: 'statement' as const, file: credit.source.key, entry: credit.source.entryIndex, creditId: credit.creditId };
  for (const a of allocations) {
    // 1. Already applied
    if (applied.some((x) => x.invoiceId === a.invoiceId)) continue;
    // 2. The payment, once
    try {
      const r = await deps.commands.onInvoice(
        credit.tenantId,
        a.invoiceId,
        (inv) =>
          recordPayment(
            inv,
            {
              amount: a.amount,
              date,
              method: 'bank_transfer',
              currency: credit.currency,
              source,
              ...(reference ? { reference } : {}),
              ...(a.difference ? { difference: { amount: a.difference, reason: 'short within the tolerance for bank charges' } } : {}),
            },
            ctx,
          ),
        { once: deps.bankCredits.applicationItem(credit.tenantId, credit.creditId, a.invoiceId, ctx.now.toISOString()) },
      );
      applied.push({ invoiceId: a.invoiceId, amount: a.amount, ...(r.payment ? { paymentId: r.payment.paymentId } : {}), invoiceNumber: r.invoice.number });
    } catch (err) {
      // 3. Refused: kept with the reason
      if (err instanceof AlreadyDoneError) applied.push({ invoiceId: a.invoiceId, amount: a.amount });
      else if (err instanceof CommandRejected || err instanceof NotFoundError) failures.push({ ...a, reason: err.message });
      else throw err;
    }
  }
  return { applied, failures };
};
