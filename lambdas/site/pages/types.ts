/** What each customer page shows: the view the site builds from an opened link and hands to renderPage. */
import type { AnswerAction, FieldError } from '../../domain/messages/customer-forms.js';
import type { LinkAction } from '../../domain/messages/links.js';
import type { InvoiceStatus, Language } from '../../domain/model.js';

export interface SupplierInfo {
  name: string;
  email: string;
  phone?: string;
  iban: string;
  bic?: string;
  country: string;
}

export interface InvoiceInfo {
  number: string;
  customerName: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  amount: number;
  amountPaid: number;
  status: InvoiceStatus;
  paymentReference?: string;
  promiseDate?: string;
}

export interface OtherLink {
  action: LinkAction;
  url: string;
}

export interface LandingPage {
  kind: 'landing';
  lang: Language;
  supplier: SupplierInfo;
  invoice: InvoiceInfo;
  action: AnswerAction;
  csrf: string;
  /** The customer's calendar day: bounds of the date inputs. */
  today: string;
  customerCountry: string;
  /** The other answers of the same reminder. */
  others: OtherLink[];
  /** After a refused POST: what was typed, and why it was refused. */
  values?: Record<string, string>;
  errors?: FieldError[];
  /** A refusal of the whole answer (commandErrors code). */
  refusal?: string;
}

export interface DonePage {
  kind: 'done';
  lang: Language;
  supplier: SupplierInfo;
  invoice: InvoiceInfo;
  action: AnswerAction;
  /** paid: the grace days; promise: the date. */
  graceDays?: number;
  promiseDate?: string;
  others: OtherLink[];
}

export const PROBLEMS = ['invalid', 'expired', 'answered', 'form', 'document', 'error'] as const;
export type Problem = (typeof PROBLEMS)[number];

export interface ProblemPage {
  kind: 'problem';
  lang: Language;
  /** Absent when not even the supplier is known (no tenant configured). */
  supplier?: Pick<SupplierInfo, 'name' | 'email' | 'phone'>;
  problem: Problem;
}

export type Page = LandingPage | DonePage | ProblemPage;
