/**
 * The collection dossier handed over, once an invoice is escalated (the table stream):
 * 1. Load the invoice's case; not escalated (any more): nothing to do; handed over already: how it went.
 * 2. Assemble the dossier (domain/reports/dossier.ts) with the invoice's documents, and store it
 *    at dossiers/<tenant>/<invoice>.zip.
 * 3. Policy escalation 'send' and an agency configured: e-mail it to the agency, the zip attached,
 *    or a 7-day signed link (GET /d/{token}, dossier-link.ts) when it is too large to attach; otherwise it is only filed for the finance team.
 * 4. Either way the contact log says so, through the send guard (key `escalation#dossier`): a
 *    retry rebuilds the file but never mails it twice.
 */
import { buildDossier, type DossierDocument } from '../../domain/reports/dossier.js';
import { dossierKey } from '../../domain/reports/dossier-location.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { ContactEvent } from '../../domain/model.js';
import { agencyDossierMail, noticeStrings } from '../../domain/messages/notices.js';
import { formatDate, formatMoney } from '../../domain/reports/report-strings.js';
import type { DossierLinks } from '../ports/dossier-links.js';
import type { SendResult } from '../ports/send-guard.js';
import { BlobNotFoundError } from '../ports/blobs.js';
import { InvoiceClosedError, TransientError } from '../task-errors.js';
import { loadCase, type InvoiceCase } from '../timeline/invoice-case.js';
import type { CaseDeps, TimelinePorts } from '../timeline/ports.js';

export type DossierDeps = CaseDeps & Pick<TimelinePorts, 'blobs' | 'mailer' | 'sender' | 'sendGuard' | 'clock' | 'logger' | 'count'> & { dossierLinks: DossierLinks };
import { localDay } from '../../domain/shared/days.js';

/** Larger zips go as a link: SES takes 40 MB per message, base64 adds a third. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const LINK_TTL_SECONDS = 7 * 24 * 3600;
export const DOSSIER_GUARD_KEY = 'escalation#dossier';

export { dossierKey };

export interface DossierHandover {
  key: string;
  delivery: 'attached' | 'link' | 'prepared' | 'alreadyDone' | 'skipped';
  messageId?: string;
}

/** Source formats that hold this one invoice only (a CSV or JSON batch holds other customers' invoices too). */
const SINGLE_INVOICE_FORMATS = new Set(['fatturapa', 'ubl']);

/** A hand-over already made: how it went, as its log entry tells. */
const done = (c: InvoiceCase): DossierHandover => {
  const e = c.view.events.filter((x) => x.type === 'dossier').at(-1);
  const delivery = e?.details?.delivery;
  const known = delivery === 'attached' || delivery === 'link' ? delivery : e ? 'prepared' : 'alreadyDone';
  return { key: dossierKey(c.view.invoice.tenantId, c.view.invoice.invoiceId), delivery: known, ...(e?.messageId ? { messageId: e.messageId } : {}) };
};

const baseName = (key: string) => key.split('/').filter(Boolean).at(-1) ?? key;

