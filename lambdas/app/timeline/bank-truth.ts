/**
 * The bank truth before a contact goes out (issue: "no reminder after the money has arrived"):
 * - every stage: an unconfirmed credit (suggested or unmatched) that could be this customer's and
 *   arrived since the invoice was last chased holds the stage (domain/timeline/stage-holds.ts
 *   unconfirmedCredit); past its confirmation deadline it no longer holds: its creditToConfirm task
 *   is opened (or kept) and the invoice's log says the chase resumed although it is unconfirmed;
 * - firm stages (credit hold, hand-off): they also wait while the company's statements are stale
 *   (domain/bank/statement-freshness.ts), and the finance team gets one task a day saying so.
 * The deferral itself (written on the invoice, the state machine re-planning) is the caller's.
 */
import { accountKey, creditToConfirmTask, tenantAccounts, type BankCreditRecord } from '../../domain/bank/credit-records.js';
import { staleStatements, type Staleness } from '../../domain/bank/statement-freshness.js';
import { staleStatementsTaskId } from '../../domain/commands/tasks.js';
import { amountDue } from '../../domain/model.js';
import { toleranceFor } from '../../domain/money/matching/amounts.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { localDay } from '../../domain/shared/days.js';
import { nextSendMoment } from '../../domain/timeline/calendar.js';
import { unconfirmedCredit, UNCONFIRMED_CREDIT_STATUSES, type CreditCheck, type UnconfirmedCreditHold } from '../../domain/timeline/stage-holds.js';
import type { Stage, Step } from '../../domain/timeline/stages.js';
import type { BankCreditRepository } from '../ports/bank-credits.js';
import type { StatementFeed } from '../ports/statement-feed.js';
import { DeferredError } from '../task-errors.js';
import type { StageRequest } from './execution.js';
import type { InvoiceCase } from './invoice-case.js';
import type { CaseDeps, TimelinePorts } from './ports.js';

export type BankTruthDeps = CaseDeps & Pick<TimelinePorts, 'tasks' | 'logger' | 'count'> & { bankCredits: Pick<BankCreditRepository, 'list' | 'knownDebtorIbans' | 'mayHaveUnconfirmed'> };
export type FirmStageDeps = BankTruthDeps & { statementFeed: Pick<StatementFeed, 'marks'> };

/** The stages that also wait for fresh statements: escalating on old bank data is never undone. */
export const FIRM_STAGES: readonly Stage[] = ['creditHold', 'escalation'];

export type StaleStatementsHold = { hold: 'staleStatements'; until: Date; reason: string };
export type BankTruthHold = UnconfirmedCreditHold | StaleStatementsHold;

type Checked = CreditCheck & { credits: BankCreditRecord[] };

/**
 * The tenant's suggested and unmatched credits, read only when the company may have some
 * (`mayHave`: as read beside the case, else asked now); the learned IBANs and the customer's open
 * invoices only when there is such a credit.
 */
export const checkUnconfirmedCredits = async (deps: BankTruthDeps, c: InvoiceCase, now: Date, mayHave?: boolean): Promise<Checked> => {
  const inv = c.view.invoice;
  if (!(mayHave ?? (await deps.bankCredits.mayHaveUnconfirmed(inv.tenantId)))) return { lapsed: [], credits: [] };
  const credits = await deps.bankCredits.list(inv.tenantId, { status: UNCONFIRMED_CREDIT_STATUSES });
  if (credits.length === 0) return { lapsed: [], credits };
  const [knownDebtorIbans, open] = await Promise.all([deps.bankCredits.knownDebtorIbans(inv.tenantId), deps.invoices.openInvoicesOfCustomer(inv.tenantId, inv.customerId)]);
  const openAmountDue = [inv, ...open.filter((o) => o.invoiceId !== inv.invoiceId)].filter((o) => o.currency === inv.currency).reduce((sum, o) => sum + amountDue(o), 0);
  const tolerance = toleranceFor(c.tenant.paymentTolerances ?? [], inv.currency);
  return { ...unconfirmedCredit({ credits, customer: c.customer, knownDebtorIbans, invoice: inv, openAmountDue, tolerance, finance: c.tenant, policy: c.policy, now }), credits };
};

