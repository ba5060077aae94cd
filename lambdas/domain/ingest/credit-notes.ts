/**
 * Which ingested records credit the customer, and what the ingest report says about them. A
 * credit note (TD04, TD08, a UBL CreditNote …) or a negative invoice (EN 16931's other way of
 * correcting one) credits its absolute amount; a document its reader judged not to concern a
 * receivable at all (a self-addressed one) credits nothing. app/ingest/apply-credit-notes.ts nets
 * the credit off the invoices it names (domain/commands/credit-note.ts), the rest becomes the
 * customer's credit.
 */
import { formatMoney } from '../shared/format.js';
import type { InvoiceReference, ParsedInvoice } from '../parsers/types.js';

/** The credit a record gives, minor units (> 0); undefined when it is not a credit. */
export const creditAmountOf = (rec: Pick<ParsedInvoice, 'documentKind' | 'amount' | 'notChased'>): number | undefined => {
  if (rec.notChased) return undefined;
  if (rec.documentKind === 'credit_note') return rec.amount === 0 ? undefined : Math.abs(rec.amount);
  return rec.amount < 0 ? -rec.amount : undefined;
};

export const isCredit = (rec: Pick<ParsedInvoice, 'documentKind' | 'amount' | 'notChased'>): boolean => creditAmountOf(rec) !== undefined;

/** The field a report entry about the invoices a credit note names points at, per format. */
export const referenceField = (rec: Pick<ParsedInvoice, 'format'>): string =>
  rec.format === 'fatturapa' ? 'IdDocumento' : rec.format === 'ubl' ? 'BillingReference' : rec.format === 'cii' ? 'InvoiceReferencedDocument' : 'correctsInvoice';

const m = (minor: number, currency: string) => formatMoney(minor, currency, 'en-GB');

export const creditNoteNotices = {
  unknownInvoice: (rec: Pick<ParsedInvoice, 'number' | 'currency'>, ref: InvoiceReference, credit: number): string =>
    `credit note ${rec.number} names invoice ${ref.number}, which Sollecito does not have for this customer: its ${m(credit, rec.currency)} is kept as the customer's credit` +
    ' (if the invoice arrives later, the credit stays on the customer: apply it to the invoice by hand)',
  moreThanDue: (rec: Pick<ParsedInvoice, 'number' | 'currency'>, credited: number, rest: number): string =>
    `credit note ${rec.number} took ${m(credited, rec.currency)} off the invoices it names, all that was due: the other ${m(rest, rec.currency)} is kept as the customer's credit`,
  keptBefore: (rec: Pick<ParsedInvoice, 'number'>): string =>
    `credit note ${rec.number} was kept as the customer's credit when it first came in (its invoice was not known then): it is not applied again`,
};