const documentsOf = async (deps: DossierDeps, c: InvoiceCase): Promise<DossierDocument[]> => {
  const inv = c.view.invoice;
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

export const handOverDossier = async (deps: DossierDeps, ids: { tenantId: string; invoiceId: string; revision: number; run: number }): Promise<DossierHandover> => {
  const key = dossierKey(ids.tenantId, ids.invoiceId);
  // 1. The case
  const c = await loadCase(deps, ids.tenantId, ids.invoiceId);
  if (!c || c.view.invoice.status !== 'escalated') return { key, delivery: 'skipped' };
  if (c.view.stagesDone.some((s) => s.stage === DOSSIER_GUARD_KEY)) return done(c);
  const { tenant } = c;
  const inv = c.view.invoice;
  const now = deps.clock.now();
  // The sales notes on how to approach this customer are items of their own.
  const notes = await deps.customers.salesNotes(tenant.tenantId, c.customer.customerId);
  const customer = { ...c.customer, salesNotes: notes.map((n) => n.text) };

  // 2. The dossier, stored
  const dossier = await buildDossier(
    { tenant, customer, invoice: inv, policy: c.policy, events: c.view.events, payments: c.view.payments, documents: await documentsOf(deps, c), now },
    tenant.language,
  );
  await deps.blobs.put(key, dossier.zip, 'application/zip');

  // 3. To the agency, or filed

  const agency = c.policy.escalation === 'send' ? tenant.agency : undefined;
  const base = { tenantId: inv.tenantId, invoiceId: inv.invoiceId, at: now.toISOString(), type: 'dossier' as const, actor: 'system', stage: 'escalation' as const };
  const facts = { key, bytes: dossier.zip.length, claim: { currency: dossier.data.claim.currency, total: dossier.data.claim.total } };
  let event: ContactEvent;
  let send: (() => Promise<SendResult>) | undefined;
  let delivery: DossierHandover['delivery'] = 'prepared';
  if (!agency) {
    event = contactEvent({ ...base, channel: 'system', outcome: 'recorded', details: { ...facts, mode: 'prepare', ...(tenant.agency ? {} : { reason: 'no agency configured' }) } });
  } else {
    const attach = dossier.zip.length <= MAX_ATTACHMENT_BYTES;
    delivery = attach ? 'attached' : 'link';
    const locale = noticeStrings(tenant.language).locale;
    const money = (minor: number) => formatMoney(minor, inv.currency, locale);
    const claim = dossier.data.claim;
    const link = attach ? undefined : await deps.dossierLinks.urlFor({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, expiresAt: Math.floor(now.getTime() / 1000) + LINK_TTL_SECONDS });
    const mail = agencyDossierMail(
      {
        supplier: tenant.name,
        customer: customer.name,
        number: inv.number,
        dueDate: formatDate(inv.dueDate, locale),
        asOf: formatDate(claim.asOf, locale),
        principal: money(claim.principal),
        interest: money(claim.interest),
        compensation: money(claim.compensation),
        total: money(claim.total),
        financeEmail: tenant.email,
        preserveRelationship: customer.preserveRelationship,
        delivery: link
          ? { kind: 'link', url: link, until: formatDate(localDay(new Date(now.getTime() + LINK_TTL_SECONDS * 1000), tenant.timeZone), locale) }
          : { kind: 'attached', filename: dossier.filename },
      },
      tenant.language,
    );
    event = contactEvent({ ...base, channel: 'email', to: agency.email, outcome: 'pending', details: { ...facts, mode: 'send', delivery, agency: agency.name } });
    send = async () => {
      try {
        const { messageId } = await deps.mailer.send({
          from: deps.sender(),
          to: [agency.email],
          replyTo: tenant.email,
          ...mail,
          tags: { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'agencyDossier' },
          ...(attach ? { attachments: [{ filename: dossier.filename, contentType: 'application/zip', content: dossier.zip }] } : {}),
        });
        deps.count('DossiersSent');
        return { eventId: event.eventId, outcome: 'sent', messageId };
      } catch (err) {
        // Nothing left: give the claim back below so the retry sends it.
        if (err instanceof TransientError) throw err;
        deps.logger.warn('dossier not sent to the agency', { invoiceId: inv.invoiceId, error: (err as Error).name });
        return { eventId: event.eventId, outcome: 'failed', error: (err as Error).name };
      }
    };
  }

  // 4. Logged through the send guard
  const store = deps.sendGuard;
  let claim;
  try {
    claim = await store.claimSend({ ...ids, requiredStatus: 'escalated', guardKey: DOSSIER_GUARD_KEY, events: [event] });
  } catch (err) {
    // Paid (or reinstated) in the meantime: the file stays in S3, nobody is sent anything.
    if (err instanceof InvoiceClosedError) return { key, delivery: 'skipped' };
    throw err;
  }
  if (claim.outcome === 'alreadyDone') return done((await loadCase(deps, ids.tenantId, ids.invoiceId)) ?? c);
  let result: SendResult | undefined;
  try {
    result = send ? await send() : undefined;
  } catch (err) {
    await store.releaseSend(claim.lease, `agency e-mail: ${(err as Error).message}`);
    throw err;
  }
  await store.completeSend(claim.lease, result ? [result] : []);
  deps.count('DossiersPrepared');
  deps.logger.info('dossier handed over', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, delivery, outcome: result?.outcome ?? 'recorded' });
  return { key, delivery, ...(result?.messageId ? { messageId: result.messageId } : {}) };
};
