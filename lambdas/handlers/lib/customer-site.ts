/**
 * The customer-link pages as one request function (API Gateway HTTP API, payload 2.0):
 *   GET  /c/<token>  the landing page of the link's action (or, for "view", a 302 to a short-lived
 *                    pre-signed URL of the invoice document). Changes nothing: it only appends a
 *                    `link_view` entry to the contact log (mail scanners prefetch links).
 *   POST /c/<token>  the answer: CSRF token checked, the answer consumed once (keys.linkAnswer,
 *                    in the same transaction as the command), the same command the admin API runs
 *                    (actor 'customer', channel 'link'), then the finance team is told by e-mail.
 * Expired, tampered and replayed links get a friendly page that names nothing but the supplier.
 * Logs carry ids, actions and outcomes: never the token, names, addresses or what the customer wrote.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  CommandRejected,
  claimPayment,
  openDispute,
  recordPromise,
  requestContactChange,
  requestInstalmentPlan,
  type CommandContext,
  type Decision,
} from '../../domain/commands/commands.js';
import { ANSWER_ACTIONS, FORM_FIELDS, parseAnswer, type Answer, type AnswerAction, type FieldError } from '../../domain/messages/customer-forms.js';
import {
  PAGE_HEADERS,
  negotiateLanguage,
  pageStrings,
  renderPage,
  type InvoiceInfo,
  type OtherLink,
  type Page,
  type Problem,
  type SupplierInfo,
} from '../../domain/messages/customer-pages.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import { LINK_ACTIONS, LinkError, PIXEL_ACTION, csrfToken, signLink, verifyCsrf, verifyLink, type LinkClaims, type LinkKeyring } from '../../domain/messages/links.js';
import { amountDue, type Customer, type Invoice, type Language, type Tenant } from '../../domain/model.js';
import { formatDate, formatMoney } from '../../domain/shared/format.js';
import { fillText } from '../../domain/reports/report-strings.js';
import { AlreadyDoneError, InvoiceBusyError, type DynamoCommands } from '../../adapters/dynamo-commands.js';
import type { DynamoStore } from '../../adapters/dynamo-store.js';
import type { DynamoTasks } from '../../adapters/dynamo-tasks.js';
import type { Blobs, DomainEvents, Mailer } from '../../adapters/ports.js';
import { count } from './powertools.js';
import { REJECTION_STATUS } from '../../http/rejection-status.js';
import { escapeHtml } from '../../domain/shared/html.js';
import { addDays, localDay } from '../../domain/shared/days.js';

type Event = APIGatewayProxyEventV2;
type Result = APIGatewayProxyStructuredResultV2;

export interface CustomerSiteDeps {
  store: DynamoStore;
  commands: DynamoCommands;
  tasks: DynamoTasks;
  blobs: () => Blobs;
  mailer: () => Mailer;
  sender: () => string;
  events?: () => DomainEvents;
  keyring: () => Promise<LinkKeyring>;
  /** The deployment's tenant: its links are the only ones honoured, its contact is on every error page. */
  tenantId: string;
  now: () => Date;
  logger: Logger;
  /** Life of the pre-signed URL behind "view the invoice". */
  documentUrlSeconds?: number;
}

const TOKEN_PATH = /^\/c\/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\/?$/;
const MAX_BODY_BYTES = 16 * 1024;
const TENANT_TTL_MS = 60_000;

const html = (status: number, body: string, extra: Record<string, string> = {}): Result => ({
  statusCode: status,
  headers: { ...PAGE_HEADERS, ...extra },
  body,
});

const supplierOf = (t: Tenant): SupplierInfo => ({
  name: t.name,
  email: t.email,
  ...(t.phone ? { phone: t.phone } : {}),
  iban: t.iban,
  ...(t.bic ? { bic: t.bic } : {}),
  country: t.country,
});

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

/** Reads an application/x-www-form-urlencoded body; undefined when it is not one (or too big). */
const formOf = (event: Event): Record<string, string> | undefined => {
  const type = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return undefined;
  const raw = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return undefined;
  const out: Record<string, string> = {};
  // The first value of a repeated field wins; later ones are ignored rather than merged.
  for (const [k, v] of new URLSearchParams(raw)) if (!(k in out)) out[k] = v;
  return out;
};

const header = (event: Event, name: string): string | undefined =>
  Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

interface Loaded {
  claims: LinkClaims;
  ring: LinkKeyring;
  tenant: Tenant;
  customer: Customer;
  invoice: Invoice;
}

