/**
 * Telling the finance team about an answer: one e-mail to the tenant's finance inboxes, in the
 * team's language, replying to the customer, and its `internal_notice` entry in the contact log.
 * Never fails the answer (it is recorded already): a failed send is logged as `failed`.
 */
import type { Answer } from '../../domain/messages/customer-forms.js';
import { pageStrings } from '../../domain/messages/page-strings.js';
import { amountDue } from '../../domain/model.js';
import { fillText } from '../../domain/reports/report-strings.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { addDays, localDay } from '../../domain/shared/days.js';
import { formatDate, formatMoney } from '../../domain/shared/format.js';
import { internalNoticeHtml } from '../../domain/messages/rendering/notice.js';
import { cleanSubject } from '../../domain/shared/subject.js';
import type { OpenedLink } from './open-link.js';
import type { CustomerAnswersDeps } from './ports.js';
import { deliverInternalNotice } from '../messaging/internal-notices.js';

type NotifyDeps = Pick<CustomerAnswersDeps, 'mailer' | 'sender' | 'invoices' | 'now' | 'logger'> & Partial<Pick<CustomerAnswersDeps, 'count' | 'digests' | 'workflow'>>;

/** The notice's subject and paragraphs, in the finance team's language. */
const financeNotice = (l: OpenedLink, answer: Answer, now: () => Date): { subject: string; paragraphs: string[] } => {
  const { tenant, customer, invoice } = l;
  const s = pageStrings(tenant.language);
  const n = s.notify;
  const money = (m: number) => formatMoney(m, invoice.currency, s.locale);
  const day = (iso: string | undefined) => (iso ? formatDate(iso, s.locale, 'long') : '');
  const base = { customer: customer.name, number: invoice.number, amountDue: money(amountDue(invoice)), dueDate: day(invoice.dueDate), what: n.what[answer.action] };
  let line: string;
  let note: string | undefined;
  switch (answer.action) {
    case 'paid':
      line = fillText(n.paid, { paidOn: day(answer.input.paidOn), reference: answer.input.reference ?? '', waitUntil: day(addDays(localDay(now(), tenant.timeZone), tenant.paymentClaimGraceDays)) });
      note = answer.input.note;
      break;
    case 'promise':
      line = fillText(n.promise, { date: day(answer.input.date) });
      note = answer.input.note;
      break;
    case 'dispute':
      line = fillText(n.dispute, { reason: s.actions.dispute.reasons[answer.input.reason] });
      note = answer.input.text;
      break;
    case 'plan':
      line = fillText(n.plan, { instalments: answer.input.instalments ?? '' });
      note = answer.input.note;
      break;
    case 'contact':
      line = fillText(n.contact, { name: answer.input.contact.name, email: answer.input.contact.email ?? '', phone: answer.input.contact.phone ?? '' });
      note = answer.input.note;
      break;
  }
  const paragraphs = [fillText(n.intro, base), line, ...(note ? [fillText(n.note, { note })] : []), fillText(n.footer, { ref: l.claims.ref || '-' })];
  // The customer's name is in the subject: one header-safe line.
  return { subject: cleanSubject(fillText(n.subject, base)), paragraphs };
};

/** `details`: those of the command's first event (a payment claim's waitUntil goes into the log entry). */
export const notifyFinance = async (deps: NotifyDeps, l: OpenedLink, answer: Answer, details: Record<string, unknown>): Promise<void> => {
  const { tenant, customer, invoice } = l;
  if (tenant.financeInboxes.length === 0) return;
  const { subject, paragraphs } = financeNotice(l, answer, deps.now);
  const at = deps.now().toISOString();
  const logEntry = (outcome: 'sent' | 'failed' | 'recorded', messageId?: string, digest?: string) =>
    contactEvent({
      tenantId: tenant.tenantId,
      invoiceId: invoice.invoiceId,
      at,
      type: 'internal_notice',
      channel: 'email',
      actor: 'system',
      to: tenant.financeInboxes.join(', ').slice(0, 320),
      outcome,
      ...(messageId ? { messageId } : {}),
      details: { about: answer.action, via: { ref: l.claims.ref, nonce: l.claims.nonce }, ...(details.waitUntil ? { waitUntil: details.waitUntil } : {}), ...(digest ? { digest } : {}) },
    });
  const html = internalNoticeHtml(tenant.language, subject, paragraphs);
  // One notice a day per customer and kind: a second answer the same day waits for the next morning's digest.
  const out = await deliverInternalNotice(
    {
      mailer: deps.mailer(),
      sender: deps.sender,
      clock: { now: deps.now },
      logger: { debug: () => undefined, ...deps.logger },
      count: deps.count ?? (() => undefined),
      ...(deps.digests ? { digests: deps.digests } : {}),
      ...(deps.workflow ? { workflow: deps.workflow } : {}),
    },
    {
      tenant,
      customerId: customer.customerId,
      customerName: customer.name,
      audience: 'finance',
      kind: 'customerAnswered',
      to: tenant.financeInboxes,
      ...(customer.email ? { replyTo: customer.email } : {}),
      notice: { subject, text: paragraphs.join('\n\n'), html },
      tags: { tenant: tenant.tenantId, invoice: invoice.invoiceId, stage: 'customerAnswer', audience: 'internal' },
    },
  ).catch((err: unknown) => ({ outcome: 'failed' as const, error: (err as Error).name }));
  if (out.outcome === 'failed') deps.logger.warn('finance notification failed', { invoiceId: invoice.invoiceId, error: out.error });
  const entry = out.outcome === 'sent' ? logEntry('sent', out.messageId) : out.outcome === 'digest' ? logEntry('recorded', undefined, out.day) : logEntry('failed');
  await deps.invoices.appendEvent(entry).catch((err: unknown) => deps.logger.warn('notification not logged', { invoiceId: invoice.invoiceId, error: (err as Error).name }));
};
