/**
 * The finance team decides a bank credit the matcher left to them (POST /v1/bank-credits/{id}/…).
 * Confirm:
 * 1. The credit must still be waiting (unmatched or suggested).
 * 2. The allocations: those given (a manual split across invoices), or else the chosen suggestion's
 *    invoices in order, each taking what it has due until the credit is used up.
 * 3. They must be positive, one per invoice, and fit in what is left of the credit.
 * 4. Apply them as payments (apply-credit.ts, the user as actor, channel 'api').
 * 5. Write the decision: matched when every allocation was applied, else still waiting with the
 *    failures' reasons; learn the debtor's IBAN for the customer paid; close the task.
 * Reject: the credit is not the company's receivable (a refund, a loan, …): status rejected with the
 * reason, the task closed.
 */
import { unallocated, type BankCreditRecord, type BankCreditStatus } from '../../domain/bank/credit-records.js';
import { CommandRejected, actorLabel, type CommandContext } from '../../domain/commands/commands.js';
import { creditToConfirmTaskId } from '../../domain/commands/tasks.js';
import { amountDue } from '../../domain/model.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { Commands } from '../ports/commands.js';
import type { InvoiceRepository } from '../ports/invoices.js';
import type { TaskRepository } from '../ports/tasks.js';
import { applyCredit, type AllocationRequest, type ApplyOutcome } from './apply-credit.js';

export interface DecideCreditDeps {
  bankCredits: BankCreditRepository;
  commands: Pick<Commands, 'onInvoice'>;
  invoices: Pick<InvoiceRepository, 'getInvoice'>;
  tasks: Pick<TaskRepository, 'complete'>;
}

const WAITING: readonly BankCreditStatus[] = ['unmatched', 'suggested'];

const requireWaiting = (credit: BankCreditRecord): void => {
  if (!WAITING.includes(credit.status)) throw new CommandRejected('conflict', `credit_${credit.status}`, `Bank credit ${credit.creditId} is already ${credit.status}.`);
};

const fromSuggestion = async (deps: DecideCreditDeps, credit: BankCreditRecord, index: number): Promise<AllocationRequest[]> => {
  const s = credit.suggestions[index];
  if (!s) throw new CommandRejected('rule', 'no_suggestion', `Bank credit ${credit.creditId} has no suggestion ${index + 1}: give the allocations.`, 'suggestion');
  let left = unallocated(credit);
  const out: AllocationRequest[] = [];
  for (const id of s.invoiceIds) {
    const inv = await deps.invoices.getInvoice(credit.tenantId, id);
    const take = inv ? Math.min(amountDue(inv), left) : 0;
    if (take > 0) out.push({ invoiceId: id, amount: take });
    left -= take;
  }
  return out;
};

const checkAllocations = (credit: BankCreditRecord, allocations: readonly AllocationRequest[]): void => {
  if (allocations.length === 0) throw new CommandRejected('rule', 'nothing_to_apply', 'No invoice of the suggestion has anything due: give the allocations.', 'allocations');
  if (new Set(allocations.map((a) => a.invoiceId)).size !== allocations.length) throw new CommandRejected('rule', 'invoice_twice', 'Each invoice may appear once in the allocations.', 'allocations');
  if (allocations.some((a) => !(a.amount > 0))) throw new CommandRejected('rule', 'amount_not_positive', 'Every allocation must be greater than zero.', 'allocations');
  const total = allocations.reduce((s, a) => s + a.amount, 0);
  const left = unallocated(credit);
  if (total > left) throw new CommandRejected('rule', 'more_than_credit', `The allocations total ${total} but only ${left} of the credit is left to allocate.`, 'allocations');
};

export interface ConfirmInput {
  tenantId: string;
  creditId: string;
  allocations?: AllocationRequest[];
  /** 0-based index of the suggestion to apply when no allocations are given. */
  suggestion?: number;
  ctx: CommandContext;
}

export interface ConfirmOutcome extends ApplyOutcome {
  credit: BankCreditRecord;
  debtorIbanLearned?: { iban: string; customerId: string };
}

export const confirmCredit = async (deps: DecideCreditDeps, credit: BankCreditRecord, input: ConfirmInput): Promise<ConfirmOutcome> => {
  // 1. Still waiting
  requireWaiting(credit);
  // 2. The allocations
  const allocations = input.allocations ?? (await fromSuggestion(deps, credit, input.suggestion ?? 0));
  // 3. Checked
  checkAllocations(credit, allocations);
  // 4. Applied
  const out = await applyCredit(deps, credit, allocations, input.ctx);
  const at = input.ctx.now.toISOString();
  // 5. The decision, the IBAN, the task
  const done = out.failures.length === 0;
  const reasons = done
    ? [...credit.reasons, `confirmed by ${actorLabel(input.ctx)}`]
    : [...credit.reasons, ...out.failures.map((f) => `not applied to invoice ${f.invoiceId}: ${f.reason}`)];
  const decision = { status: done ? ('matched' as const) : credit.status, reasons, suggestions: credit.suggestions, applied: out.applied, decidedAt: at, decidedBy: input.ctx.actor };
  if (!(await deps.bankCredits.decide(credit.tenantId, credit.creditId, WAITING, decision))) {
    throw new CommandRejected('conflict', 'credit_changed', `Bank credit ${credit.creditId} was decided meanwhile.`);
  }
  let debtorIbanLearned: ConfirmOutcome['debtorIbanLearned'];
  const paid = out.applied[0];
  const iban = credit.debtor?.iban;
  if (done && paid && iban) {
    const inv = await deps.invoices.getInvoice(credit.tenantId, paid.invoiceId);
    if (inv) {
      await deps.bankCredits.learnDebtorIban(credit.tenantId, iban, inv.customerId, at, credit.creditId);
      debtorIbanLearned = { iban, customerId: inv.customerId };
    }
  }
  if (done) await deps.tasks.complete(credit.tenantId, creditToConfirmTaskId(credit.creditId), input.ctx.actor, at, 'credit applied');
  return { ...out, credit: { ...credit, ...decision }, ...(debtorIbanLearned ? { debtorIbanLearned } : {}) };
};

export const rejectCredit = async (deps: Pick<DecideCreditDeps, 'bankCredits' | 'tasks'>, credit: BankCreditRecord, reason: string, ctx: CommandContext): Promise<BankCreditRecord> => {
  requireWaiting(credit);
  const at = ctx.now.toISOString();
  const decision = { status: 'rejected' as const, reasons: [...credit.reasons, `rejected by ${actorLabel(ctx)}: ${reason}`], suggestions: credit.suggestions, applied: credit.applied, decidedAt: at, decidedBy: ctx.actor };
  if (!(await deps.bankCredits.decide(credit.tenantId, credit.creditId, WAITING, decision))) {
    throw new CommandRejected('conflict', 'credit_changed', `Bank credit ${credit.creditId} was decided meanwhile.`);
  }
  await deps.tasks.complete(credit.tenantId, creditToConfirmTaskId(credit.creditId), ctx.actor, at, `credit rejected: ${reason}`);
  return { ...credit, ...decision };
};
