/**
 * The collection dossier handed to the agency at escalation: everything about one unpaid invoice
 * in one zip (fflate) holding
 * - dossier.pdf: a summary for people (pdf-lib, standard Helvetica: no font file to ship);
 * - dossier.json: the same data for the agency's systems;
 * - documents/…: the original invoice document(s) as stored.
 * The amount claimed is principal still due + late-payment interest to the customer's today +
 * the fixed recovery compensation (interest.ts claimAmount, Directive 2011/7/EU); a part paid late
 * earns interest up to its payment day. Pure: the
 * documents' bytes and `now` come in.
 */
import { zipSync } from 'fflate';
import { DateTime } from 'luxon';
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { claimAmount, type Claim } from '../money/interest.js';
import { paidParts } from '../money/paid-parts.js';
import { amountDue, type ContactEvent, type Customer, type Invoice, type Language, type Payment, type Policy, type Tenant } from '../model.js';
import { noticeStrings } from '../messages/notices.js';
import { daysLate } from '../messages/reminder.js';
import { fillText, formatDate, formatMoney } from './report-strings.js';
import { localDay } from '../shared/days.js';

/** What the agency sees of a payment: everything but who recorded it. */
export type DossierPayment = Omit<Payment, 'actor'>;

export interface DossierDocument {
  /** File name inside the zip's documents/ folder. */
  name: string;
  key: string;
  /** Undefined when the stored object could not be found. */
  content?: Uint8Array;
}

export interface DossierInput {
  tenant: Tenant;
  customer: Customer;
  invoice: Invoice;
  policy: Pick<Policy, 'id' | 'escalation'>;
  events: readonly ContactEvent[];
  payments: readonly DossierPayment[];
  documents: readonly DossierDocument[];
  now: Date;
}

const PROMISE_EVENTS = new Set(['promise', 'promise_kept', 'promise_broken']);
const DISPUTE_EVENTS = new Set(['dispute', 'dispute_resolved']);

/** The machine-readable dossier (dossier.json). Amounts in minor units with their currency. */
export const dossierData = (input: DossierInput) => {
  const { tenant, customer, invoice, now } = input;
  const asOf = localDay(now, customer.timeZone);
  const claim: Claim = claimAmount({
    principal: amountDue(invoice),
    currency: invoice.currency,
    dueDate: invoice.dueDate,
    asOf,
    payments: paidParts(input.payments, invoice.currency),
  });
  const byTime = [...input.events].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    version: 1 as const,
    generatedAt: now.toISOString(),
    creditor: {
      name: tenant.name,
      vatId: tenant.vatId,
      address: tenant.address,
      email: tenant.email,
      phone: tenant.phone,
      iban: tenant.iban,
      bic: tenant.bic,
      country: tenant.country,
    },
    debtor: {
      customerId: customer.customerId,
      name: customer.name,
      vatId: customer.vatId,
      fiscalCode: customer.fiscalCode,
      country: customer.country,
      language: customer.language,
      timeZone: customer.timeZone,
      email: customer.email,
      phone: customer.phone,
      billingContact: customer.billingContact,
      officeHours: customer.officeHours,
    },
    invoice: {
      invoiceId: invoice.invoiceId,
      number: invoice.number,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      currency: invoice.currency,
      amount: invoice.amount,
      amountPaid: invoice.amountPaid,
      paymentReference: invoice.paymentReference,
      status: invoice.status,
      daysPastDue: daysLate(invoice.dueDate, now, customer.timeZone),
      /** What the Sistema di Interscambio said: delivered (RC) or attested (AT) on a date is proof of receipt. */
      sdi: invoice.sdi,
      policy: input.policy.id,
    },
    claim: {
      currency: invoice.currency,
      asOf,
      principal: claim.principal,
      interest: claim.interest,
      compensation: claim.compensation,
      total: claim.total,
      interestDays: claim.days,
      interestSegments: claim.segments,
      /** Each part interest ran on: the parts paid late (to their payment day) and the unpaid rest. */
      interestParts: claim.parts,
    },
    relationship: { preserveRelationship: customer.preserveRelationship },
    salesNotes: customer.salesNotes,
    payments: [...input.payments].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)),
    promises: { current: invoice.promise, plan: invoice.plan, history: byTime.filter((e) => PROMISE_EVENTS.has(e.type)) },
    disputes: { current: invoice.dispute, history: byTime.filter((e) => DISPUTE_EVENTS.has(e.type)) },
    contactHistory: byTime,
    documents: input.documents.map((d) => ({ name: d.name, key: d.key, included: d.content !== undefined })),
  };
};

