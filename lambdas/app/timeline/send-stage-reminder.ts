/**
 * The written stages of the timeline (SendReceiptCheck, SendPreDue, SendDueDate, SendFirstOverdue,
 * SendSecondOverdue) and the policy's extra reminders (SendExtraReminder, the furtherReminder
 * message, then a re-plan), e-mail and SMS:
 * 1. A stage the plan skips returns at once.
 * 2. Load the invoice's case; one no longer open for this execution ends it.
 * 3. Done already (by another invoice's message to this customer, or before a crash): move on.
 * 4. Held back (domain/timeline/stage-holds.ts): an answer waiting with the finance team, an
 *    unconfirmed bank credit that could be the customer's payment (the bank truth), or the phone
 *    call coming forward; the deferral is logged and the state machine re-plans. A credit past its
 *    confirmation deadline no longer holds the stage: its creditToConfirm task is opened (or kept)
 *    and the invoice's log says the chase resumed although the credit is unconfirmed.
 * 5. Send through the customer's gate (app/messaging/send-guarded-message.ts), carrying what the
 *    customer's other invoices have due today, or deferred by it (one message a day, caps, window,
 *    a firmer message of another invoice due today; on the Task's last attempt, SES refusing it
 *    for the sending rate).
 * The invoice's copy is not attached: each invoice's signed "view" link serves it (customer pages),
 * which keeps reminders light for spam filters and lets the copy expire with the link.
 */
import { ignoredEmailsInARow } from '../../domain/timeline/engagement.js';
import { stageHold } from '../../domain/timeline/stage-holds.js';
import { extraStep, isExtraStep, type Step } from '../../domain/timeline/stages.js';
import { sendGuardedMessage, type ChannelOutcome } from '../messaging/send-guarded-message.js';
import { DeferredError, InvoiceClosedError } from '../task-errors.js';
import { isLastAttempt, isSkipped, type StageRequest } from './execution.js';
import { isCurrent, loadCaseWith } from './invoice-case.js';
import { checkUnconfirmedCredits, heldMessage, noteLapsedCredits, type BankTruthDeps } from './bank-truth.js';
import type { MessagingDeps } from './ports.js';
import { deferStage } from './defer-stage.js';
import type { VoiceKind } from '../../domain/timeline/precedence.js';

export type SendStageDeps = BankTruthDeps & MessagingDeps;

export interface StageResult {
  stage: Step;
  outcome: 'skipped' | 'sent' | 'failed' | 'unreachable' | 'alreadyDone';
  channels: ChannelOutcome[];
}

export const sendStageReminder = async (deps: SendStageDeps, input: StageRequest): Promise<StageResult> => {
  const ids = { tenantId: input.tenantId, invoiceId: input.invoiceId, stage: input.stage };
  // 1. Skipped by the plan
  if (isSkipped(input)) {
    deps.logger.info('stage skipped by the plan', ids);
    return { stage: input.stage, outcome: 'skipped', channels: [] };
  }
  // 2. The case, and in the same request what the rest needs from single items (the customer's and
  // the company's marks, the turn, the stage's guard); a cheap early exit: the guard's transaction
  // is what actually decides.
  const loaded = await loadCaseWith(deps, input.tenantId, input.invoiceId, (inv) =>
    Promise.all([
      deps.tasks.answersWaiting(inv.tenantId, inv.invoiceId, inv.customerId),
      deps.bankCredits.mayHaveUnconfirmed(inv.tenantId),
      deps.voice.look(inv.tenantId, inv.customerId),
      deps.invoices.isDone(inv.tenantId, inv.invoiceId, input.stage),
      deps.bankCredits.openCustomerCredits(inv.tenantId, inv.customerId),
      deps.wording ? deps.wording.current(inv.tenantId) : [],
    ]),
  );
  if (!loaded) throw new InvoiceClosedError('invoice not found');
  const c = loaded.case;
  const [waiting, mayHaveUnconfirmed, voice, done, credits, overrides] = loaded.beside;
  const inv = c.view.invoice;
  if (!isCurrent(c, input) || inv.status !== 'open') throw new InvoiceClosedError(`invoice is ${inv.status} (revision ${inv.revision}, run ${inv.run})`);
  // An extra reminder the policy no longer has (changed since the plan): nothing to send, the re-plan that follows drops it.
  const extra = isExtraStep(input.stage) ? c.policy.extraReminders.find((e) => extraStep(e.id) === input.stage) : undefined;
  if (isExtraStep(input.stage) && !extra) {
    deps.logger.info('extra reminder no longer in the policy', ids);
    return { stage: input.stage, outcome: 'skipped', channels: [] };
  }

  // 3. Done already: before the contact limits would count it again
  if (c.view.stagesDone.some((s) => s.stage === input.stage)) {
    deps.logger.info('stage already done', ids);
    return { stage: input.stage, outcome: 'alreadyDone', channels: [] };
  }
  // 4. Held back
  const now = deps.clock.now();
  const bank = await checkUnconfirmedCredits(deps, c, now, mayHaveUnconfirmed);
  const ignoredEmails = ignoredEmailsInARow(c.view.events);
  const hold = stageHold({
    stage: input.stage,
    invoice: inv,
    customer: c.customer,
    policy: c.policy,
    companyClosures: c.tenant.closures,
    events: c.view.events,
    stagesDone: c.view.stagesDone,
    ignoredEmails,
    waitingAnswers: waiting,
    unconfirmedCredit: bank.hold,
    now,
  });
  // The chase resumes past a credit's deadline: the finance team is told.
  if (hold?.hold !== 'waitingForFinance' && hold?.hold !== 'unconfirmedCredit') await noteLapsedCredits(deps, c, input.stage, bank, now);
  if (hold) {
    await deps.invoices.deferStage({ ...ids, revision: input.revision, run: input.run, stage: input.stage, until: hold.until.toISOString(), reason: hold.reason, at: now.toISOString() });
    throw new DeferredError(
      hold.hold === 'waitingForFinance'
        ? `${input.stage} held: the customer's answer is still with the finance team`
        : hold.hold === 'unconfirmedCredit'
          ? heldMessage(input.stage, hold)
          : `${input.stage} gives way to the phone call: two e-mails ignored, no SMS possible`,
    );
  }
  // 5. The message
  const out = await sendGuardedMessage(deps, {
    invoice: inv,
    customer: c.customer,
    tenant: c.tenant,
    policy: c.policy,
    kind: extra ? 'furtherReminder' : (input.stage as VoiceKind),
    guardKey: input.stage,
    ...(extra ? { extra } : {}),
    requiredStatus: 'open',
    revision: input.revision,
    run: input.run,
    ignoredEmails,
    payments: c.view.payments,
    events: c.view.events,
    readBeside: { voice, done, credits, overrides },
    lastAttempt: isLastAttempt(input),
  });
  if (out.outcome === 'deferred') return deferStage(deps, input, out, now);
  return { stage: input.stage, outcome: out.outcome, channels: out.channels };
};
