/**
 * CheckPromise: the day after a promised date, the end of a dated pause, or the end of the grace
 * given to a payment the customer says they made.
 * 1. Load the invoice's case; a missing or superseded one closes the execution.
 * 2. What is due (domain/timeline/promise-check.ts): kept, broken, claim expired, pause ended.
 * 3. Kept, claim expired, pause ended: make the status change under the send guard (once).
 * 4. Broken: the broken-promise reminder (the missed-instalment one for a plan) goes through the
 *    customer's gate, and the status change is made only once it may leave; not now (one message
 *    a day, the caps, a hand-off due today): the promise is checked again at the moment the gate names.
 *    A missed instalment under a policy with a plan grace: the missed-instalment reminder, the plan
 *    stands; at the end of the grace, still missed, the plan is cancelled (back to open) and the
 *    timeline speaks next.
 *    A plan's instalment still ahead, on its reminder's day: the instalment reminder (once per
 *    instalment) goes through the same gate; not now: tried again at the moment the gate names,
 *    unless that is on or after the instalment's date (the instalment is only checked then).
 * 5. The planner says what comes next, whatever the status is now.
 * Every plan handed back keeps within the execution's year (keep-within-year.ts): a pause ending
 * late in the execution's life, or an instalment checked past the year, ends it for a later run.
 */
import { checkPromiseDue } from '../../domain/timeline/promise-check.js';
import { instalmentReminder } from '../../domain/timeline/instalment-reminder.js';
import { sendContext } from '../../domain/timeline/calendar.js';
import { localDay } from '../../domain/shared/days.js';
import type { TimelinePlan } from '../../domain/timeline/plan.js';
import type { VoiceKind } from '../../domain/timeline/precedence.js';
import { sendGuardedMessage } from '../messaging/send-guarded-message.js';
import { guardedTransition } from './guarded-transition.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { closedPlan, isCurrent, loadCase } from './invoice-case.js';
import { planFor } from './plan-timeline.js';
import { isLastAttempt, type ExecutionRef, type TaskAttempt } from './execution.js';
import type { CaseDeps, MessagingDeps, TimelinePorts } from './ports.js';
import { keepWithinYear, type YearDeps } from './keep-within-year.js';

export type CheckPromiseDeps = CaseDeps & MessagingDeps & Pick<TimelinePorts, 'tasks'> & YearDeps;
type CheckInput = ExecutionRef & TaskAttempt & { plan: Pick<TimelinePlan, 'checkAt'>; startedAt?: string };

export const checkPromise = async (deps: CheckPromiseDeps, input: CheckInput): Promise<TimelinePlan> => {
  const plan = await checkAndPlan(deps, input);
  // planFor already kept its plan within the year; a promise plan of this step's own is measured here.
  return plan.mode === 'promise' ? keepWithinYear(deps, input, plan) : plan;
};

