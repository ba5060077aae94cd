/**
 * The ingest decisions, pure: which invoice a record is (its identity), whether it is new, the same,
 * a correction or something that must not be touched; how it is chased (open, not_chased,
 * needsContact); the due date when the document has none; customers created from an e-invoice's
 * buyer; the payment reference (payment-reference.ts); a directory record merged into the stored customer.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { ACTIVE_STATUSES, Customer, creditedAmount, E164, LIMITS, type ContactEvent, type SalesNote, type Invoice, type InvoiceStatus, type Language, type Tenant } from '../model.js';
import { contactEvent } from '../shared/contact-event.js';
import { isReachable } from '../commands/commands.js';
import { withSalesNotes } from '../commands/sales-notes.js';
import { addDays } from '../shared/days.js';
import { nameKey } from '../shared/name-key.js';
import { generatedPaymentReference } from './payment-reference.js';
import type { DirectoryCustomer, DirectoryFields } from '../parsers/customers.js';
import { E_INVOICE_FORMATS, type BuyerParty, type InvoiceFormat, type ParsedInvoice } from '../parsers/types.js';
import { sdiFileStem } from '../parsers/sdi-receipts.js';
import { regionProblem } from '../timeline/local-holidays.js';

export interface IngestContext {
  tenantId: string;
  now: Date;
  /** The S3 key of the file being ingested. */
  sourceKey: string;
}

/** Statuses a re-upload never reopens or changes. */
export const CLOSED_STATUSES: readonly InvoiceStatus[] = ['paid', 'escalated', 'written_off'];

/** "  2025/ 0412 " and "2025/ 0412" are the same number; case does not make another invoice. */
export const normaliseNumber = (n: string): string => n.trim().replace(/\s+/g, ' ').toUpperCase();

/**
 * The invoice id: a pure function of tenant, customer, document kind, number and instalment, so a
 * duplicate S3 event, a re-upload or the same invoice in two files (CSV and FatturaPA alike) all
 * land on the same item. A credit note numbered like an invoice is another document.
 */
export const invoiceIdFor = (
  tenantId: string,
  customerId: string,
  number: string,
  kind: ParsedInvoice['documentKind'] = 'invoice',
  instalmentIndex?: number,
): string => {
  const key = [tenantId, customerId, kind, normaliseNumber(number), instalmentIndex ?? ''].join('\u0000');
  return `inv_${createHash('sha256').update(key).digest('hex').slice(0, 32)}`;
};

/** Directive 2011/7: without an agreed date, payment is due `paymentTermsDays` (default 30) after the issue date. */
export const dueDateFor = (rec: Pick<ParsedInvoice, 'dueDate' | 'issueDate'>, customer: Pick<Customer, 'paymentTermsDays'>): string =>
  rec.dueDate ?? addDays(rec.issueDate, customer.paymentTermsDays);

/** Why a document is stored but never chased; undefined when it is chased. */
export const notChasedReason = (rec: Pick<ParsedInvoice, 'documentKind' | 'documentType' | 'amount' | 'notChased'>): string | undefined => {
  if (rec.notChased) return rec.notChased;
  if (rec.documentKind === 'credit_note') return `credit note${rec.documentType ? ` (${rec.documentType})` : ''}: nothing to collect`;
  if (rec.amount <= 0) return 'the amount payable is zero or negative: nothing to collect';
  return undefined;
};

const LANGUAGE_BY_COUNTRY: Record<string, Language> = { IT: 'it', SM: 'it', VA: 'it', RO: 'ro', MD: 'ro' };
export const languageFor = (country: string): Language => LANGUAGE_BY_COUNTRY[country] ?? 'en';

