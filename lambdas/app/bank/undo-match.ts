/**
 * The finance team takes back a bank credit's match (POST /v1/bank-credits/{id}/undo): it paid the
 * wrong invoice, or the wrong amounts.
 * 1. The credit must have paid something and not be a return or returned (409 otherwise).
 * 2. Each payment it applied is reversed (reverse-credit.ts, reason 'undo', the user as actor,
 *    channel 'api'): a paid invoice is open again and chased from the stage that fits its age.
 * 3. Its credit-applied items are released, so a new confirmation may pay the same invoices.
 * 4. An overpayment's customer credit is taken away, its customerCredit task done.
 * 5. The debtor IBAN is forgotten if this credit alone taught it (a wrong match must not keep
 *    matching by itself); one that other confirmations taught too stays.
 * 6. The credit waits again ('suggested' when it has suggestions, else 'unmatched'), with what is
 *    left applied (a payment that could not be reversed stays, with the reason), and its
 *    creditToConfirm task is opened again so it can be confirmed differently.
 * Idempotent: the API's Idempotency-Key answers a repeated request; without one, a retry after a
 * crash finds the payments reversed already and finishes the rest; once the credit waits, 409.
 */
import { creditToConfirmTask, type BankCreditRecord } from '../../domain/bank/credit-records.js';
import { CommandRejected, actorLabel, type CommandContext } from '../../domain/commands/commands.js';
import { customerCreditTaskId } from '../../domain/commands/tasks.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { Commands } from '../ports/commands.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { TaskRepository } from '../ports/tasks.js';
import { reverseCreditPayments, type ReversedPayment, type ReverseOutcome } from './reverse-credit.js';

export interface UndoMatchDeps {
  bankCredits: Pick<BankCreditRepository, 'decide' | 'releaseApplication' | 'removeCustomerCredit' | 'forgetDebtorIban'>;
  commands: Pick<Commands, 'onInvoice'>;
  invoices: Pick<InvoiceRepository, 'getInvoice'>;
  tasks: Pick<TaskRepository, 'open' | 'complete'>;
}

export interface UndoOutcome {
  credit: BankCreditRecord;
  reversed: ReversedPayment[];
  failures: ReverseOutcome['failures'];
  customerCreditRemoved: boolean;
  debtorIbanForgotten?: { iban: string; customerId: string };
}

export const undoMatch = async (deps: UndoMatchDeps, credit: BankCreditRecord, input: { note?: string; ctx: CommandContext }): Promise<UndoOutcome> => {
  const { ctx } = input;
  // 1. Something to undo
  if (credit.returned || credit.status === 'returned') throw new CommandRejected('conflict', 'credit_returned', `Bank credit ${credit.creditId} is a return, or was returned by the bank: there is no match to undo.`);
  if (credit.applied.length === 0) throw new CommandRejected('conflict', `credit_${credit.status}`, `Bank credit ${credit.creditId} paid no invoice (it is ${credit.status}): there is no match to undo.`);
  const at = ctx.now.toISOString();

  // 2. The payments reversed
  const out = await reverseCreditPayments(deps, credit, { kind: 'undo', ...(input.note ? { note: input.note } : {}) }, ctx, { creditId: credit.creditId });
  const failed = new Set(out.failures.map((f) => f.invoiceId));
  if (out.reversed.length === 0) {
    throw new CommandRejected('rule', 'nothing_reversed', out.failures.map((f) => f.reason).join(' ') || `Bank credit ${credit.creditId} has no payment to take back.`);
  }
  // 3. The invoices may be paid from it again
  for (const r of out.reversed) await deps.bankCredits.releaseApplication(credit.tenantId, credit.creditId, r.invoiceId);

  // 4. The customer credit
  const cc = credit.customerCredit;
  const customerCreditRemoved = cc
    ? await deps.bankCredits.removeCustomerCredit({ tenantId: credit.tenantId, customerId: cc.customerId, creditId: credit.creditId, at, by: ctx.actor, why: `the match of the bank credit was undone by ${actorLabel(ctx)}` })
    : false;
  if (cc && customerCreditRemoved) await deps.tasks.complete(credit.tenantId, customerCreditTaskId(cc.customerId, credit.creditId), ctx.actor, at, 'the customer credit was taken away: the match was undone');

  // 5. The debtor IBAN, if this credit alone taught it
  let debtorIbanForgotten: UndoOutcome['debtorIbanForgotten'];
  const iban = credit.debtor?.iban;
  const paid = out.reversed[0] ? await deps.invoices.getInvoice(credit.tenantId, out.reversed[0].invoiceId) : undefined;
  if (iban && paid && (await deps.bankCredits.forgetDebtorIban(credit.tenantId, iban, paid.customerId, credit.creditId))) debtorIbanForgotten = { iban, customerId: paid.customerId };

  // 6. Waiting again, with its task
  const left = credit.applied.filter((a) => failed.has(a.invoiceId));
  const reasons = [
    ...credit.reasons,
    `match undone by ${actorLabel(ctx)}${input.note ? `: ${input.note}` : ''} (${out.reversed.length} payment(s) reversed)`,
    ...out.failures.map((f) => `not reversed on invoice ${f.invoiceId}: ${f.reason}`),
  ];
  const status = credit.suggestions.length > 0 ? ('suggested' as const) : ('unmatched' as const);
  const decision = { status, reasons, suggestions: credit.suggestions, applied: left, decidedAt: at, decidedBy: ctx.actor };
  if (!(await deps.bankCredits.decide(credit.tenantId, credit.creditId, [credit.status], decision, { remove: ['rule', 'customerCredit'] }))) {
    throw new CommandRejected('conflict', 'credit_changed', `Bank credit ${credit.creditId} changed meanwhile: read it again.`);
  }
  const { rule: _rule, customerCredit: _cc, ...rest } = credit;
  const after: BankCreditRecord = { ...rest, ...decision };
  const task = creditToConfirmTask(after, reasons, credit.suggestions, at);
  await deps.tasks.open({ ...task, createdBy: ctx.actor, customerId: task.customerId || (paid?.customerId ?? '') });
  return { credit: after, reversed: out.reversed, failures: out.failures, customerCreditRemoved, ...(debtorIbanForgotten ? { debtorIbanForgotten } : {}) };
};
