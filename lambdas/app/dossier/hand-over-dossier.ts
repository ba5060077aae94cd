/**
 * At escalation (hand-over-dossier.ts, on the table stream): the collection dossier is assembled and stored at dossiers/<tenant>/<invoice>.zip,
 * then (policy escalation 'send', an agency configured) e-mailed to the agency with the zip
 * attached, or a 7-day pre-signed link when it is too large to attach. With 'prepare' (or no
 * agency) it is only filed for the finance team. Either way the contact log says so, through the
 * send guard (key `escalation#dossier`): a retry rebuilds the file but never mails it twice.
 */
import { buildDossier, type DossierDocument } from '../../domain/reports/dossier.js';
import { dossierKey } from '../../domain/reports/dossier-location.js';
import { contactEvent } from '../../domain/shared/contact-event.js';
import type { ContactEvent } from '../../domain/model.js';
import { agencyDossierMail, noticeStrings } from '../../domain/messages/notices.js';
import { formatDate, formatMoney } from '../../domain/reports/report-strings.js';
import { clock } from '../../adapters/clock.js';
import type { SendResult } from '../../app/ports/send-guard.js';
import { BlobNotFoundError } from '../../adapters/s3-blobs.js';
import { InvoiceClosedError, TransientError } from '../../adapters/workflow-errors.js';
import { loadCase, type InvoiceCase } from './load.js';
import * as deps from './deps.js';
import { count, logger } from './powertools.js';
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

const documentsOf = async (c: InvoiceCase): Promise<DossierDocument[]> => {
  const inv = c.view.invoice;
  const wanted = [
    ...(inv.documentKey ? [inv.documentKey] : []),
    ...(inv.source && SINGLE_INVOICE_FORMATS.has(inv.source.format) && inv.source.key !== inv.documentKey ? [inv.source.key] : []),
  ];
  return Promise.all(
    wanted.map(async (key, i): Promise<DossierDocument> => {
      const name = `${i + 1}-${baseName(key)}`;
      try {
        return { name, key, content: await deps.blobs().get(key) };
      } catch (err) {
        // Worth a retry: S3 throttled or failed. Anything else (gone; AccessDenied, which is how S3
        // answers a missing key to a role without ListBucket): the dossier lists it as not available.
        if (err instanceof TransientError) throw err;
        if (!(err instanceof BlobNotFoundError)) logger.warn('invoice document not readable for the dossier', { invoiceId: inv.invoiceId, error: (err as Error).name });
        return { name, key };
      }
    }),
  );
};

export const handOverDossier = async (ids: { tenantId: string; invoiceId: string; revision: number; run: number }): Promise<DossierHandover> => {
  const key = dossierKey(ids.tenantId, ids.invoiceId);
  const c = await loadCase(ids.tenantId, ids.invoiceId);
  if (!c || c.view.invoice.status !== 'escalated') return { key, delivery: 'skipped' };
  if (c.view.stagesDone.some((s) => s.stage === DOSSIER_GUARD_KEY)) return done(c);
  const { tenant, customer } = c;
  const inv = c.view.invoice;
  const now = clock.now();

  const dossier = await buildDossier(
    { tenant, customer, invoice: inv, policy: c.policy, events: c.view.events, payments: c.view.payments, documents: await documentsOf(c), now },
    tenant.language,
  );
  await deps.blobs().put(key, dossier.zip, 'application/zip');

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
    const link = attach ? undefined : await deps.blobs().presignGet(key, LINK_TTL_SECONDS);
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
        const { messageId } = await deps.mailer().send({
          from: deps.sender(),
          to: [agency.email],
          replyTo: tenant.email,
          ...mail,
          tags: { tenant: inv.tenantId, invoice: inv.invoiceId, kind: 'agencyDossier' },
          ...(attach ? { attachments: [{ filename: dossier.filename, contentType: 'application/zip', content: dossier.zip }] } : {}),
        });
        count('DossiersSent');
        return { eventId: event.eventId, outcome: 'sent', messageId };
      } catch (err) {
        // Nothing left: give the claim back below so the retry sends it.
        if (err instanceof TransientError) throw err;
        logger.warn('dossier not sent to the agency', { invoiceId: inv.invoiceId, error: (err as Error).name });
        return { eventId: event.eventId, outcome: 'failed', error: (err as Error).name };
      }
    };
  }

  const store = deps.sendGuard();
  let claim;
  try {
    claim = await store.claimSend({ ...ids, requiredStatus: 'escalated', guardKey: DOSSIER_GUARD_KEY, events: [event] });
  } catch (err) {
    // Paid (or reinstated) in the meantime: the file stays in S3, nobody is sent anything.
    if (err instanceof InvoiceClosedError) return { key, delivery: 'skipped' };
    throw err;
  }
  if (claim.outcome === 'alreadyDone') return done((await loadCase(ids.tenantId, ids.invoiceId)) ?? c);
  let result: SendResult | undefined;
  try {
    result = send ? await send() : undefined;
  } catch (err) {
    await store.releaseSend(claim.lease, `agency e-mail: ${(err as Error).message}`);
    throw err;
  }
  await store.completeSend(claim.lease, result ? [result] : []);
  count('DossiersPrepared');
  logger.info('dossier handed over', { tenantId: inv.tenantId, invoiceId: inv.invoiceId, delivery, outcome: result?.outcome ?? 'recorded' });
  return { key, delivery, ...(result?.messageId ? { messageId: result.messageId } : {}) };
};