// A table rather than date-holidays' zone list: the ingest bundle stays small (issue 9), and these
// are the countries a European supplier invoices; others take the tenant's zone.
const ZONE_BY_COUNTRY: Record<string, string> = {
  IT: 'Europe/Rome', SM: 'Europe/San_Marino', VA: 'Europe/Vatican', RO: 'Europe/Bucharest', MD: 'Europe/Chisinau',
  GB: 'Europe/London', IE: 'Europe/Dublin', FR: 'Europe/Paris', DE: 'Europe/Berlin', ES: 'Europe/Madrid',
  PT: 'Europe/Lisbon', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels', LU: 'Europe/Luxembourg', AT: 'Europe/Vienna',
  CH: 'Europe/Zurich', LI: 'Europe/Vaduz', MC: 'Europe/Monaco', SE: 'Europe/Stockholm', DK: 'Europe/Copenhagen',
  NO: 'Europe/Oslo', FI: 'Europe/Helsinki', IS: 'Atlantic/Reykjavik', PL: 'Europe/Warsaw', CZ: 'Europe/Prague',
  SK: 'Europe/Bratislava', HU: 'Europe/Budapest', SI: 'Europe/Ljubljana', HR: 'Europe/Zagreb', RS: 'Europe/Belgrade',
  BA: 'Europe/Sarajevo', ME: 'Europe/Podgorica', MK: 'Europe/Skopje', AL: 'Europe/Tirane', GR: 'Europe/Athens',
  BG: 'Europe/Sofia', CY: 'Asia/Nicosia', MT: 'Europe/Malta', EE: 'Europe/Tallinn', LV: 'Europe/Riga',
  LT: 'Europe/Vilnius', UA: 'Europe/Kyiv', TR: 'Europe/Istanbul',
};
export const timeZoneFor = (country: string, fallback: string): string => ZONE_BY_COUNTRY[country] ?? fallback;

/** What a new customer takes when its record says nothing: the tenant's country and zone. */
export interface CustomerDefaults {
  country: string;
  timeZone: string;
}
export const customerDefaults = (tenant: Pick<Tenant, 'country' | 'timeZone'> | undefined): CustomerDefaults => ({
  country: tenant?.country ?? 'IT',
  timeZone: tenant?.timeZone ?? 'Europe/Rome',
});