/** Credits past their deadline: the finance team is told, once per credit and invoice. */
export const noteLapsedCredits = async (deps: BankTruthDeps, c: InvoiceCase, stage: Step, checked: Checked, now: Date): Promise<void> => {
  const inv = c.view.invoice;
  const at = now.toISOString();
  for (const l of checked.lapsed) {
    const credit = checked.credits.find((x) => x.creditId === l.creditId)!;
    await deps.tasks.open({ ...creditToConfirmTask(credit, [...credit.reasons, l.reason], credit.suggestions, at), customerId: inv.customerId, invoiceId: inv.invoiceId });
    const note = contactEvent({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, at, type: 'note', channel: 'system', actor: 'system', stage, outcome: 'recorded', details: { kind: 'unconfirmedCreditLapsed', creditId: l.creditId, reason: l.reason } });
    await deps.invoices.appendEventOnce(note, `creditLapsed#${l.creditId}`);
    deps.logger.info('chase resumed although a credit is unconfirmed', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, stage, creditId: l.creditId });
  }
};

/** Whether the company's statements are stale (only for a company that said how often they come). */
const checkStatements = async (feed: FirmStageDeps['statementFeed'], c: InvoiceCase, now: Date): Promise<Staleness | undefined> => {
  const schedule = c.tenant.bankStatements;
  if (!schedule) return undefined;
  const marks = await feed.marks(c.tenant.tenantId);
  const accounts = tenantAccounts(c.tenant).map((a) => accountKey({ ...a, currency: a.currency ?? '' }));
  return staleStatements({ schedule, marks, accounts, today: localDay(now, c.tenant.timeZone), country: c.tenant.country });
};

/**
 * The bank truth for a call task or a firm stage, in this order: an unconfirmed credit that could
 * be the customer's, then (firm stages only) stale statements. Lapsed credits are noted either way.
 */
export const bankTruthHold = async (deps: BankTruthDeps & Partial<Pick<FirmStageDeps, 'statementFeed'>>, c: InvoiceCase, stage: Step, now: Date): Promise<BankTruthHold | undefined> => {
  const checked = await checkUnconfirmedCredits(deps, c, now);
  await noteLapsedCredits(deps, c, stage, checked, now);
  if (checked.hold) return checked.hold;
  if (!(FIRM_STAGES as readonly string[]).includes(stage) || !deps.statementFeed) return undefined;
  const stale = await checkStatements(deps.statementFeed, c, now);
  if (!stale) return undefined;
  const day = localDay(now, c.tenant.timeZone);
  const inv = c.view.invoice;
  const opened = await deps.tasks.open({
    tenantId: inv.tenantId,
    taskId: staleStatementsTaskId(day),
    kind: 'staleStatements',
    status: 'open',
    // The company's, not a customer's: the first invoice held is named in the note.
    customerId: '',
    createdAt: now.toISOString(),
    createdBy: 'system',
    note: `${stale.reason}. Credit holds and hand-offs wait until a current statement arrives (first held today: ${stage} of invoice ${inv.number}): upload it under bank/ or through the admin API.`,
  });
  if (opened) deps.count('BankStatementsStale');
  const until = nextSendMoment(new Date(now.getTime() + 86_400_000), c.customer, c.policy, c.tenant.closures);
  return { hold: 'staleStatements', until, reason: `${stage} waits for current bank statements: ${stale.reason}` };
};

/** The message a DeferredError carries for a bank-truth hold. */
export const heldMessage = (stage: Step, hold: BankTruthHold): string =>
  hold.hold === 'unconfirmedCredit' ? `${stage} held: an unconfirmed bank credit could be the customer's payment (${hold.creditIds.join(', ')})` : `${stage} held: ${hold.reason}`;

/**
 * A call task or a firm stage held by the bank truth: the deferral written on the invoice (the
 * planner moves the stage to `until`) and Sollecito.Deferred thrown, which the state map routes
 * back to PlanTimeline. Returns when nothing holds it.
 */
export const deferUnlessBankAgrees = async (
  deps: BankTruthDeps & Partial<Pick<FirmStageDeps, 'statementFeed'>>,
  c: InvoiceCase,
  input: StageRequest,
  now: Date,
): Promise<void> => {
  const hold = await bankTruthHold(deps, c, input.stage, now);
  if (!hold) return;
  await deps.invoices.deferStage({ tenantId: input.tenantId, invoiceId: input.invoiceId, revision: input.revision, run: input.run, stage: input.stage, until: hold.until.toISOString(), reason: hold.reason, at: now.toISOString() });
  deps.count('StagesDeferred');
  deps.logger.info('stage held by the bank truth', { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage, hold: hold.hold, until: hold.until.toISOString() });
  throw new DeferredError(heldMessage(input.stage, hold));
};
