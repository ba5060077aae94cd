/** The views of the pages, built from an opened link: what the supplier, the invoice and the other answers show. */
import type { Answer, AnswerAction } from '../../domain/messages/customer-forms.js';
import { LINK_ACTIONS, csrfToken, signLink } from '../../domain/messages/links.js';
import type { Customer, Invoice, Tenant } from '../../domain/model.js';
import { localDay } from '../../domain/shared/days.js';
import type { OpenedLink } from '../../app/customer-answers/open-link.js';
import type { DonePage, InvoiceInfo, LandingPage, OtherLink, ProblemPage, SupplierInfo } from './types.js';

const supplierOf = (t: Tenant): SupplierInfo => ({
  name: t.name,
  email: t.email,
  ...(t.phone ? { phone: t.phone } : {}),
  iban: t.iban,
  ...(t.bic ? { bic: t.bic } : {}),
  country: t.country,
});

/** Who to contact, on a page that may show nothing else. */
export const contactOf = (t: Tenant): NonNullable<ProblemPage['supplier']> => ({ name: t.name, email: t.email, ...(t.phone ? { phone: t.phone } : {}) });

const invoiceInfo = (inv: Invoice, customer: Customer): InvoiceInfo => ({
  number: inv.number,
  customerName: customer.name,
  issueDate: inv.issueDate,
  dueDate: inv.dueDate,
  currency: inv.currency,
  amount: inv.amount,
  amountPaid: inv.amountPaid,
  status: inv.status,
  ...(inv.paymentReference ? { paymentReference: inv.paymentReference } : {}),
  ...(inv.status === 'promised' && inv.promise ? { promiseDate: inv.promise.date } : {}),
});

/** The other answers of the same reminder: same nonce, same expiry, relative URLs. */
const otherLinks = (l: OpenedLink, current: string): OtherLink[] =>
  LINK_ACTIONS.filter((a) => a !== current && (a !== 'view' || !!l.invoice.documentKey)).map((action) => ({
    action,
    url: signLink({ ...l.claims, action }, l.ring),
  }));

/** The page of an answer link: the invoice, the payment details and the form (`over`: after a refused POST). */
export const landingPage = (l: OpenedLink, action: AnswerAction, now: Date, over: Pick<LandingPage, 'values' | 'errors' | 'refusal'> = {}): LandingPage => ({
  kind: 'landing',
  lang: l.customer.language,
  supplier: supplierOf(l.tenant),
  invoice: invoiceInfo(l.invoice, l.customer),
  action,
  csrf: csrfToken(l.token, l.ring),
  today: localDay(now, l.customer.timeZone),
  customerCountry: l.customer.country,
  others: otherLinks(l, action),
  ...over,
});

/** The thanks after an answer was recorded (`l` shows the invoice as the command left it). */
export const donePage = (l: OpenedLink, action: AnswerAction, answer: Answer): DonePage => ({
  kind: 'done',
  lang: l.customer.language,
  supplier: supplierOf(l.tenant),
  invoice: invoiceInfo(l.invoice, l.customer),
  action,
  ...(action === 'paid' ? { graceDays: l.tenant.paymentClaimGraceDays } : {}),
  ...(answer.action === 'promise' ? { promiseDate: answer.input.date } : {}),
  others: otherLinks(l, action).filter((o) => o.action === 'view'),
});
