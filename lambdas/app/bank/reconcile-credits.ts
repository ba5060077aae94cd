/**
 * The tenant's undecided bank credits matched against its open invoices and applied:
 * 1. Load the credits no decision was written on yet (this statement's, and any an earlier run
 *    left undecided); nothing to do without them.
 * 2. Load the open invoices (the open-by-due index), those handed to the agency in the last year
 *    (recognised, never paid automatically), their customers and the debtor IBANs learned from
 *    confirmed credits.
 * 3. Let the pure matcher decide (domain/money/matching/match-credits.ts).
 * 4. For each decision:
 *    - matched: apply each allocation as a payment (apply-credit.ts, actor 'bank', channel
 *      'system'); one short within the tenant's tolerance (paymentTolerances) settles its invoice
 *      with the difference recorded; an overpayment's rest becomes the customer's credit, offered
 *      by a customerCredit task against the customer's other open invoices in its currency (read in
 *      step 2, less what this run paid on them). A refused payment leaves the
 *      credit unmatched with the reason and a task, never lost;
 *    - suggested or unmatched: a "credit to confirm" task with the top suggestions, never a payment.
 * 5. Write the decision on the credit (only if still undecided: a concurrent run wins once).
 * 6. Count the outcomes.
 */
import { creditToConfirmTask, matchableCredit, type BankCreditRecord, type BankCreditStatus } from '../../domain/bank/credit-records.js';
import type { CommandContext } from '../../domain/commands/commands.js';
import { creditOffer, customerCreditTask, type CustomerCredit } from '../../domain/commands/customer-credit.js';
import type { Invoice, Tenant } from '../../domain/model.js';
import { matchCredits } from '../../domain/money/matching/match-credits.js';
import type { MatchDecision, Suggestion } from '../../domain/money/matching/types.js';
import { localDay } from '../../domain/shared/days.js';
import type { Observability } from '../observability.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { Commands } from '../ports/commands.js';
import type { OpenReceivables } from '../ports/receivables.js';
import type { TaskRepository } from '../ports/tasks.js';
import { applyCredit } from './apply-credit.js';

export interface ReconcileDeps extends Observability {
  bankCredits: BankCreditRepository;
  receivables: OpenReceivables;
  commands: Pick<Commands, 'onInvoice'>;
  tasks: Pick<TaskRepository, 'open'>;
  now: () => Date;
}

export interface ReconcileSummary {
  decided: number;
  matched: number;
  suggested: number;
  unmatched: number;
  payments: number;
  customerCredits: number;
  tasksOpened: number;
}

/** The matcher's actor and channel on every payment it applies. */
export const bankContext = (tenant: Tenant, now: Date): CommandContext => ({ actor: 'bank', channel: 'system', now, timeZone: tenant.timeZone });

interface Outcome {
  status: BankCreditStatus;
  reasons: string[];
  suggestions: Suggestion[];
  applied: BankCreditRecord['applied'];
  customerCredit?: NonNullable<MatchDecision['customerCredit']>;
  payments: number;
}

/** The invoices read for this run and what its payments took off them since: the offer of a customer credit. */
interface RunBooks {
  invoices: readonly Invoice[];
  paid: Map<string, number>;
}

