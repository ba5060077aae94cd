/**
 * The agency's case, once invoices are escalated (the table stream): one case per customer and day.
 * 1. Load the invoice's case; not escalated (any more): nothing to do; handed over already: how it went.
 * 2. The case: this invoice and the customer's other invoices escalated the same day (the
 *    supplier's calendar) and not handed over yet.
 * 3. Assemble one dossier for them (domain/reports/dossier.ts buildCaseDossier) with their
 *    documents, and file it at each invoice's dossiers/<tenant>/<invoice>.zip.
 * 4. Policy escalation 'send' and an agency configured: one e-mail to the agency, the zip attached,
 *    or a 7-day signed link (GET /d/{token}, dossier-link.ts) when it is too large to attach; otherwise it is only filed for the finance team.
 * 5. Either way each invoice's contact log says so, through the send guard (key `escalation#dossier`,
 *    the case's other invoices claimed with it): a retry rebuilds the file but never mails it twice.
 */
import { buildCaseDossier, type DossierDocument, type DossierInput } from '../../domain/reports/dossier.js';
import { dossierKey } from '../../domain/reports/dossier-location.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { ContactEvent, Invoice } from '../../domain/model.js';
import { agencyCaseMail, agencyDossierMail, noticeStrings } from '../../domain/messages/notices.js';
import { formatDate, formatMoney } from '../../domain/reports/report-strings.js';
import type { InvoiceView } from '../ports/invoices.js';
import type { DossierLinks } from '../ports/dossier-links.js';
import type { SendResult } from '../ports/send-guard.js';
import { BlobNotFoundError } from '../ports/blobs.js';
import { InvoiceClosedError, TransientError } from '../task-errors.js';
import { loadCase, type InvoiceCase } from '../timeline/invoice-case.js';
import { deliverInternalNotice, type InternalDelivery } from '../messaging/internal-notices.js';
import type { CaseDeps, TimelinePorts } from '../timeline/ports.js';
import { localDay } from '../../domain/shared/days.js';

export type DossierDeps = CaseDeps &
  Pick<TimelinePorts, 'blobs' | 'mailer' | 'sender' | 'sendGuard' | 'clock' | 'logger' | 'count'> &
  Partial<Pick<TimelinePorts, 'digests' | 'workflow'>> & { dossierLinks: DossierLinks };

/** Larger zips go as a link: SES takes 40 MB per message, base64 adds a third. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const LINK_TTL_SECONDS = 7 * 24 * 3600;
export const DOSSIER_GUARD_KEY = 'escalation#dossier';

export { dossierKey };

export interface DossierHandover {
  key: string;
  delivery: 'attached' | 'link' | 'prepared' | 'alreadyDone' | 'skipped';
  messageId?: string;
  /** The invoices of the case handed over with this one. */
  withInvoices?: string[];
}

/** Source formats that hold this one invoice only (a CSV or JSON batch holds other customers' invoices too). */
const SINGLE_INVOICE_FORMATS = new Set(['fatturapa', 'ubl', 'cii']);

/** A hand-over already made: how it went, as its log entry tells. */
const done = (c: InvoiceCase): DossierHandover => {
  const e = c.view.events.filter((x) => x.type === 'dossier').at(-1);
  const delivery = e?.details?.delivery;
  const known = delivery === 'attached' || delivery === 'link' ? delivery : e ? 'prepared' : 'alreadyDone';
  return { key: dossierKey(c.view.invoice.tenantId, c.view.invoice.invoiceId), delivery: known, ...(e?.messageId ? { messageId: e.messageId } : {}) };
};

const baseName = (key: string) => key.split('/').filter(Boolean).at(-1) ?? key;

const documentsOf = async (deps: DossierDeps, inv: Invoice): Promise<DossierDocument[]> => {
  const wanted = [
    ...(inv.documentKey ? [inv.documentKey] : []),
    ...(inv.source && SINGLE_INVOICE_FORMATS.has(inv.source.format) && inv.source.key !== inv.documentKey ? [inv.source.key] : []),
  ];
  return Promise.all(
    wanted.map(async (key, i): Promise<DossierDocument> => {
      const name = `${i + 1}-${baseName(key)}`;
      try {
        return { name, key, content: await deps.blobs.get(key) };
      } catch (err) {
        // Worth a retry: S3 throttled or failed. Anything else (gone; AccessDenied, which is how S3
        // answers a missing key to a role without ListBucket): the dossier lists it as not available.
        if (err instanceof TransientError) throw err;
        if (!(err instanceof BlobNotFoundError)) deps.logger.warn('invoice document not readable for the dossier', { invoiceId: inv.invoiceId, error: (err as Error).name });
        return { name, key };
      }
    }),
  );
};

/** The supplier's day an invoice was escalated on: its last escalation entry, else its last change. */
const escalationDay = (v: InvoiceView, timeZone: string): string =>
  localDay(new Date(v.events.filter((e) => e.type === 'escalation').at(-1)?.at ?? v.invoice.updatedAt), timeZone);

