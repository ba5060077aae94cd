/**
 * The payments one bank credit applied, taken back (the bank returned the money, or a person undid
 * the match):
 * 1. Each allocation is reversed through the Commands port running the domain's reversePayment,
 *    one transaction per invoice (amountPaid down, the payment marked reversed, a paid invoice open
 *    again with a new run). A payment found reversed already counts as done: a retry reverses
 *    nothing twice.
 * 2. The bank's charge goes with the credit's first allocation, the same one on every retry.
 * 3. An allocation recorded without its payment id, an invoice gone, a refusal: a failure with its
 *    reason, never thrown (a busy invoice is thrown: the caller's retry takes it up).
 */
import { CommandRejected, type CommandContext } from '../../domain/commands/commands.js';
import { reversePayment, type ReversalReason } from '../../domain/commands/reverse-payment.js';
import type { BankCreditRecord } from '../../domain/bank/credit-records.js';
import { NotFoundError, type Commands } from '../ports/commands.js';

export interface ReverseCreditDeps {
  commands: Pick<Commands, 'onInvoice'>;
}

export interface ReversedPayment {
  invoiceId: string;
  paymentId: string;
  amount: number;
  /** Reversed by an earlier run. */
  already: boolean;
  /** The invoice was paid and is open again. */
  reopened: boolean;
}

export interface ReverseOutcome {
  reversed: ReversedPayment[];
  failures: { invoiceId: string; amount: number; reason: string }[];
}

export const reverseCreditPayments = async (
  deps: ReverseCreditDeps,
  credit: BankCreditRecord,
  reason: ReversalReason,
  ctx: CommandContext,
  opts: { charge?: number; creditId: string },
): Promise<ReverseOutcome> => {
  const out: ReverseOutcome = { reversed: [], failures: [] };
  for (const [i, a] of credit.applied.entries()) {
    if (!a.paymentId) {
      out.failures.push({ invoiceId: a.invoiceId, amount: a.amount, reason: `the payment of invoice ${a.invoiceNumber ?? a.invoiceId} from this credit was recorded without its id: take it back by hand` });
      continue;
    }
    const payment = { paymentId: a.paymentId, amount: a.amount };
    // 1. Reversed once
    try {
      const r = await deps.commands.onInvoice(credit.tenantId, a.invoiceId, (inv) =>
        // 2. The charge with the first allocation
        reversePayment(inv, { payment, reason, creditId: opts.creditId, ...(i === 0 && opts.charge ? { charge: opts.charge } : {}) }, ctx),
      );
      out.reversed.push({ invoiceId: a.invoiceId, ...payment, already: false, reopened: r.events[0]?.details?.from === 'paid' });
    } catch (err) {
      // 3. Refused: kept with the reason
      if (err instanceof CommandRejected && err.code === 'payment_reversed') out.reversed.push({ invoiceId: a.invoiceId, ...payment, already: true, reopened: false });
      else if (err instanceof CommandRejected || err instanceof NotFoundError) out.failures.push({ invoiceId: a.invoiceId, amount: a.amount, reason: err.message });
      else throw err;
    }
  }
  return out;
};
