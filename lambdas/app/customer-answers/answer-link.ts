/**
 * Answering through a customer link (POST): the same command the admin API runs, as the customer.
 * 1. Open the link (verify it, load the invoice).
 * 2. Only an answer action takes a form (not "view", not the open pixel).
 * 3. The body must be a form carrying this very link's CSRF token.
 * 4. An answer already given through this link is not taken again.
 * 5. Read the fields into the command's input: an incomplete form comes back with its errors.
 * 6. Run the command (actor 'customer', channel 'link'), consuming the answer in the same transaction.
 * 7. Tell the finance team by e-mail.
 * 8. Publish CustomerAnswered.
 * Nothing is consumed until step 6 commits: a refused or incomplete answer can be corrected.
 */
import { CommandRejected, type CommandContext } from '../../domain/commands/commands.js';
import { ANSWER_ACTIONS, FORM_FIELDS, parseAnswer, type Answer, type AnswerAction, type FieldError } from '../../domain/messages/customer-forms.js';
import { verifyCsrf } from '../../domain/messages/links.js';
import { localDay } from '../../domain/shared/days.js';
import { AlreadyDoneError, InvoiceBusyError } from '../ports/commands.js';
import { answerCommand } from './answer-command.js';
import { notifyFinance } from './notify-finance.js';
import { isRefused, linkIds, openLink, type LinkRefused, type OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';

/** What the customer typed, field by field, to fill the form again. */
type Values = Record<string, string>;

export type AnswerOutcome =
  | LinkRefused
  | { kind: 'not-answerable'; link: OpenedLink }
  | { kind: 'not-a-form'; link: OpenedLink }
  | { kind: 'csrf-mismatch'; link: OpenedLink }
  | { kind: 'answered-before'; link: OpenedLink }
  | { kind: 'incomplete'; link: OpenedLink; action: AnswerAction; values: Values; errors: FieldError[] }
  | { kind: 'rejected'; link: OpenedLink; action: AnswerAction; values: Values; rejection: CommandRejected }
  | { kind: 'busy'; link: OpenedLink; action: AnswerAction; values: Values }
  /** `link` shows the invoice as the command left it. */
  | { kind: 'recorded'; link: OpenedLink; action: AnswerAction; answer: Answer };

/** `form`: the posted fields, or undefined when the body is not a urlencoded form (or too big). */
export const answerLink = async (deps: CustomerAnswersDeps, token: string, form: Record<string, string> | undefined): Promise<AnswerOutcome> => {
  // 1. Open the link
  const l = await openLink(deps, token);
  if (isRefused(l)) return l;
  const ids = linkIds(l);

  // 2. An answer action
  if (!(ANSWER_ACTIONS as readonly string[]).includes(l.claims.action)) return { kind: 'not-answerable', link: l };
  const action = l.claims.action as AnswerAction;

  // 3. A form with this link's CSRF token
  if (!form || !verifyCsrf(token, form.csrf, l.ring)) {
    deps.logger.warn('customer form refused', { ...ids, reason: form ? 'csrf' : 'body' });
    return { kind: form ? 'csrf-mismatch' : 'not-a-form', link: l };
  }

  // 4. Not answered before
  if (await deps.answers.answered(l.claims)) {
    deps.count('CustomerAnswersReplayed');
    deps.logger.info('customer answer replayed', ids);
    return { kind: 'answered-before', link: l };
  }

  // 5. Read the fields
  const values = Object.fromEntries(FORM_FIELDS[action].map((f) => [f, form[f] ?? '']));
  const parsed = parseAnswer(action, form, { today: localDay(deps.now(), l.customer.timeZone), country: l.customer.country });
  if (!parsed.ok) {
    deps.logger.info('customer answer incomplete', { ...ids, fields: parsed.errors.map((e) => `${e.field}:${e.code}`) });
    return { kind: 'incomplete', link: l, action, values, errors: parsed.errors };
  }

  // 6. Run the command, consuming the answer
  const decide = answerCommand(parsed.answer, l);
  const via = { ref: l.claims.ref, nonce: l.claims.nonce };
  const now = deps.now();
  let result;
  try {
    result = await deps.commands.onInvoice(
      l.claims.tenantId,
      l.claims.invoiceId,
      (inv) => {
        const ctx: CommandContext = { actor: 'customer', channel: 'link', now: deps.now(), timeZone: l.tenant.timeZone };
        const d = decide(inv, ctx);
        return { ...d, events: d.events.map((e) => ({ ...e, details: { ...e.details, via } })) };
      },
      { once: deps.answers.answerItem(l.claims, now.toISOString()) },
    );
  } catch (err) {
    if (err instanceof AlreadyDoneError) {
      deps.logger.info('customer answer replayed', ids);
      return { kind: 'answered-before', link: l };
    }
    if (err instanceof CommandRejected) {
      deps.logger.info('customer answer refused', { ...ids, code: err.code });
      return { kind: 'rejected', link: l, action, values, rejection: err };
    }
    if (err instanceof InvoiceBusyError) {
      deps.logger.warn('customer answer: invoice busy', ids);
      return { kind: 'busy', link: l, action, values };
    }
    throw err;
  }
  deps.logger.info('customer answer recorded', { ...ids, status: result.invoice.status });
  deps.count('CustomerAnswers');

  // 7. Tell the finance team
  const after: OpenedLink = { ...l, invoice: result.invoice };
  await notifyFinance(deps, after, parsed.answer, result.events[0]?.details ?? {});

  // 8. Publish CustomerAnswered
  await publishAnswer(deps, after);
  return { kind: 'recorded', link: after, action, answer: parsed.answer };
};

/** For other systems (CRM, chat): never fails the answer. */
const publishAnswer = async (deps: Pick<CustomerAnswersDeps, 'events' | 'logger'>, l: OpenedLink): Promise<void> => {
  if (!deps.events) return;
  try {
    await deps.events().publish('CustomerAnswered', {
      tenantId: l.claims.tenantId,
      invoiceId: l.claims.invoiceId,
      action: l.claims.action,
      ref: l.claims.ref,
      status: l.invoice.status,
    });
  } catch (err) {
    deps.logger.warn('CustomerAnswered not published', { invoiceId: l.claims.invoiceId, error: (err as Error).name });
  }
};