/** A record whose result is not a valid customer: the field and why, for the rejection report. */
export class InvalidRecord extends Error {
  override readonly name = 'InvalidRecord';
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

const parseCustomer = (input: unknown): Customer => {
  const out = z.safeParse(Customer, input);
  if (!out.success) {
    const issue = out.error.issues[0];
    throw new InvalidRecord(issue?.path.join('.') || 'customer', issue?.message ?? 'not a valid customer');
  }
  // A region the customer's country has not (its country changed, or came from the stored customer) is refused, not ignored.
  const regionWrong = out.data.region ? regionProblem(out.data.country, out.data.region) : undefined;
  if (regionWrong) throw new InvalidRecord('region', `${out.data.region}: ${regionWrong}`);
  return out.data;
};

/**
 * The customer id given to a buyer first seen on an e-invoice: its VAT number, else its first tax
 * id; a buyer named by name alone gets one made of the name (nameCustomerId), so the next document
 * naming it the same way lands on the same customer.
 */
export const customerIdForBuyer = (buyer: BuyerParty): string | undefined =>
  buyer.vatId ?? buyer.taxIds[0] ?? (buyer.name ? nameCustomerId(buyer.name) : undefined);

/** "Acme S.r.l." -> "name-acme-srl": the next document naming the buyer the same way lands on the same customer. */
export const nameCustomerId = (name: string): string => `name-${nameKey(name)}`;

const countryOf = (buyer: BuyerParty | undefined, defaults: CustomerDefaults): string => {
  if (buyer?.country) return buyer.country;
  const prefix = buyer?.vatId?.slice(0, 2);
  if (prefix && /^[A-Z]{2}$/.test(prefix)) return prefix === 'EL' ? 'GR' : prefix;
  return defaults.country;
};

/**
 * A customer the directory does not know yet: from the e-invoice's buyer (name, country, VAT,
 * language and zone from the country, its e-mail when the document has one), or a bare record
 * for a code seen only on a CSV/JSON row. With no address it waits for one: its invoices are
 * stored open with needsContact.
 */
export const newCustomer = (tenantId: string, customerId: string, buyer: BuyerParty | undefined, defaults: CustomerDefaults): Customer => {
  const country = countryOf(buyer, defaults);
  return parseCustomer({
    tenantId,
    customerId,
    name: buyer?.name ?? customerId,
    ...(buyer?.vatId ? { vatId: buyer.vatId } : {}),
    ...(buyer?.fiscalCode && buyer.fiscalCode !== buyer.vatId ? { fiscalCode: buyer.fiscalCode } : {}),
    country,
    language: buyer?.language ?? languageFor(country),
    timeZone: timeZoneFor(country, defaults.timeZone),
    ...(buyer?.email ? { email: buyer.email } : {}),
    ...(buyer?.pec ? { pec: buyer.pec } : {}),
    ...(buyer?.phone && z.safeParse(E164, buyer.phone).success ? { phone: buyer.phone } : {}),
    ...(buyer?.address ? { address: buyer.address } : {}),
  });
};

/** The tax-id lookup keys a customer is found by (written next to it). */
export const taxKeysOf = (c: Pick<Customer, 'vatId' | 'fiscalCode'>): string[] =>
  [...new Set([c.vatId, c.fiscalCode].filter((k): k is string => Boolean(k)).map((k) => k.toUpperCase()))];

/** The invoice a record describes, before comparing it with what is stored. */
export const invoiceFromRecord = (rec: ParsedInvoice, customer: Customer, ctx: IngestContext): Invoice => {
  const reason = notChasedReason(rec);
  const now = ctx.now.toISOString();
  const format: InvoiceFormat = rec.format;
  const invoiceId = invoiceIdFor(ctx.tenantId, customer.customerId, rec.number, rec.documentKind, rec.instalment?.index);
  const number = rec.number.trim();
  return {
    tenantId: ctx.tenantId,
    invoiceId,
    number,
    customerId: customer.customerId,
    issueDate: rec.issueDate,
    dueDate: dueDateFor(rec, customer),
    currency: rec.currency,
    amount: rec.amount,
    amountPaid: 0,
    status: reason ? 'not_chased' : 'open',
    // The company's own reference as given (a malformed RF too: payment-reference.ts); else one made here.
    paymentReference: rec.paymentReference ?? generatedPaymentReference({ number, invoiceId, ...(rec.instalment ? { instalment: rec.instalment } : {}) }),
    ...(rec.instalment ? { instalment: rec.instalment } : {}),
    // A buyer known by name alone waits for a person to confirm who it is, even with an address.
    needsContact: !reason && (!isReachable(customer) || rec.buyer?.nameOnly === true),
    revision: 1,
    run: 0,
    source: { key: ctx.sourceKey.slice(0, 1024), format },
    // An e-invoice's file is the invoice itself: the customer's copy behind "view the invoice".
    ...(E_INVOICE_FORMATS.includes(format) ? { documentKey: ctx.sourceKey.slice(0, 1024) } : {}),
    // A FatturaPA is known to the SdI by its file name: its receipts find it by that (domain/sdi/receipts.ts).
    ...(format === 'fatturapa' ? { sdi: { file: sdiFileStem(ctx.sourceKey) } } : {}),
    ...(reason ? { notChasedReason: reason } : {}),
    createdAt: now,
    updatedAt: now,
  };
};

export type IngestDecision =
  /** Not stored yet: create it (revision 1, run 0; `source` and `createdAt` tell where it came from). */
  | { action: 'create'; invoice: Invoice }
  /** The same invoice again (duplicate event, re-upload, second file): nothing to write. */
  | { action: 'unchanged' }
  /** Same amount, currency and due date; a detail changed, or it can now reach the customer (run + 1). */
  | { action: 'amend'; invoice: Invoice; fields: string[] }
  /** A corrected invoice: revision + 1, so the running timeline ends and a new one starts. */
  | { action: 'supersede'; invoice: Invoice; event: ContactEvent }
  /** Paid, escalated or written off: a different re-upload is reported, never applied. */
  | { action: 'closed'; status: InvoiceStatus; reason: string };

const event = (inv: Invoice, ctx: IngestContext, type: 'superseded', details: Record<string, unknown>): ContactEvent =>
  contactEvent({ tenantId: inv.tenantId, invoiceId: inv.invoiceId, at: ctx.now.toISOString(), type, channel: 'system', actor: 'system', details });

/** The file's reference replaces the stored one, unless it is only the one made for a record without any (the company's own stays). */
const takesReference = (existing: Invoice, candidate: Invoice): candidate is Invoice & { paymentReference: string } =>
  candidate.paymentReference !== undefined && (existing.paymentReference === undefined || candidate.paymentReference !== generatedPaymentReference(candidate));

const chaseFields = (i: Invoice) => `${i.amount}|${i.currency}|${i.dueDate}`;

/**
 * The copy and the SdI file name a file brings. A correction (`replaces`) brings its own file; the
 * same invoice again, in another file, keeps the copy it has and only fills one it lacks (a CSV row
 * never takes one away). The SdI's receipts already recorded stay with their file: a correction
 * sent as another file (an invoice the SdI refused, issued again) is another transmission, and
 * what the SdI said about the first one is not about it.
 */
const copyFields = (existing: Invoice, candidate: Invoice, replaces: boolean): Pick<Invoice, 'documentKey' | 'sdi'> => {
  const documentKey = replaces ? (candidate.documentKey ?? existing.documentKey) : (existing.documentKey ?? candidate.documentKey);
  const file = replaces ? (candidate.sdi?.file ?? existing.sdi?.file) : (existing.sdi?.file ?? candidate.sdi?.file);
  const anotherFile = file !== undefined && existing.sdi?.file !== undefined && file !== existing.sdi.file;
  const sdi = anotherFile ? { file } : existing.sdi || file ? { ...existing.sdi, ...(file ? { file } : {}) } : undefined;
  return { ...(documentKey ? { documentKey } : {}), ...(sdi ? { sdi } : {}) };
};

/**
 * The file states the invoice as issued; credit notes applied since lowered the stored amount.
 * Compared (and corrected) net of them, so a re-upload of the original does not undo a credit note.
 */
const netOfCredits = (candidate: Invoice, existing: Invoice): Invoice => {
  const credited = creditedAmount(existing);
  if (credited === 0) return candidate;
  const amount = candidate.amount - credited;
  if (candidate.status === 'not_chased' || amount > existing.amountPaid) return { ...candidate, amount };
  const paid = existing.amountPaid > 0;
  return {
    ...candidate,
    amount: Math.max(amount, existing.amountPaid),
    status: paid ? 'paid' : 'not_chased',
    needsContact: false,
    ...(paid ? {} : { notChasedReason: 'credited in full by credit notes: nothing to collect' }),
  };
};

/** Compares what is stored with what the file says. `existing` undefined: the invoice is new. */
export const decide = (existing: Invoice | undefined, fromFile: Invoice, ctx: IngestContext, at: { row?: number; element?: string } = {}): IngestDecision => {
  if (!existing) return { action: 'create', invoice: fromFile };
  const candidate = netOfCredits(fromFile, existing);
  const sameChase = chaseFields(existing) === chaseFields(candidate) && (existing.status === 'not_chased') === (candidate.status === 'not_chased');
  if (CLOSED_STATUSES.includes(existing.status)) {
    if (sameChase) return { action: 'unchanged' };
    return {
      action: 'closed',
      status: existing.status,
      reason: `invoice ${existing.number} is already ${existing.status.replace('_', ' ')}: a re-upload never reopens it (stored ${existing.amount} ${existing.currency} due ${existing.dueDate})`,
    };
  }
  const now = ctx.now.toISOString();
  if (!sameChase) {
    // Open and not-chased documents follow the file; a promise, dispute, pause or claim stays as it is.
    const followsFile = existing.status === 'open' || existing.status === 'not_chased';
    let status: InvoiceStatus = followsFile ? candidate.status : existing.status;
    if (ACTIVE_STATUSES.includes(status) && candidate.amount > 0 && existing.amountPaid >= candidate.amount) status = 'paid';
    const invoice: Invoice = {
      ...existing,
      issueDate: candidate.issueDate,
      dueDate: candidate.dueDate,
      currency: candidate.currency,
      amount: candidate.amount,
      status,
      needsContact: status === 'open' && candidate.needsContact && existing.needsContact,
      revision: existing.revision + 1,
      source: candidate.source,
      ...copyFields(existing, candidate, true),
      updatedAt: now,
    };
    if (takesReference(existing, candidate)) invoice.paymentReference = candidate.paymentReference;
    if (status === 'not_chased') invoice.notChasedReason = candidate.notChasedReason;
    else delete invoice.notChasedReason;
    return {
      action: 'supersede',
      invoice,
      event: event(invoice, ctx, 'superseded', {
        source: candidate.source?.key,
        ...at,
        revision: invoice.revision,
        previous: {
          revision: existing.revision,
          amount: existing.amount,
          currency: existing.currency,
          dueDate: existing.dueDate,
          issueDate: existing.issueDate,
          status: existing.status,
          source: existing.source?.key,
        },
        amount: invoice.amount,
        currency: invoice.currency,
        dueDate: invoice.dueDate,
      }),
    };
  }
  const fields: string[] = [];
  const invoice: Invoice = { ...existing };
  if (candidate.issueDate !== existing.issueDate) {
    invoice.issueDate = candidate.issueDate;
    fields.push('issueDate');
  }
  if (takesReference(existing, candidate) && candidate.paymentReference !== existing.paymentReference) {
    invoice.paymentReference = candidate.paymentReference;
    fields.push('paymentReference');
  }
  const copy = copyFields(existing, candidate, false);
  if (copy.documentKey !== existing.documentKey) {
    invoice.documentKey = copy.documentKey;
    fields.push('documentKey');
  }
  if (copy.sdi?.file !== existing.sdi?.file) {
    invoice.sdi = copy.sdi;
    fields.push('sdi');
  }
  if (existing.needsContact && !candidate.needsContact) {
    // The customer can be reached now: the stream starts the timeline on the raised run.
    invoice.needsContact = false;
    invoice.run = existing.run + 1;
    fields.push('needsContact');
  }
  if (fields.length === 0) return { action: 'unchanged' };
  invoice.updatedAt = now;
  return { action: 'amend', invoice, fields };
};

export interface DirectoryMerge {
  customer: Customer;
  created: boolean;
  /** Names of the fields the record changed (empty: nothing to write). */
  changed: string[];
  /** It had no address to write to and has one now: its waiting invoices can start. */
  becameReachable: boolean;
  /** Sales notes the record adds, written as items of their own beside the customer. */
  salesNotes: SalesNote[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * A directory record over the stored customer. Fields the record sets replace the stored ones,
 * except sales notes, which are added (notes the finance team wrote are never lost); what the
 * record leaves out stays. Runtime state (credit hold, e-mail status unless the address changed)
 * is kept. Throws InvalidRecord when the result is not a valid customer.
 */
export const mergeDirectoryRecord = (
  existing: Customer | undefined,
  rec: DirectoryCustomer,
  tenantId: string,
  defaults: CustomerDefaults,
  now: Date,
): DirectoryMerge => {
  const { salesNotes: texts = [], ...f }: DirectoryFields = rec.fields;
  const addNotes = (c: Customer): { customer: Customer; notes: SalesNote[] } => {
    const added = withSalesNotes(c, texts, 'system', now);
    if (added.outcome === 'full') throw new InvalidRecord('salesNotes', `the customer would keep more than ${LIMITS.salesNotes} sales notes (${added.kept} already)`);
    return added.outcome === 'added' ? { customer: added.customer, notes: added.notes } : { customer: c, notes: [] };
  };
  if (!existing) {
    const country = f.country ?? defaults.country;
    const parsed = parseCustomer({
      ...f,
      tenantId,
      customerId: rec.customerId,
      country,
      language: f.language ?? languageFor(country),
      timeZone: f.timeZone ?? timeZoneFor(country, defaults.timeZone),
    });
    const { customer, notes } = addNotes(parsed);
    return { customer, created: true, changed: Object.keys(rec.fields), becameReachable: false, salesNotes: notes };
  }
  const next: Record<string, unknown> = { ...existing };
  const changed: string[] = [];
  for (const [k, v] of Object.entries(f) as [keyof DirectoryFields, unknown][]) {
    if (same(next[k], v)) continue;
    next[k] = v;
    changed.push(k);
  }
  if (changed.includes('email')) next.emailStatus = 'ok';
  // Notes are added, never replaced: the ones the finance team wrote are never lost.
  const { customer: noted, notes } = addNotes(parseCustomer(next));
  if (notes.length > 0) changed.push('salesNotes');
  if (changed.length === 0) return { customer: existing, created: false, changed, becameReachable: false, salesNotes: [] };
  const customer = parseCustomer({ ...noted, version: existing.version + 1 });
  return { customer, created: false, changed, becameReachable: !isReachable(existing) && isReachable(customer), salesNotes: notes };
};