const settle = async (deps: ReconcileDeps, tenant: Tenant, credit: BankCreditRecord, d: MatchDecision, books: RunBooks): Promise<Outcome> => {
  const suggestions = d.suggestions ?? [];
  if (d.decision !== 'matched' || !d.allocations) return { status: d.decision, reasons: d.reasons, suggestions, applied: credit.applied, payments: 0 };
  const now = deps.now();
  const allocations = d.allocations.map((a) => ({ invoiceId: a.invoiceId, amount: a.amount, ...(a.effect === 'settlesWithDifference' && d.difference ? { difference: d.difference.amount } : {}) }));
  const out = await applyCredit(deps, credit, allocations, bankContext(tenant, now));
  const payments = out.applied.length - credit.applied.length;
  for (const a of out.applied.slice(credit.applied.length)) books.paid.set(a.invoiceId, (books.paid.get(a.invoiceId) ?? 0) + a.amount);
  if (out.failures.length > 0) {
    const reasons = [...d.reasons, ...out.failures.map((f) => `not applied to invoice ${f.invoiceId}: ${f.reason}`)];
    return { status: 'unmatched', reasons, suggestions, applied: out.applied, payments };
  }
  if (d.customerCredit) {
    const c = d.customerCredit;
    const kept: CustomerCredit = {
      tenantId: tenant.tenantId,
      creditId: credit.creditId,
      customerId: c.customerId,
      amount: c.amount,
      currency: c.currency,
      at: now.toISOString(),
      ...(d.allocations[0] ? { invoiceId: d.allocations[0].invoiceId } : {}),
      source: { kind: 'overpayment' },
    };
    if (await deps.bankCredits.recordCustomerCredit(kept)) {
      deps.count('CustomerCreditRecorded');
      // Offered against the customer's other open invoices in its currency (or a refund): once, with the credit.
      await deps.tasks.open(customerCreditTask(kept, creditOffer(kept, books.invoices, books.paid), now.toISOString(), 'bank'));
    }
  }
  return { status: 'matched', reasons: d.reasons, suggestions, applied: out.applied, ...(d.customerCredit ? { customerCredit: d.customerCredit } : {}), payments };
};

export const reconcileCredits = async (deps: ReconcileDeps, tenant: Tenant): Promise<ReconcileSummary> => {
  const summary: ReconcileSummary = { decided: 0, matched: 0, suggested: 0, unmatched: 0, payments: 0, customerCredits: 0, tasksOpened: 0 };
  const tenantId = tenant.tenantId;

  // 1. The undecided credits
  const credits = await deps.bankCredits.list(tenantId, { undecided: true });
  if (credits.length === 0) return summary;

  // 2. What they may pay
  const today = localDay(deps.now(), tenant.timeZone);
  const [open, handedOver, knownDebtorIbans] = await Promise.all([deps.receivables.openInvoices(tenantId, today), deps.receivables.handedOver(tenantId, today), deps.bankCredits.knownDebtorIbans(tenantId)]);
  const invoices = [...open, ...handedOver];
  const customers = await deps.receivables.customers(tenantId, invoices.map((i) => i.customerId));

  // 3. The matcher decides
  const decisions = matchCredits({ credits: credits.map(matchableCredit), invoices, customers, knownDebtorIbans, options: { tolerances: tenant.paymentTolerances ?? [] } });
  const byId = new Map(credits.map((c) => [c.creditId, c]));
  const books: RunBooks = { invoices: open, paid: new Map() };

  for (const d of decisions) {
    const credit = byId.get(d.creditId)!;
    // 4. Applied, or a task
    const o = await settle(deps, tenant, credit, d, books);
    const at = deps.now().toISOString();
    if (o.status !== 'matched' && (await deps.tasks.open(creditToConfirmTask(credit, o.reasons, o.suggestions, at)))) summary.tasksOpened++;
    // 5. The decision
    const written = await deps.bankCredits.decide(
      tenantId,
      credit.creditId,
      ['unmatched'],
      { status: o.status, reasons: o.reasons, suggestions: o.suggestions, applied: o.applied, decidedAt: at, decidedBy: 'bank', ...(d.rule ? { rule: d.rule } : {}), ...(o.customerCredit ? { customerCredit: o.customerCredit } : {}) },
      { undecidedOnly: true },
    );
    if (!written) deps.logger.warn('bank credit decided meanwhile', { creditId: credit.creditId });
    summary.decided++;
    summary[o.status === 'matched' ? 'matched' : o.status === 'suggested' ? 'suggested' : 'unmatched']++;
    summary.payments += o.payments;
    if (o.customerCredit) summary.customerCredits++;
  }

  // 6. Counts
  deps.count('BankCreditsMatched', summary.matched);
  deps.count('BankCreditsToConfirm', summary.suggested + summary.unmatched);
  deps.count('BankPaymentsApplied', summary.payments);
  return summary;
};
