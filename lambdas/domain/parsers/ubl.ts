/**
 * UBL 2.1 / Peppol BIS Billing 3.0: an Invoice or a CreditNote. The amount chased is
 * LegalMonetaryTotal/PayableAmount (after prepaid amounts and rounding). A CreditNote, or an
 * Invoice typed as a credit note (381 …, document-types.ts), is stored but never chased, and nets
 * off the invoices its BillingReference names; so is a zero or negative payable amount (ingest-rules.ts
 * decides that). DueDate may be absent: the customer's terms apply then.
 *
 * The buyer's identifiers are optional in EN 16931: a buyer named only by name is read (nameOnly),
 * and its invoice waits for a person to confirm the customer. An EndpointID of scheme EM is an
 * e-mail address, not an identifier.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { SELF_ADDRESSED, ublDocumentType } from './document-types.js';
import { toE164 } from './contact-values.js';
import { parseCurrency } from './invoice-fields.js';
import { en16931Buyer } from './en16931-buyer.js';
import { normaliseTaxId, vatWithCountry } from './tax-ids.js';
import { attrOf, child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type InvoiceReference, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The party's VAT number (PartyTaxScheme with scheme VAT, or none named) and legal registration id. */
const legalIds = (party: unknown, country: string | undefined): { vatId?: string; legalId?: string } => {
  const vatScheme = list(child(party, 'PartyTaxScheme')).find((s) => (textOf(child(s, 'TaxScheme/ID')) ?? 'VAT').toUpperCase() === 'VAT');
  const vatRaw = textOf(child(vatScheme, 'CompanyID'));
  const legalId = textOf(child(party, 'PartyLegalEntity/CompanyID'));
  return { ...(vatRaw ? { vatId: vatWithCountry(vatRaw, country) } : {}), ...(legalId ? { legalId: normaliseTaxId(legalId) } : {}) };
};

const countryOf = (party: unknown): string | undefined => textOf(child(party, 'PostalAddress/Country/IdentificationCode'))?.toUpperCase();

const addressOf = (party: unknown): string | undefined => {
  const a = child(party, 'PostalAddress');
  const town = [textOf(child(a, 'PostalZone')), textOf(child(a, 'CityName'))].filter(Boolean).join(' ');
  const parts = [textOf(child(a, 'StreetName')), textOf(child(a, 'AdditionalStreetName')), town, textOf(child(a, 'Country/IdentificationCode'))].filter(Boolean);
  return parts.length > 0 ? parts.join(', ').slice(0, 400) : undefined;
};

const buyerOf = (party: unknown): BuyerParty => {
  const country = countryOf(party);
  const { vatId, legalId } = legalIds(party, country);
  const endpointNode = child(party, 'EndpointID');
  const endpoint = textOf(endpointNode);
  const endpointIsEmail = attrOf(endpointNode, 'schemeID')?.toUpperCase() === 'EM';
  const partyIds = list(child(party, 'PartyIdentification')).map((p) => textOf(child(p, 'ID'))).filter((x): x is string => Boolean(x));
  const name = textOf(child(party, 'PartyLegalEntity/RegistrationName')) ?? textOf(child(party, 'PartyName/Name'));
  const email = [textOf(child(party, 'Contact/ElectronicMail')), endpointIsEmail ? endpoint : undefined]
    .map((e) => e?.toLowerCase())
    .find((e): e is string => e !== undefined && EMAIL.test(e));
  const phoneText = textOf(child(party, 'Contact/Telephone'));
  const phone = phoneText ? toE164(phoneText, country) : undefined;
  const others = [legalId, endpointIsEmail ? undefined : endpoint, ...partyIds].filter((x): x is string => Boolean(x));
  const address = addressOf(party);
  return en16931Buyer({ name, country: country && /^[A-Z]{2}$/.test(country) ? country : undefined, vatId, others, email, phone, address });
};

/** True when the buyer's VAT number or legal id is the supplier's own. */
const isSelfAddressed = (buyerParty: unknown, supplierParty: unknown): boolean => {
  const keys = (p: unknown) => {
    const { vatId, legalId } = legalIds(p, countryOf(p));
    return [vatId, legalId].filter((k): k is string => Boolean(k));
  };
  const supplier = keys(supplierParty);
  return keys(buyerParty).some((k) => supplier.includes(k));
};

const billingReferences = (root: XmlNode): InvoiceReference[] =>
  list(root.BillingReference).flatMap((b) => {
    const number = textOf(child(b, 'InvoiceDocumentReference/ID'));
    if (!number) return [];
    const date = parseDate(textOf(child(b, 'InvoiceDocumentReference/IssueDate')));
    return [{ number: number.slice(0, 100), ...(date.ok ? { date: date.date } : {}) }];
  });

export const parseUbl = (rootName: string, root: XmlNode): Parsed<ParsedInvoice>[] => {
  if (rootName !== 'Invoice' && rootName !== 'CreditNote') {
    throw new FileRejected(`a UBL ${rootName} is not an invoice: only Invoice and CreditNote are read`, { element: rootName });
  }
  const supplierParty = child(root, 'AccountingSupplierParty/Party');
  if (!supplierParty) {
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

  if (buyer.taxIds.length === 0 && !buyer.name) {
    bad('AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName', undefined, 'the buyer has neither an identifier (VAT number, endpoint, legal id) nor a name: it cannot be matched to a customer');
  }
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
  const type = ublDocumentType(rootName, typeCode);
  const documentType = `${rootName}${typeCode ? ` ${typeCode}` : ''}`;
  const notChased = isSelfAddressed(party, supplierParty)
    ? SELF_ADDRESSED
    : type.kind === 'invoice' && !type.receivable
      ? `${documentType} (${type.description})`
      : undefined;
  // A negative invoice is the other way EN 16931 corrects an invoice: it names it the same way.
  const corrects = type.kind === 'credit_note' || amount! < 0 ? billingReferences(root) : [];
  const reference = textOf(child(root, 'PaymentMeans/PaymentID'));
  return [
    accepted({
      element: rootName,
      format: 'ubl',
      documentKind: type.kind,
      documentType,
      number: number!,
      buyer,
      issueDate: (issue as { date: string }).date,
      ...(dueDate ? { dueDate } : {}),
      currency: currency!,
      amount: amount!,
      ...(reference ? { paymentReference: reference.slice(0, 140) } : {}),
      ...(notChased ? { notChased } : {}),
      ...(corrects.length > 0 ? { corrects } : {}),
    }),
  ];
};