export const createCustomerSite = (deps: CustomerSiteDeps) => {
  const log = deps.logger;
  let tenantCache: { value: Tenant | undefined; until: number } | undefined;

  const deploymentTenant = async (): Promise<Tenant | undefined> => {
    if (tenantCache && tenantCache.until > Date.now()) return tenantCache.value;
    const value = await deps.store.getTenant(deps.tenantId);
    tenantCache = { value, until: Date.now() + TENANT_TTL_MS };
    return value;
  };

  const problemPage = async (event: Event, status: number, problem: Problem, lang?: Language, headers: Record<string, string> = {}): Promise<Result> => {
    const tenant = await deploymentTenant().catch(() => undefined);
    const language = lang ?? negotiateLanguage(header(event, 'accept-language'), tenant?.language ?? 'en');
    const page: Page = {
      kind: 'problem',
      lang: language,
      problem,
      ...(tenant ? { supplier: { name: tenant.name, email: tenant.email, ...(tenant.phone ? { phone: tenant.phone } : {}) } } : {}),
    };
    return html(status, renderPage(page), headers);
  };

  /** The link's verified claims and what they point at, or the problem page to answer with. */
  const load = async (event: Event, token: string): Promise<Loaded | Result> => {
    const ring = await deps.keyring();
    let claims: LinkClaims;
    try {
      claims = verifyLink(token, ring, deps.now());
      if (claims.tenantId !== deps.tenantId) throw new LinkError('tampered', 'link of another tenant');
    } catch (err) {
      if (!(err instanceof LinkError)) throw err;
      log.warn('customer link refused', { problem: err.problem });
      count(err.problem === 'expired' ? 'LinksExpired' : 'LinksRefused');
      return problemPage(event, err.problem === 'expired' ? 410 : 404, err.problem === 'expired' ? 'expired' : 'invalid');
    }
    const ids = { tenantId: claims.tenantId, invoiceId: claims.invoiceId, action: claims.action };
    const [invoice, tenant] = await Promise.all([deps.store.getInvoice(claims.tenantId, claims.invoiceId), deploymentTenant()]);
    const customer = invoice ? await deps.store.getCustomer(claims.tenantId, invoice.customerId) : undefined;
    if (!invoice || !tenant || !customer) {
      log.warn('customer link points at nothing', { ...ids, invoice: !!invoice, tenant: !!tenant, customer: !!customer });
      return problemPage(event, 404, 'invalid');
    }
    return { claims, ring, tenant, customer, invoice };
  };

  /** The other answers of the same reminder: same nonce, same expiry, relative URLs. */
  const others = (l: Loaded, current: string): OtherLink[] =>
    LINK_ACTIONS.filter((a) => a !== current && (a !== 'view' || !!l.invoice.documentKey)).map((action) => ({
      action,
      url: signLink({ ...l.claims, action }, l.ring),
    }));

  const appendView = async (l: Loaded, details: Record<string, unknown>): Promise<void> => {
    try {
      await deps.store.appendEvent(
        contactEvent({
          tenantId: l.claims.tenantId,
          invoiceId: l.claims.invoiceId,
          at: deps.now().toISOString(),
          type: 'link_view',
          channel: 'link',
          actor: 'customer',
          outcome: 'recorded',
          details: { action: l.claims.action, ref: l.claims.ref, nonce: l.claims.nonce, ...details },
        }),
      );
    } catch (err) {
      // A page view that is not logged is no reason to refuse the page.
      log.warn('link view not logged', { invoiceId: l.claims.invoiceId, error: (err as Error).name });
    }
  };

  const landing = (l: Loaded, action: AnswerAction, token: string, over: Partial<Extract<Page, { kind: 'landing' }>> = {}): string =>
    renderPage({
      kind: 'landing',
      lang: l.customer.language,
      supplier: supplierOf(l.tenant),
      invoice: invoiceInfo(l.invoice, l.customer),
      action,
      csrf: csrfToken(token, l.ring),
      today: localDay(deps.now(), l.customer.timeZone),
      customerCountry: l.customer.country,
      others: others(l, action),
      ...over,
    });

  /** A transparent 1x1 GIF. */
  const PIXEL_GIF = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

  const get = async (event: Event, token: string): Promise<Result> => {
    const l = await load(event, token);
    if (!('claims' in l)) return l;
    const ids = { tenantId: l.claims.tenantId, invoiceId: l.claims.invoiceId, action: l.claims.action };
    if (l.claims.action === PIXEL_ACTION) {
      try {
        // One entry per message (its nonce): a mail client fetching the image again writes nothing new.
        const first = await deps.store.appendEventOnce(
          contactEvent({
            tenantId: l.claims.tenantId,
            invoiceId: l.claims.invoiceId,
            at: deps.now().toISOString(),
            type: 'message_opened',
            channel: 'email',
            actor: 'customer',
            outcome: 'recorded',
            details: { ref: l.claims.ref, nonce: l.claims.nonce },
          }),
          `opened#${l.claims.nonce}`,
        );
        if (first) count('MessagesOpened');
      } catch (err) {
        log.warn('open not logged', { invoiceId: l.claims.invoiceId, error: (err as Error).name });
      }
      return { statusCode: 200, isBase64Encoded: true, body: PIXEL_GIF, headers: { 'content-type': 'image/gif', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
    }
    if (l.claims.action === 'view') {
      if (!l.invoice.documentKey) {
        await appendView(l, { document: false });
        return problemPage(event, 404, 'document', l.customer.language);
      }
      const url = await deps.blobs().presignGet(l.invoice.documentKey, deps.documentUrlSeconds ?? 300);
      await appendView(l, { document: true });
      count('InvoiceDocumentViews');
      log.info('invoice document shown', ids);
      return { statusCode: 302, headers: { location: url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } };
    }
    await appendView(l, {});
    count('LinkViews');
    log.info('customer page shown', ids);
    return html(200, landing(l, l.claims.action, token));
  };

  const decide = (answer: Answer, l: Loaded): ((inv: Invoice, ctx: CommandContext) => Decision) => {
    switch (answer.action) {
      case 'paid':
        return (inv, ctx) => claimPayment(inv, { ...answer.input, graceDays: l.tenant.paymentClaimGraceDays }, ctx);
      case 'promise':
        return (inv, ctx) => recordPromise(inv, answer.input, ctx);
      case 'dispute':
        return (inv, ctx) => openDispute(inv, answer.input, ctx);
      case 'plan':
        return (inv, ctx) => requestInstalmentPlan(inv, { ...answer.input, ref: l.claims.nonce }, ctx);
      case 'contact':
        return (inv, ctx) => requestContactChange(inv, { ...answer.input, ref: l.claims.nonce }, ctx);
    }
  };

  const post = async (event: Event, token: string): Promise<Result> => {
    const l = await load(event, token);
    if (!('claims' in l)) return l;
    const action = l.claims.action;
    const ids = { tenantId: l.claims.tenantId, invoiceId: l.claims.invoiceId, action };
    if (!(ANSWER_ACTIONS as readonly string[]).includes(action)) return problemPage(event, 405, 'form', l.customer.language, { allow: 'GET' });
    const answerAction = action as AnswerAction;
    const form = formOf(event);
    if (!form || !verifyCsrf(token, form.csrf, l.ring)) {
      log.warn('customer form refused', { ...ids, reason: form ? 'csrf' : 'body' });
      return problemPage(event, form ? 403 : 400, 'form', l.customer.language);
    }
    if (await deps.tasks.answered(l.claims)) {
      count('CustomerAnswersReplayed');
      log.info('customer answer replayed', ids);
      return problemPage(event, 409, 'answered', l.customer.language);
    }
    const values = Object.fromEntries(FORM_FIELDS[answerAction].map((f) => [f, form[f] ?? '']));
    const parsed = parseAnswer(answerAction, form, { today: localDay(deps.now(), l.customer.timeZone), country: l.customer.country });
    if (!parsed.ok) {
      log.info('customer answer incomplete', { ...ids, fields: parsed.errors.map((e) => `${e.field}:${e.code}`) });
      return html(422, landing(l, answerAction, token, { values, errors: parsed.errors }));
    }

    const run = decide(parsed.answer, l);
    const via = { ref: l.claims.ref, nonce: l.claims.nonce };
    const now = deps.now();
    let result;
    try {
      result = await deps.commands.onInvoice(
        l.claims.tenantId,
        l.claims.invoiceId,
        (inv) => {
          const ctx: CommandContext = { actor: 'customer', channel: 'link', now: deps.now(), timeZone: l.tenant.timeZone };
          const d = run(inv, ctx);
          return { ...d, events: d.events.map((e) => ({ ...e, details: { ...e.details, via } })) };
        },
        { once: deps.tasks.answerItem(l.claims, now.toISOString()) },
      );
    } catch (err) {
      if (err instanceof AlreadyDoneError) {
        log.info('customer answer replayed', ids);
        return problemPage(event, 409, 'answered', l.customer.language);
      }
      if (err instanceof CommandRejected) {
        log.info('customer answer refused', { ...ids, code: err.code });
        const onField = err.field && FORM_FIELDS[answerAction].includes(err.field);
        const errors: FieldError[] | undefined = onField ? [{ field: err.field!, code: err.code }] : undefined;
        return html(REJECTION_STATUS[err.kind], landing(l, answerAction, token, { values, ...(errors ? { errors } : { refusal: err.code }) }));
      }
      if (err instanceof InvoiceBusyError) {
        log.warn('customer answer: invoice busy', ids);
        return html(503, landing(l, answerAction, token, { values, refusal: 'busy' }), { 'retry-after': '5' });
      }
      throw err;
    }
    log.info('customer answer recorded', { ...ids, status: result.invoice.status });
    count('CustomerAnswers');

    const after: Loaded = { ...l, invoice: result.invoice };
    await notifyFinance(after, parsed.answer, result.events[0]?.details ?? {});
    await publish(after);
    return html(
      200,
      renderPage({
        kind: 'done',
        lang: l.customer.language,
        supplier: supplierOf(l.tenant),
        invoice: invoiceInfo(result.invoice, l.customer),
        action: answerAction,
        ...(answerAction === 'paid' ? { graceDays: l.tenant.paymentClaimGraceDays } : {}),
        ...(parsed.answer.action === 'promise' ? { promiseDate: parsed.answer.input.date } : {}),
        others: others(after, action).filter((o) => o.action === 'view'),
      }),
    );
  };

  /** One e-mail to the finance inboxes, in the finance team's language, and its log entry. Never fails the answer. */
  const notifyFinance = async (l: Loaded, answer: Answer, details: Record<string, unknown>): Promise<void> => {
    const { tenant, customer, invoice } = l;
    if (tenant.financeInboxes.length === 0) return;
    const s = pageStrings(tenant.language);
    const n = s.notify;
    const money = (m: number) => formatMoney(m, invoice.currency, s.locale);
    const day = (iso: string | undefined) => (iso ? formatDate(iso, s.locale, 'long') : '');
    const base = { customer: customer.name, number: invoice.number, amountDue: money(amountDue(invoice)), dueDate: day(invoice.dueDate), what: n.what[answer.action] };
    let line: string;
    let note: string | undefined;
    switch (answer.action) {
      case 'paid':
        line = fillText(n.paid, { paidOn: day(answer.input.paidOn), reference: answer.input.reference ?? '', waitUntil: day(addDays(localDay(deps.now(), tenant.timeZone), tenant.paymentClaimGraceDays)) });
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
    const subject = fillText(n.subject, base);
    const at = deps.now().toISOString();
    const logEntry = (outcome: 'sent' | 'failed', messageId?: string) =>
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
        details: { about: answer.action, via: { ref: l.claims.ref, nonce: l.claims.nonce }, ...(details.waitUntil ? { waitUntil: details.waitUntil } : {}) },
      });
    let entry;
    try {
      const out = await deps.mailer().send({
        from: deps.sender(),
        to: tenant.financeInboxes,
        ...(customer.email ? { replyTo: customer.email } : {}),
        subject,
        text: paragraphs.join('\n\n'),
        html: `<!doctype html><html lang="${tenant.language}"><body>${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('')}</body></html>`,
        tags: { tenant: tenant.tenantId, invoice: invoice.invoiceId, stage: 'customerAnswer', audience: 'internal' },
      });
      entry = logEntry('sent', out.messageId);
    } catch (err) {
      deps.logger.warn('finance notification failed', { invoiceId: invoice.invoiceId, error: (err as Error).name });
      entry = logEntry('failed');
    }
    await deps.store.appendEvent(entry).catch((err: unknown) => deps.logger.warn('notification not logged', { invoiceId: invoice.invoiceId, error: (err as Error).name }));
  };

  const publish = async (l: Loaded): Promise<void> => {
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

  return async (event: Event): Promise<Result> => {
    const method = event.requestContext.http.method.toUpperCase();
    const m = TOKEN_PATH.exec(event.rawPath ?? '');
    if (!m) return problemPage(event, 404, 'invalid');
    if (method !== 'GET' && method !== 'POST') return problemPage(event, 405, 'invalid', undefined, { allow: 'GET, POST' });
    try {
      return await (method === 'GET' ? get(event, m[1]!) : post(event, m[1]!));
    } catch (err) {
      log.error('customer page failed', { error: (err as Error).name, message: (err as Error).message });
      return problemPage(event, 500, 'error');
    }
  };
};
