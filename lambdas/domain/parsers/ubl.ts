/**
 * UBL 2.1 / Peppol BIS Billing 3.0: an Invoice or a CreditNote. The amount chased is
 * LegalMonetaryTotal/PayableAmount (after prepaid amounts and rounding). A CreditNote, or an
 * Invoice typed 381 (credit note), is stored but never chased; so is a zero or negative payable
 * amount (ingest-rules.ts decides that). DueDate may be absent: the customer's terms apply then.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { parseCurrency } from './invoice-fields.js';
import { normaliseTaxId, taxIdKeys, vatWithCountry } from './tax-ids.js';
import { attrOf, child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const buyerOf = (party: unknown): BuyerParty => {
  const country = textOf(child(party, 'PostalAddress/Country/IdentificationCode'))?.toUpperCase();
  const vatScheme = list(child(party, 'PartyTaxScheme')).find((s) => (textOf(child(s, 'TaxScheme/ID')) ?? 'VAT').toUpperCase() === 'VAT');
  const vatRaw = textOf(child(vatScheme, 'CompanyID'));
  const legalId = textOf(child(party, 'PartyLegalEntity/CompanyID'));
  const endpoint = textOf(child(party, 'EndpointID'));
  const partyIds = list(child(party, 'PartyIdentification')).map((p) => textOf(child(p, 'ID'))).filter((x): x is string => Boolean(x));
  const name = textOf(child(party, 'PartyLegalEntity/RegistrationName')) ?? textOf(child(party, 'PartyName/Name'));
  const email = textOf(child(party, 'Contact/ElectronicMail'));
  const phone = textOf(child(party, 'Contact/Telephone'));
  const vatId = vatRaw ? vatWithCountry(vatRaw, country) : undefined;
  const fiscalCode = legalId ?? endpoint ?? partyIds[0];
  return {
    ...(name ? { name: name.slice(0, 200) } : {}),
    ...(country && /^[A-Z]{2}$/.test(country) ? { country } : {}),
    ...(vatId ? { vatId } : {}),
    ...(fiscalCode ? { fiscalCode: normaliseTaxId(fiscalCode) } : {}),
    taxIds: taxIdKeys({ vatId, others: [legalId, endpoint, ...partyIds].filter((x): x is string => Boolean(x)) }, country),
    ...(email && EMAIL.test(email) ? { email: email.toLowerCase() } : {}),
    ...(phone ? { phone } : {}),
  };
};

export const parseUbl = (rootName: string, root: XmlNode): Parsed<ParsedInvoice>[] => {
  if (rootName !== 'Invoice' && rootName !== 'CreditNote') {
    throw new FileRejected(`a UBL ${rootName} is not an invoice: only Invoice and CreditNote are read`, { element: rootName });
  }
  if (!child(root, 'AccountingSupplierParty/Party')) {
    throw new FileRejected('the supplier (AccountingSupplierParty) is missing: not a valid UBL invoice', {
      element: `${rootName}/AccountingSupplierParty`,
      field: 'AccountingSupplierParty',
    });
  }
  const party = child(root, 'AccountingCustomerParty/Party');
  if (!party) {
    throw new FileRejected('the buyer (AccountingCustomerParty) is missing: not a valid UBL invoice', {
      element: `${rootName}/AccountingCustomerParty`,
      field: 'AccountingCustomerParty',
    });
  }
  const buyer = buyerOf(party);
  const errors: Rejection[] = [];
  const bad = (path: string, value: string | undefined, reason: string) =>
    errors.push({ element: `${rootName}/${path}`, field: path.slice(path.lastIndexOf('/') + 1), ...(value !== undefined ? { value } : {}), reason });

  if (buyer.taxIds.length === 0) bad('AccountingCustomerParty/Party/PartyTaxScheme/CompanyID', undefined, 'the buyer has no VAT number, endpoint or legal id: it cannot be matched to a customer');
  const number = textOf(child(root, 'ID'));
  if (!number) bad('ID', undefined, 'required: the invoice number');
  const issueText = textOf(child(root, 'IssueDate'));
  const issue = parseDate(issueText);
  if (!issue.ok) bad('IssueDate', issueText, issueText ? issue.reason : 'required: the issue date');
  const dueText = textOf(child(root, 'DueDate')) ?? textOf(child(root, 'PaymentMeans/PaymentDueDate'));
  let dueDate: string | undefined;
  if (dueText) {
    const due = parseDate(dueText);
    if (!due.ok) bad('DueDate', dueText, due.reason);
    else dueDate = due.date;
  }
  const currencyText = textOf(child(root, 'DocumentCurrencyCode'));
  const currency = parseCurrency(currencyText);
  if (!currency) bad('DocumentCurrencyCode', currencyText, 'not an ISO 4217 currency code');
  const payable = child(root, 'LegalMonetaryTotal/PayableAmount');
  const payableText = textOf(payable);
  let amount: number | undefined;
  if (payableText === undefined) bad('LegalMonetaryTotal/PayableAmount', undefined, 'required: the amount payable');
  else if (currency) {
    const payableCurrency = attrOf(payable, 'currencyID');
    if (payableCurrency && payableCurrency !== currency) {
      bad('LegalMonetaryTotal/PayableAmount', payableCurrency, `currency ${payableCurrency} differs from the document currency ${currency}`);
    }
    const a = parseAmount(payableText, currency, '.');
    if (!a.ok) bad('LegalMonetaryTotal/PayableAmount', payableText, a.reason);
    else amount = a.minor;
  }
  if (errors.length > 0) return [rejected(...errors)];
  const typeCode = textOf(child(root, rootName === 'Invoice' ? 'InvoiceTypeCode' : 'CreditNoteTypeCode'));
  const reference = textOf(child(root, 'PaymentMeans/PaymentID'));
  return [
    accepted({
      element: rootName,
      format: 'ubl',
      documentKind: rootName === 'CreditNote' || typeCode === '381' ? 'credit_note' : 'invoice',
      documentType: `${rootName}${typeCode ? ` ${typeCode}` : ''}`,
      number: number!,
      buyer,
      issueDate: (issue as { date: string }).date,
      ...(dueDate ? { dueDate } : {}),
      currency: currency!,
      amount: amount!,
      ...(reference ? { paymentReference: reference.slice(0, 140) } : {}),
    }),
  ];
};