const checkAndPlan = async (deps: CheckPromiseDeps, input: CheckInput): Promise<TimelinePlan> => {
  // 1. The case
  const c = await loadCase(deps, input.tenantId, input.invoiceId);
  if (!c) return closedPlan(deps.clock.now(), 'invoice not found');
  const inv = c.view.invoice;
  if (!isCurrent(c, input)) return closedPlan(deps.clock.now(), `superseded: the invoice is at revision ${inv.revision}, run ${inv.run}`);
  const exec = { revision: input.revision, run: input.run };
  const ids = { tenantId: inv.tenantId, invoiceId: inv.invoiceId };
  const checkDay = (input.plan.checkAt ?? deps.clock.now().toISOString()).slice(0, 10);

  // 2. What is due
  const calendar = sendContext(c.customer, c.policy, c.tenant.closures);
  const upcoming = { reminder: instalmentReminder(inv, c.policy.plans.reminderDaysBefore, calendar), localDay: localDay(new Date(input.plan.checkAt ?? deps.clock.now().toISOString()), c.customer.timeZone) };
  const check = checkPromiseDue(inv, checkDay, c.policy.plans.graceDays, upcoming);
  // 3. The status change
  if (check.outcome === 'kept' || check.outcome === 'claimExpired' || check.outcome === 'pauseEnded' || check.outcome === 'planCancelled') await guardedTransition(deps, c, exec, check.transition);
  if (check.outcome === 'kept') deps.logger.info('promise kept', ids);
  if (check.outcome === 'planCancelled') deps.count('PromisesBroken');
  /** A message about the plan or promise, through the customer's gate, while the invoice stays promised. */
  const sendWhilePromised = (r: { kind: VoiceKind; guardKey: string; promiseDate: string }) =>
    sendGuardedMessage(deps, {
      invoice: inv,
      customer: c.customer,
      tenant: c.tenant,
      policy: c.policy,
      kind: r.kind,
      guardKey: r.guardKey,
      requiredStatus: 'promised',
      payments: c.view.payments,
      events: c.view.events,
      ...exec,
      facts: { promiseDate: r.promiseDate },
      lastAttempt: isLastAttempt(input),
    });
  // 4c. A plan's instalment announced ahead of its date
  if (check.outcome === 'instalmentDue') {
    const { kind, guardKey } = check.reminder;
    const { number, count, date } = check.instalment;
    const out = await sendWhilePromised(check.reminder);
    if (out.outcome === 'deferred' && localDay(new Date(out.until), c.customer.timeZone) < date) {
      await deps.invoices.appendEventOnce(
        contactEvent({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, at: deps.clock.now().toISOString(), type: 'deferred', channel: 'system', actor: 'system', stage: kind, outcome: 'recorded', details: { until: out.until, reason: out.reason } }),
        `deferred#${guardKey}#${out.until}`,
      );
      deps.logger.info('instalment reminder waits', { ...ids, until: out.until });
      return { ...closedPlan(deps.clock.now(), ''), mode: 'promise', checkAt: out.until, reason: `instalment ${number} of ${count} for ${date}: its reminder waits until ${out.until} (${out.reason})` };
    }
    if (out.outcome === 'deferred') deps.logger.info('instalment reminder left out: the gate allows it only from the instalment date', { ...ids, until: out.until });
    else deps.logger.info('instalment announced', { ...ids, outcome: out.outcome });
  }
  // 4a. A missed instalment within the plan's grace: the follow-up, and the plan stands
  if (check.outcome === 'instalmentLate') {
    const out = await sendWhilePromised(check.reminder);
    if (out.outcome === 'deferred' && out.until.slice(0, 10) <= check.graceUntil) {
      deps.logger.info('missed-instalment follow-up waits', { ...ids, until: out.until });
      return { ...closedPlan(deps.clock.now(), ''), mode: 'promise', checkAt: out.until, reason: `instalment missed: its follow-up waits until ${out.until} (${out.reason})` };
    }
    deps.logger.info('instalment missed: the plan stands for its grace', { ...ids, graceUntil: check.graceUntil });
  }
  // 4. The broken-promise reminder, and then the status change
  if (check.outcome === 'broken') {
    const { kind, guardKey, promiseDate } = check.reminder;
    const out = await sendGuardedMessage(deps, {
      invoice: { ...inv, status: 'open' },
      customer: c.customer,
      tenant: c.tenant,
      policy: c.policy,
      kind,
      guardKey,
      requiredStatus: 'open',
      payments: c.view.payments,
      events: c.view.events,
      ...exec,
      facts: { promiseDate },
      beforeClaim: () => guardedTransition(deps, c, exec, check.transition),
      lastAttempt: isLastAttempt(input),
    });
    if (out.outcome === 'deferred') {
      await deps.invoices.appendEventOnce(
        contactEvent({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, at: deps.clock.now().toISOString(), type: 'deferred', channel: 'system', actor: 'system', stage: kind, outcome: 'recorded', details: { until: out.until, reason: out.reason } }),
        `deferred#${guardKey}#${out.until}`,
      );
      deps.logger.info('broken-promise reminder waits', { ...ids, until: out.until });
      return { ...closedPlan(deps.clock.now(), ''), mode: 'promise', checkAt: out.until, reason: `broken promise: its reminder waits until ${out.until} (${out.reason})` };
    }
    deps.count('PromisesBroken');
    deps.logger.info('promise broken', { ...ids, kind });
  }
  // 5. What comes next
  return planFor(deps, input);
};