export type DossierData = ReturnType<typeof dossierData>;

// ---------------------------------------------------------------------------------------------
// PDF

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 50;
const SIZE = 10;
const LEADING = 14;

/**
 * The standard fonts speak WinAnsi only: a letter outside it (ș, ț, ă, Cyrillic…) is written
 * without its accent, or as '?', instead of failing the whole file. dossier.json keeps the originals.
 */
const printable = (font: PDFFont, text: string): string => {
  const known = new Set(font.getCharacterSet());
  let out = '';
  for (const ch of text.replace(/[\r\n\t]+/g, ' ')) {
    if (known.has(ch.codePointAt(0)!)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += [...base].every((c) => known.has(c.codePointAt(0)!)) && base ? base : '?';
    }
  }
  return out;
};

class PdfWriter {
  private page!: PDFPage;
  private y = 0;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  private newPage() {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  private ensure(height: number) {
    if (this.y - height < MARGIN) this.newPage();
  }

  private wrap(text: string, font: PDFFont, size: number, width: number): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of printable(font, text).split(' ')) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    if (line) lines.push(line);
    return lines;
  }

  text(text: string, opts: { bold?: boolean; size?: number; indent?: number } = {}) {
    const font = opts.bold ? this.bold : this.font;
    const size = opts.size ?? SIZE;
    const x = MARGIN + (opts.indent ?? 0);
    for (const line of this.wrap(text, font, size, A4[0] - MARGIN - x)) {
      this.ensure(size + 4);
      this.page.drawText(line, { x, y: this.y - size, size, font, color: rgb(0.12, 0.16, 0.2) });
      this.y -= size + 4;
    }
  }

  heading(text: string) {
    this.ensure(LEADING * 3);
    this.y -= LEADING / 2;
    this.text(text, { bold: true, size: 12 });
    this.y -= 2;
  }

  /** Label on the left, value on the right column. */
  row(label: string, value: string) {
    const labelWidth = 210;
    const labels = this.wrap(label, this.font, SIZE, labelWidth - 10);
    const values = this.wrap(value, this.bold, SIZE, A4[0] - 2 * MARGIN - labelWidth);
    const n = Math.max(labels.length, values.length);
    this.ensure(n * LEADING);
    for (let i = 0; i < n; i++) {
      if (labels[i]) this.page.drawText(labels[i]!, { x: MARGIN, y: this.y - SIZE, size: SIZE, font: this.font });
      if (values[i]) this.page.drawText(values[i]!, { x: MARGIN + labelWidth, y: this.y - SIZE, size: SIZE, font: this.bold });
      this.y -= LEADING;
    }
  }
}

const eventLine = (e: ContactEvent, timeZone: string): string => {
  const at = DateTime.fromISO(e.at, { zone: timeZone }).toFormat('yyyy-LL-dd HH:mm');
  const parts = [at, e.type, e.stage, e.channel, e.to, e.outcome, typeof e.details?.text === 'string' ? `"${e.details.text}"` : undefined];
  return parts.filter(Boolean).join(' · ');
};

