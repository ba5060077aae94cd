/**
 * What the parsers hand to the ingest rules: records that passed validation, and rejections that
 * say where (row or element), which field, the value seen and why. A file that cannot be read at
 * all raises FileRejected instead.
 */
import type { Language } from '../model.js';

/** cii: UN/CEFACT Cross Industry Invoice (XRechnung CII, Factur-X / ZUGFeRD), on its own or carried in a PDF/A-3. */
export type InvoiceFormat = 'csv' | 'json' | 'fatturapa' | 'ubl' | 'cii';

/** Where a record sits in its file: a 1-based row (CSV header = row 1, JSON item index + 1) or an XML path. */
export interface RecordLocation {
  row?: number;
  element?: string;
}

export interface Rejection extends RecordLocation {
  field: string;
  value?: string;
  reason: string;
}

/** The buyer as an e-invoice names it: used to find (or create) the customer. */
export interface BuyerParty {
  name?: string;
  country?: string;
  /** VAT number with its country prefix (IT01234567890). */
  vatId?: string;
  /** Codice fiscale, or another legal registration id when the document has no VAT number. */
  fiscalCode?: string;
  /** Every identifier the customer directory may know the buyer by, most specific first. */
  taxIds: string[];
  email?: string;
  /** A certified e-mail (PEC, FatturaPA PECDestinatario): kept apart from the ordinary address. */
  pec?: string;
  phone?: string;
  language?: Language;
  address?: string;
  /**
   * The document names the buyer by name alone (EN 16931 makes identifiers optional): the invoice
   * waits with needsContact until a person confirms who it is.
   */
  nameOnly?: true;
}

export type DocumentKind = 'invoice' | 'credit_note';

export interface ParsedInvoice extends RecordLocation {
  format: InvoiceFormat;
  documentKind: DocumentKind;
  number: string;
  /** The customer's code in the directory (CSV/JSON); e-invoices identify the buyer instead. */
  customerId?: string;
  /** A VAT number or codice fiscale to find the customer by (CSV/JSON column, or the e-invoice buyer). */
  buyer?: BuyerParty;
  issueDate: string;
  /** Absent: the customer's payment terms from the issue date decide it (ingest-rules.ts). */
  dueDate?: string;
  currency: string;
  /** Minor units; zero or negative means nothing to chase. */
  amount: number;
  paymentReference?: string;
  instalment?: { index: number; count: number };
  /** The document type as the file says it (TD04, CreditNote 381, "nota di credito"), for the not-chased reason. */
  documentType?: string;
  /** Why the document creates nothing to collect, as its reader judged it (a self-issued type, a buyer that is the supplier). */
  notChased?: string;
  /** The invoices a credit note corrects (FatturaPA DatiFattureCollegate, UBL BillingReference, CII InvoiceReferencedDocument), in document order. */
  corrects?: InvoiceReference[];
}

/** E-invoice formats: the stored file is the invoice itself, and so the customer's copy (documentKey). */
export const E_INVOICE_FORMATS: readonly InvoiceFormat[] = ['fatturapa', 'ubl', 'cii'];

export interface InvoiceReference {
  number: string;
  date?: string;
}

/** A record that passed, or every reason it did not (one per bad field). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; rejections: Rejection[] };

export const accepted = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const rejected = <T = never>(...rejections: Rejection[]): Parsed<T> => ({ ok: false, rejections });

/** The whole file is unusable (not the format it claims, truncated, too big, unsafe). */
export class FileRejected extends Error {
  override readonly name = 'FileRejected';
  constructor(
    readonly reason: string,
    readonly at: RecordLocation & { field?: string; value?: string } = {},
  ) {
    super(reason);
  }
}

/** Limits that keep one Lambda safe from any file (documented in docs/ingest.md). */
export const LIMITS = {
  /** XML and JSON documents are parsed whole: larger ones are rejected before reading them. */
  maxDocumentBytes: 50 * 1024 * 1024,
  /** CSV and NDJSON stream, so their size is bounded only by the Lambda's time. */
  maxStreamBytes: 2 * 1024 * 1024 * 1024,
  /** One CSV record or NDJSON line. */
  maxRecordBytes: 64 * 1024,
  maxColumns: 200,
  /** The first bytes read to decide what a file is. */
  sniffBytes: 64 * 1024,
  /** Rejections kept in one report; the rest are counted. */
  maxReportedErrors: 10_000,
} as const;