/** The customer's other invoices escalated the same day and not handed over yet, most overdue first. */
const caseMembers = async (deps: DossierDeps, c: InvoiceCase, day: string): Promise<InvoiceView[]> => {
  const inv = c.view.invoice;
  const all = await deps.invoices.customerInvoicesDueBy(inv.tenantId, inv.customerId, '9999-12-31', () => false);
  const escalated = all.filter((i) => i.invoiceId !== inv.invoiceId && i.status === 'escalated');
  const views = (await Promise.all(escalated.map((i) => deps.invoices.getInvoiceView(i.tenantId, i.invoiceId)))).flatMap((v) => (v ? [v] : []));
  return views
    .filter((v) => v.invoice.status === 'escalated' && !v.stagesDone.some((s) => s.stage === DOSSIER_GUARD_KEY) && escalationDay(v, c.tenant.timeZone) === day)
    .sort((a, b) => a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.invoice.invoiceId.localeCompare(b.invoice.invoiceId));
};

export const handOverDossier = async (deps: DossierDeps, ids: { tenantId: string; invoiceId: string; revision: number; run: number }): Promise<DossierHandover> => {
  const key = dossierKey(ids.tenantId, ids.invoiceId);
  // 1. The invoice
  const c = await loadCase(deps, ids.tenantId, ids.invoiceId);
  if (!c || c.view.invoice.status !== 'escalated') return { key, delivery: 'skipped' };
  if (c.view.stagesDone.some((s) => s.stage === DOSSIER_GUARD_KEY)) return done(c);
  const { tenant } = c;
  const inv = c.view.invoice;
  const now = deps.clock.now();
  // The sales notes on how to approach this customer are items of their own.
  const notes = await deps.customers.salesNotes(tenant.tenantId, c.customer.customerId);
  const customer = { ...c.customer, salesNotes: notes.map((n) => n.text) };

  // 2. The case
  const members = await caseMembers(deps, c, escalationDay(c.view, tenant.timeZone));
  const views = [c.view, ...members].sort((a, b) => a.invoice.dueDate.localeCompare(b.invoice.dueDate) || a.invoice.invoiceId.localeCompare(b.invoice.invoiceId));

  // 3. One dossier, filed under each invoice
  const inputs: DossierInput[] = await Promise.all(
    views.map(async (v) => ({ tenant, customer, invoice: v.invoice, policy: c.policy, events: v.events, payments: v.payments, documents: await documentsOf(deps, v.invoice), now })),
  );
  const dossier = await buildCaseDossier(inputs, tenant.language);
  for (const v of views) await deps.blobs.put(dossierKey(v.invoice.tenantId, v.invoice.invoiceId), dossier.zip, 'application/zip');

  // 4. To the agency, or filed
  const agency = c.policy.escalation === 'send' ? tenant.agency : undefined;
  const base = { tenantId: inv.tenantId, at: now.toISOString(), type: 'dossier' as const, actor: 'system', stage: 'escalation' as const };
  const factsOf = (i: number) => {
    const d = dossier.invoices[i]!;
    return { key: dossierKey(inv.tenantId, d.invoice.invoiceId), bytes: dossier.zip.length, claim: { currency: d.claim.currency, total: d.claim.total }, ...(views.length > 1 ? { caseInvoices: views.map((v) => v.invoice.invoiceId) } : {}) };
  };
  const entries = (make: (i: number) => Omit<ContactEvent, 'eventId' | 'tenantId' | 'invoiceId' | 'at' | 'type' | 'actor'>): ContactEvent[] =>
    views.map((v, i) => contactEvent({ ...base, invoiceId: v.invoice.invoiceId, ...make(i) }));
  let events: ContactEvent[];
  let send: (() => Promise<InternalDelivery>) | undefined;
  let delivery: DossierHandover['delivery'] = 'prepared';
  if (!agency) {
    events = entries((i) => ({ channel: 'system', outcome: 'recorded', details: { ...factsOf(i), mode: 'prepare', ...(tenant.agency ? {} : { reason: 'no agency configured' }) } }));
  } else {
    const attach = dossier.zip.length <= MAX_ATTACHMENT_BYTES;
    delivery = attach ? 'attached' : 'link';
    const locale = noticeStrings(tenant.language).locale;
    // The agency's link checks its own expiry (a pre-signed URL made with the role's temporary credentials dies in hours).
    const signedLink = () => deps.dossierLinks.urlFor({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, expiresAt: Math.floor(now.getTime() / 1000) + LINK_TTL_SECONDS });
    const link = attach ? undefined : await signedLink();
    const deliveryOf = link
      ? { kind: 'link' as const, url: link, until: formatDate(localDay(new Date(now.getTime() + LINK_TTL_SECONDS * 1000), tenant.timeZone), locale) }
      : { kind: 'attached' as const, filename: dossier.filename };
    const asOf = formatDate(dossier.invoices[0]!.claim.asOf, locale);
    const mail =
      views.length === 1
        ? (() => {
            const claim = dossier.invoices[0]!.claim;
            const money = (minor: number) => formatMoney(minor, inv.currency, locale);
            return agencyDossierMail(
              {
                supplier: tenant.name,
                customer: customer.name,
                number: inv.number,
                dueDate: formatDate(inv.dueDate, locale),
                asOf,
                principal: money(claim.principal),
                interest: money(claim.interest),
                compensation: money(claim.compensation),
                total: money(claim.total),
                financeEmail: tenant.email,
                preserveRelationship: customer.preserveRelationship,
                delivery: deliveryOf,
              },
              tenant.language,
            );
          })()
        : agencyCaseMail(
            {
              supplier: tenant.name,
              customer: customer.name,
              numbers: views.map((v) => v.invoice.number),
              asOf,
              claims: dossier.totals.map((t) => {
                const money = (minor: number) => formatMoney(minor, t.currency, locale);
                return { currency: t.currency, principal: money(t.principal), interest: money(t.interest), compensation: money(t.compensation), total: money(t.total) };
              }),
              financeEmail: tenant.email,
              preserveRelationship: customer.preserveRelationship,
              delivery: deliveryOf,
            },
            tenant.language,
          );
    events = entries((i) => ({ channel: 'email', to: agency.email, outcome: 'pending', details: { ...factsOf(i), mode: 'send', delivery, agency: agency.name } }));
    // A second case for the customer the same day (one escalated by hand later) waits for the next morning's digest, as a link.
    const digestLink = async () => `${mail.text}\n\n${await signedLink()}`;
    send = async () => {
      const out = await deliverInternalNotice(deps, {
        tenant,
        customerId: customer.customerId,
        customerName: customer.name,
        audience: 'agency',
        kind: 'agencyCase',
        to: [agency.email],
        notice: mail,
        tags: { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'agencyDossier' },
        ...(attach ? { attachments: [{ filename: dossier.filename, contentType: 'application/zip', content: dossier.zip }] } : {}),
        digestText: attach ? await digestLink() : mail.text,
      });
      if (out.outcome === 'sent') deps.count('DossiersSent');
      return out;
    };
  }

  // 5. Logged through the send guard, the case's invoices together
  const store = deps.sendGuard;
  let claim;
  try {
    claim = await store.claimSend({
      ...ids,
      requiredStatus: 'escalated',
      guardKey: DOSSIER_GUARD_KEY,
      events: events.filter((e) => e.invoiceId === inv.invoiceId),
      companions: members.map((m) => ({
        invoiceId: m.invoice.invoiceId,
        revision: m.invoice.revision,
        run: m.invoice.run,
        guardKey: DOSSIER_GUARD_KEY,
        requiredStatus: 'escalated' as const,
        events: events.filter((e) => e.invoiceId === m.invoice.invoiceId),
      })),
    });
  } catch (err) {
    // Paid (or reinstated) in the meantime: the file stays in S3, nobody is sent anything.
    if (err instanceof InvoiceClosedError) return { key, delivery: 'skipped' };
    throw err;
  }
  if (claim.outcome === 'alreadyDone') return done((await loadCase(deps, ids.tenantId, ids.invoiceId)) ?? c);
  const kept = new Set(claim.lease.companions.map((k) => k.invoiceId));
  let results: SendResult[] = [];
  if (send) {
    const logged = events.filter((e) => e.invoiceId === inv.invoiceId || kept.has(e.invoiceId));
    try {
      const out = await send();
      results = logged.map((e): SendResult =>
        out.outcome === 'sent'
          ? { eventId: e.eventId, outcome: 'sent', messageId: out.messageId }
          : out.outcome === 'digest'
            ? { eventId: e.eventId, outcome: 'recorded', note: { digest: out.day } }
            : { eventId: e.eventId, outcome: 'failed', error: out.error },
      );
    } catch (err) {
      // Nothing left: give the claim back so the retry sends it.
      if (err instanceof TransientError) {
        await store.releaseSend(claim.lease, `agency e-mail: ${err.message}`);
        throw err;
      }
      deps.logger.warn('dossier not sent to the agency', { invoiceId: inv.invoiceId, error: (err as Error).name });
      results = logged.map((e) => ({ eventId: e.eventId, outcome: 'failed' as const, error: (err as Error).name }));
    }
  }
  await store.completeSend(claim.lease, results);
  deps.count('DossiersPrepared');
  deps.logger.info('dossier handed over', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, delivery, invoices: 1 + kept.size, outcome: results[0]?.outcome ?? 'recorded' });
  return { key, delivery, ...(results[0]?.messageId ? { messageId: results[0].messageId } : {}), ...(kept.size > 0 ? { withInvoices: [...kept] } : {}) };
};