/** One payment as the PDF lists it: day, amount, reference, where it was seen, and whether it was taken back. */
export const paymentLine = (p: DossierPayment, lang: Language): string => {
  const s = noticeStrings(lang).dossier;
  const L = noticeStrings(lang).locale;
  const source =
    p.source?.kind === 'statement'
      ? fillText(s.paidByStatement, { file: (p.source.file ?? '').replace(/^bank\//, ''), entry: p.source.entry ?? '?' })
      : p.source?.kind === 'api'
        ? s.paidByApi
        : p.source?.kind === 'link'
          ? s.paidByLink
          : undefined;
  const reversed = p.reversed ? fillText(s.paymentReversed, { date: formatDate(p.reversed.at.slice(0, 10), L), reason: p.reversed.reason ? ` (${p.reversed.reason})` : '' }) : undefined;
  return [formatDate(p.date, L), formatMoney(p.amount, p.currency, L), p.reference, source, reversed].filter(Boolean).join(' · ');
};

/** The PDF summary in the finance team's language (the agency is usually local to the supplier). */
export const dossierPdf = async (data: DossierData, lang: Language): Promise<Uint8Array> => {
  const s = noticeStrings(lang).dossier;
  const L = noticeStrings(lang).locale;
  const doc = await PDFDocument.create();
  doc.setTitle(`${s.title}: ${data.invoice.number}`);
  doc.setAuthor(data.creditor.name);
  doc.setCreationDate(new Date(data.generatedAt));
  doc.setModificationDate(new Date(data.generatedAt));
  const w = new PdfWriter(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold));
  const money = (minor: number) => formatMoney(minor, data.claim.currency, L);
  const date = (d: string) => formatDate(d, L);
  const none = () => w.text(s.none, { indent: 10 });

  w.text(`${s.title}: ${data.debtor.name}, ${s.invoice} ${data.invoice.number}`, { bold: true, size: 16 });
  w.text(fillText(s.generated, { date: date(data.generatedAt.slice(0, 10)) }));

  w.heading(s.creditor);
  w.text([data.creditor.name, data.creditor.vatId && `${s.vat} ${data.creditor.vatId}`, data.creditor.address].filter(Boolean).join(', '));
  w.text([data.creditor.email, data.creditor.phone, `IBAN ${data.creditor.iban}`].filter(Boolean).join(' · '));

  w.heading(s.debtor);
  w.text([data.debtor.name, data.debtor.vatId && `${s.vat} ${data.debtor.vatId}`, data.debtor.fiscalCode, data.debtor.country].filter(Boolean).join(', '));

  w.heading(s.invoice);
  w.row(s.invoice, data.invoice.number);
  w.row(s.issueDate, date(data.invoice.issueDate));
  w.row(s.dueDate, date(data.invoice.dueDate));
  w.row(s.daysLate, String(data.invoice.daysPastDue));
  if (data.invoice.sdi?.delivered) w.row(s.sdiDelivered, `${date(data.invoice.sdi.delivered.at.slice(0, 10))} (${data.invoice.sdi.delivered.by}${data.invoice.sdi.id ? `, IdentificativoSdI ${data.invoice.sdi.id}` : ''})`);
  w.row(s.amountInvoiced, money(data.invoice.amount));
  w.row(s.amountPaid, money(data.invoice.amountPaid));

  w.heading(s.amounts);
  w.row(s.principal, money(data.claim.principal));
  w.row(fillText(s.interest, { asOf: date(data.claim.asOf) }), money(data.claim.interest));
  w.row(s.compensation, money(data.claim.compensation));
  w.row(s.total, money(data.claim.total));

  w.heading(s.relationship);
  w.text(data.relationship.preserveRelationship ? s.preserveYes : s.preserveNo, { bold: data.relationship.preserveRelationship });

  w.heading(s.contacts);
  const bc = data.debtor.billingContact;
  const contacts = [
    bc && [bc.name, bc.role, bc.email, bc.phone].filter(Boolean).join(' · '),
    [data.debtor.email, data.debtor.phone].filter(Boolean).join(' · '),
    `${data.debtor.officeHours.from}-${data.debtor.officeHours.to} (${data.debtor.timeZone})`,
  ].filter(Boolean) as string[];
  for (const c of contacts) w.text(c, { indent: 10 });

  w.heading(s.salesNotes);
  if (data.salesNotes.length === 0) none();
  for (const n of data.salesNotes) w.text(`• ${n}`, { indent: 10 });

  w.heading(s.payments);
  if (data.payments.length === 0) none();
  for (const p of data.payments) w.text(paymentLine(p, lang), { indent: 10 });

  w.heading(s.promises);
  if (data.promises.history.length === 0) none();
  for (const e of data.promises.history) w.text(eventLine(e, data.debtor.timeZone), { indent: 10 });

  w.heading(s.disputes);
  if (data.disputes.history.length === 0) none();
  for (const e of data.disputes.history) w.text(eventLine(e, data.debtor.timeZone), { indent: 10 });

  w.heading(s.history);
  if (data.contactHistory.length === 0) none();
  for (const e of data.contactHistory) w.text(eventLine(e, data.debtor.timeZone), { indent: 10 });

  w.heading(s.documents);
  if (data.documents.length === 0) none();
  for (const d of data.documents) w.text(d.included ? `documents/${d.name}` : fillText(s.missingDocument, { key: d.name }), { indent: 10 });

  return doc.save();
};

export interface Dossier {
  filename: string;
  zip: Uint8Array;
  data: DossierData;
}

/** The whole dossier, zipped. Entries carry `now` as their time, so the same input gives the same bytes. */
export const buildDossier = async (input: DossierInput, lang: Language): Promise<Dossier> => {
  const data = dossierData(input);
  const pdf = await dossierPdf(data, lang);
  const mtime = input.now;
  const enc = new TextEncoder();
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {
    'dossier.pdf': [pdf, { mtime }],
    'dossier.json': [enc.encode(`${JSON.stringify(data, null, 2)}\n`), { mtime }],
  };
  for (const d of input.documents) if (d.content) files[`documents/${d.name}`] = [d.content, { mtime }];
  const safeNumber = input.invoice.number.replace(/[^A-Za-z0-9._-]+/g, '-');
  return { filename: `dossier-${safeNumber}.zip`, zip: zipSync(files, { level: 6 }), data };
};


/**
 * One collection case for the agency: the invoices of one customer handed over on one day. One
 * invoice is its own dossier (above); several go in one zip with case.json (the debtor, each
 * invoice's claim and the totals per currency) and each invoice's dossier under its number.
 */
export interface CaseDossier {
  filename: string;
  zip: Uint8Array;
  /** Each invoice's data, in the order given. */
  invoices: DossierData[];
  /** The amount claimed per currency, across the case. */
  totals: { currency: string; principal: number; interest: number; compensation: number; total: number }[];
}

export const buildCaseDossier = async (inputs: readonly DossierInput[], lang: Language): Promise<CaseDossier> => {
  if (inputs.length === 0) throw new RangeError('buildCaseDossier: a case holds at least one invoice');
  const totalsOf = (data: DossierData[]) => {
    const by = new Map<string, CaseDossier['totals'][number]>();
    for (const d of data) {
      const t = by.get(d.claim.currency) ?? { currency: d.claim.currency, principal: 0, interest: 0, compensation: 0, total: 0 };
      t.principal += d.claim.principal;
      t.interest += d.claim.interest;
      t.compensation += d.claim.compensation;
      t.total += d.claim.total;
      by.set(d.claim.currency, t);
    }
    return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  };
  if (inputs.length === 1) {
    const one = await buildDossier(inputs[0]!, lang);
    return { filename: one.filename, zip: one.zip, invoices: [one.data], totals: totalsOf([one.data]) };
  }
  const first = inputs[0]!;
  const mtime = first.now;
  const enc = new TextEncoder();
  const files: Record<string, [Uint8Array, { mtime: Date }]> = {};
  const invoices: DossierData[] = [];
  for (const input of inputs) {
    const data = dossierData(input);
    invoices.push(data);
    const folder = input.invoice.number.replace(/[^A-Za-z0-9._-]+/g, '-');
    files[`${folder}/dossier.pdf`] = [await dossierPdf(data, lang), { mtime }];
    files[`${folder}/dossier.json`] = [enc.encode(`${JSON.stringify(data, null, 2)}\n`), { mtime }];
    for (const d of input.documents) if (d.content) files[`${folder}/documents/${d.name}`] = [d.content, { mtime }];
  }
  const totals = totalsOf(invoices);
  const summary = {
    version: 1 as const,
    generatedAt: mtime.toISOString(),
    creditor: invoices[0]!.creditor,
    debtor: invoices[0]!.debtor,
    invoices: invoices.map((d) => ({ number: d.invoice.number, dueDate: d.invoice.dueDate, daysPastDue: d.invoice.daysPastDue, claim: d.claim })),
    totals,
  };
  files['case.json'] = [enc.encode(`${JSON.stringify(summary, null, 2)}\n`), { mtime }];
  const safeCustomer = first.customer.customerId.replace(/[^A-Za-z0-9._-]+/g, '-');
  return { filename: `dossier-${safeCustomer}-${localDay(mtime, first.customer.timeZone)}.zip`, zip: zipSync(files, { level: 6 }), invoices, totals };
};
