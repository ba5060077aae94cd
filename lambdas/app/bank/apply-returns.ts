/**
 * The returns a statement brought (money the bank took back) acted on:
 * 1. The statement's returns not acted on yet (a repeated file finds them done); nothing to do
 *    without them. The tenant's credits are read once, to look for the ones they take back.
 * 2. For each, the credit it takes back (domain/bank/return-origin.ts: end-to-end id, debtor IBAN
 *    and amount, an invoice named and the amount). A return booked as a credit takes back nothing
 *    of ours; one whose credit cannot be told opens a "return to review" task.
 * 3. Each payment that credit applied is reversed (reverse-credit.ts, actor 'bank'), the bank's
 *    charge recorded on the first invoice; an overpayment's customer credit is taken away.
 * 4. The credit is marked returned, with the return and its reason; a task still open for it
 *    (creditToConfirm) is closed. A reversal refused opens the review task with why.
 * 5. The return records what was done (`actedOn`): it is not acted on again.
 * 6. Count the outcomes.
 * Safe to run again after a crash at any step: a payment is reversed once (reverse-payment.ts),
 * and a credit returned by this very return is still found by it.
 */
import type { BankCreditRecord, BankCreditStatus } from '../../domain/bank/credit-records.js';
import { originOfReturn, returnToReviewTask, takesBackACredit } from '../../domain/bank/return-origin.js';
import { creditToConfirmTaskId, customerCreditTaskId } from '../../domain/commands/tasks.js';
import type { Tenant } from '../../domain/model.js';
import type { Observability } from '../observability.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { Commands } from '../ports/commands.js';
import type { TaskRepository } from '../ports/tasks.js';
import { bankContext } from './reconcile-credits.js';
import { reverseCreditPayments } from './reverse-credit.js';

export interface ApplyReturnsDeps extends Observability {
  bankCredits: Pick<BankCreditRepository, 'list' | 'decide' | 'removeCustomerCredit'>;
  commands: Pick<Commands, 'onInvoice'>;
  tasks: Pick<TaskRepository, 'open' | 'complete'>;
  now: () => Date;
}

export interface ReturnsSummary {
  actedOn: number;
  creditsReturned: number;
  paymentsReversed: number;
  tasksOpened: number;
}

const ALL_STATUSES: readonly BankCreditStatus[] = ['unmatched', 'suggested', 'matched', 'returned', 'rejected'];

const asDecision = (r: BankCreditRecord) => ({ status: r.status, reasons: r.reasons, suggestions: r.suggestions, applied: r.applied, decidedAt: r.decidedAt ?? r.receivedAt, decidedBy: r.decidedBy ?? 'bank' });

const reasonWords = (ret: BankCreditRecord): string => [ret.returned?.reason, ret.returned?.reasonText].filter(Boolean).join(' ') || 'no reason given';

export const applyReturns = async (deps: ApplyReturnsDeps, tenant: Tenant, returnIds: readonly string[]): Promise<ReturnsSummary> => {
  const summary: ReturnsSummary = { actedOn: 0, creditsReturned: 0, paymentsReversed: 0, tasksOpened: 0 };
  const tenantId = tenant.tenantId;
  if (returnIds.length === 0) return summary;

  // 1. This statement's returns still to act on
  const credits = await deps.bankCredits.list(tenantId);
  const wanted = new Set(returnIds);
  const returns = credits.filter((c) => wanted.has(c.creditId) && c.returned !== undefined && c.actedOn === undefined);

  for (const ret of returns) {
    const at = deps.now().toISOString();
    const openTask = async (reasons: string[], customerId?: string): Promise<string> => {
      const task = returnToReviewTask(ret, reasons, at, customerId);
      if (await deps.tasks.open(task)) summary.tasksOpened++;
      return task.taskId;
    };
    let actedOn: NonNullable<BankCreditRecord['actedOn']>;

    // 2. The credit it takes back
    const origin = takesBackACredit(ret) ? originOfReturn(ret, credits) : undefined;
    if (!takesBackACredit(ret)) {
      actedOn = { at, reversed: [] };
    } else if (!origin) {
      const taskId = await openTask([
        `the bank took back ${ret.amount} ${ret.currency} on ${ret.bookingDate} (${reasonWords(ret)}), but no earlier credit it returns was found (end-to-end id, debtor account and amount, an invoice named): check whether a payment must be taken back`,
      ]);
      actedOn = { at, reversed: [], taskId };
    } else {
      const credit = origin.credit;
      // 3. Its payments reversed, its customer credit taken away
      const out = await reverseCreditPayments(deps, credit, { kind: 'return', ...(ret.returned?.reason ? { code: ret.returned.reason } : {}), ...(ret.returned?.reasonText ? { text: ret.returned.reasonText } : {}) }, bankContext(tenant, deps.now()), {
        creditId: ret.creditId,
        ...(ret.returned?.charge ? { charge: ret.returned.charge } : {}),
      });
      summary.paymentsReversed += out.reversed.filter((r) => !r.already).length;
      if (credit.customerCredit) {
        const customerId = credit.customerCredit.customerId;
        if (await deps.bankCredits.removeCustomerCredit({ tenantId, customerId, creditId: credit.creditId, at, by: 'bank', why: `the bank took the money back on ${ret.bookingDate} (${reasonWords(ret)})` })) {
          await deps.tasks.complete(tenantId, customerCreditTaskId(customerId, credit.creditId), 'bank', at, `the customer credit was taken away: the bank took the money back on ${ret.bookingDate}`);
        }
      }
      // 4. The credit returned, its task closed
      const wasWaiting = credit.status === 'unmatched' || credit.status === 'suggested';
      const said = `returned by the bank on ${ret.bookingDate} (${reasonWords(ret)}), told by ${origin.reason}: ${out.reversed.length} payment(s) reversed`;
      const written = await deps.bankCredits.decide(tenantId, credit.creditId, ALL_STATUSES, {
        ...asDecision(credit),
        status: 'returned',
        reasons: credit.returnedBy ? credit.reasons : [...credit.reasons, said],
        decidedAt: at,
        decidedBy: 'bank',
        returnedBy: { creditId: ret.creditId, at, ...(ret.returned?.reason ? { reason: ret.returned.reason } : {}), ...(ret.returned?.reasonText ? { reasonText: ret.returned.reasonText } : {}) },
      });
      if (written) summary.creditsReturned++;
      // Another return of this run must not find it again.
      credits[credits.indexOf(credit)] = { ...credit, status: 'returned', returnedBy: { creditId: ret.creditId, at } };
      if (wasWaiting) await deps.tasks.complete(tenantId, creditToConfirmTaskId(credit.creditId), 'bank', at, `returned by the bank on ${ret.bookingDate}`);
      const taskId = out.failures.length > 0 ? await openTask(out.failures.map((f) => `not reversed on invoice ${f.invoiceId}: ${f.reason}`)) : undefined;
      actedOn = {
        at,
        originalCreditId: credit.creditId,
        rule: origin.rule,
        reversed: out.reversed.map((r) => ({ invoiceId: r.invoiceId, paymentId: r.paymentId, amount: r.amount })),
        ...(taskId ? { taskId } : {}),
      };
    }

    // 5. Acted on
    await deps.bankCredits.decide(tenantId, ret.creditId, ['returned'], { ...asDecision(ret), actedOn });
    summary.actedOn++;
  }

  // 6. Counts
  deps.count('BankReturnsActedOn', summary.actedOn);
  deps.count('BankPaymentsReversed', summary.paymentsReversed);
  deps.count('BankReturnsToReview', summary.tasksOpened);
  return summary;
};
