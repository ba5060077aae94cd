import type { Customer, Invoice, Language, MessageKind, StageId, Tenant, Tone } from '../../model.js';
import type { WordingOverride } from '../wording.js';

/** Signed links the customer can answer with (issue 6). Absent links are simply not shown. */
export interface CustomerLinks {
  paid?: string;
  promise?: string;
  dispute?: string;
  plan?: string;
  contact?: string;
  view?: string;
  /** The open-tracking pixel, only when the supplier turned it on (off by default). */
  open?: string;
  /** The SMS short link (domain/messages/short-links.ts, at most SHORT_LINK_MAX_LENGTH characters); long signed links never go in an SMS. */
  short?: string;
}

/** One invoice in a message. A consolidated message (one voice per customer) has several. */
export interface MessageLine {
  invoice: Invoice;
  /** The stage or message this invoice is at; decides its wording in a statement table. */
  kind: StageId | MessageKind;
  amountDue: number;
  /** Late-payment interest to date and the fixed compensation, minor units, when the stage shows them. */
  interest?: number;
  compensation?: number;
  daysLate: number;
  links?: CustomerLinks;
}

/** A credit the customer holds with the supplier, minor units left of it. */
export interface CreditInFavour {
  amount: number;
  currency: string;
  /** When it was kept (ISO timestamp): the overpaying transfer was read, or the credit note arrived. */
  at: string;
  /** A credit note's number; absent for an overpayment. */
  creditNote?: string;
}

export interface RenderInput {
  kind: StageId | MessageKind;
  tone: Tone;
  language: Language;
  tenant: Tenant;
  customer: Customer;
  lines: MessageLine[];
  now: Date;
  /** Extra facts some messages need: the broken promise's date, the payment just received. */
  facts?: { promiseDate?: string; paymentAmount?: number; paymentDate?: string };
  /**
   * The customer's credits still open (an overpayment's rest, a credit note's): shown beside what is
   * due, never netted from it (the finance team applies or refunds them).
   */
  credits?: readonly CreditInFavour[];
  /**
   * Where the e-mail finds the payment QR code's image ('cid:…' of an inline attachment). Without
   * it the message shows no QR code.
   */
  paymentQrSrc?: string;
  /** The company's own wording (domain/messages/wording.ts): the one of this kind, tone and language replaces the built-in words. */
  overrides?: readonly WordingOverride[];
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  /** One SMS text (GSM-friendly, at most 3 segments); empty when the message has no SMS form. */
  sms: string;
  /** The EPC QR payload the HTML shows at `paymentQrSrc` (messages/payment-qr.ts), when it shows one. */
  paymentQr?: string;
}

export interface CallSheet {
  /** Talking points in the finance team's language. */
  talkingPoints: string[];
  summary: string;
}
