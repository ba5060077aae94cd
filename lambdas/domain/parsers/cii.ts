/**
 * UN/CEFACT Cross Industry Invoice (CII D16B, the other EN 16931 syntax): XRechnung CII and the
 * XML of Factur-X / ZUGFeRD 2 (every profile, MINIMUM to EXTENDED), on its own or out of its PDF/A-3
 * (pdf-attachments.ts). The seller (SellerTradeParty) is the company; the buyer
 * (BuyerTradeParty) is the customer.
 *
 * - Kind: ExchangedDocument/TypeCode (UNTDID 1001, document-types.ts): credit notes (381, 261 …)
 *   net off the invoices their InvoiceReferencedDocument names; 393 (factored) and 751
 *   (accounting information) create nothing to collect; every other invoice code is chased.
 * - Amount chased: SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount (BT-115: after
 *   prepaid amounts and rounding). Without it: GrandTotalAmount - TotalPrepaidAmount + RoundingAmount;
 *   without a grand total: TaxBasisTotalAmount + TaxTotalAmount (the one in the invoice currency).
 * - Due date: SpecifiedTradePaymentTerms/DueDateDateTime. Several terms each with a
 *   PartialPaymentAmount are instalments (one record each, as FatturaPA's DettaglioPagamento);
 *   several dated terms without amounts are discount terms (Skonto): the latest date is the net
 *   due date. No date: the customer's terms apply.
 * - Buyer: VAT number (SpecifiedTaxRegistration schemeID VA), tax number (FC), legal registration
 *   (SpecifiedLegalOrganization/ID), GlobalID, the seller's id for it (ID) and a non-e-mail
 *   electronic address; its e-mail (URIUniversalCommunication schemeID EM, or a DefinedTradeContact's)
 *   and phone. A buyer named only by name is read (nameOnly), as UBL's.
 * Dates are udt:DateTimeString format 102 (CCYYMMDD); ISO dates are read too.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { ciiDocumentType, SELF_ADDRESSED } from './document-types.js';
import { isEmail, toE164 } from './contact-values.js';
import { parseCurrency } from './invoice-fields.js';
import { en16931Buyer } from './en16931-buyer.js';
import { normaliseTaxId, vatWithCountry } from './tax-ids.js';
import { attrOf, child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type InvoiceReference, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

export const CII_ROOT = 'CrossIndustryInvoice';
export const CII_NAMESPACE = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
/** ZUGFeRD 1.0's root: another schema, not read (its senders can export ZUGFeRD 2 / Factur-X). */
export const ZUGFERD1_ROOT = 'CrossIndustryDocument';

const AGREEMENT = 'SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement';
const SETTLEMENT = 'SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement';
const SUMMATION = `${SETTLEMENT}/SpecifiedTradeSettlementHeaderMonetarySummation`;

/** A udt/qdt DateTimeString: format 102 (CCYYMMDD), or an ISO date some senders write instead. */
export const ciiDate = (node: unknown): { ok: true; date: string } | { ok: false; value?: string; reason: string } => {
  const dts = child(node, 'DateTimeString');
  const value = textOf(dts) ?? textOf(node);
  if (value === undefined) return { ok: false, reason: 'required: a date' };
  const format = attrOf(dts, 'format');
  if (/^\d{8}$/.test(value) && (format === undefined || format === '102')) {
    const d = parseDate(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`);
    return d.ok ? d : { ok: false, value, reason: d.reason };
  }
  if (format !== undefined && format !== '102') return { ok: false, value, reason: `date format ${format} is not a calendar day (format 102, CCYYMMDD, is)` };
  const d = parseDate(value);
  return d.ok ? d : { ok: false, value, reason: 'expected a date as CCYYMMDD (format 102)' };
};

interface PartyIds {
  vatId?: string;
  taxNumber?: string;
  legalId?: string;
  others: string[];
}

const countryOf = (party: unknown): string | undefined => {
  const c = textOf(child(party, 'PostalTradeAddress/CountryID'))?.toUpperCase();
  return c && /^[A-Z]{2}$/.test(c) ? c : undefined;
};

const idsOf = (party: unknown, country: string | undefined): PartyIds => {
  let vatId: string | undefined;
  let taxNumber: string | undefined;
  for (const reg of list(child(party, 'SpecifiedTaxRegistration'))) {
    const idNode = child(reg, 'ID');
    const id = textOf(idNode);
    if (!id) continue;
    const scheme = attrOf(idNode, 'schemeID')?.toUpperCase();
    if (scheme === 'FC') taxNumber ??= normaliseTaxId(id);
    else vatId ??= vatWithCountry(id, country);
  }
  const legalId = textOf(child(party, 'SpecifiedLegalOrganization/ID'));
  const uri = child(party, 'URIUniversalCommunication/URIID');
  const endpoint = attrOf(uri, 'schemeID')?.toUpperCase() === 'EM' ? undefined : textOf(uri);
  const others = [
    legalId,
    ...list(child(party, 'GlobalID')).map(textOf),
    endpoint,
    ...list(child(party, 'ID')).map(textOf),
  ].filter((x): x is string => Boolean(x));
  return { ...(vatId ? { vatId } : {}), ...(taxNumber ? { taxNumber } : {}), ...(legalId ? { legalId: normaliseTaxId(legalId) } : {}), others };
};

const addressOf = (party: unknown): string | undefined => {
  const a = child(party, 'PostalTradeAddress');
  const town = [textOf(child(a, 'PostcodeCode')), textOf(child(a, 'CityName'))].filter(Boolean).join(' ');
  const parts = [textOf(child(a, 'LineOne')), textOf(child(a, 'LineTwo')), textOf(child(a, 'LineThree')), town, textOf(child(a, 'CountrySubDivisionName')), textOf(child(a, 'CountryID'))].filter(Boolean);
  return parts.length > 0 ? parts.join(', ').slice(0, 400) : undefined;
};

const buyerOf = (party: unknown): BuyerParty => {
  const country = countryOf(party);
  const ids = idsOf(party, country);
  const name = textOf(child(party, 'Name')) ?? textOf(child(party, 'SpecifiedLegalOrganization/TradingBusinessName'));
  const uri = child(party, 'URIUniversalCommunication/URIID');
  const contacts = list(child(party, 'DefinedTradeContact'));
  const email = [attrOf(uri, 'schemeID')?.toUpperCase() === 'EM' ? textOf(uri) : undefined, ...contacts.map((c) => textOf(child(c, 'EmailURIUniversalCommunication/URIID')))]
    .map((e) => e?.toLowerCase())
    .find((e): e is string => e !== undefined && isEmail(e));
  const phone = contacts.map((c) => textOf(child(c, 'TelephoneUniversalCommunication/CompleteNumber'))).map((p) => (p ? toE164(p, country) : undefined)).find(Boolean);
  const address = addressOf(party);
  return en16931Buyer({ name, country, vatId: ids.vatId, taxNumber: ids.taxNumber, others: ids.others, email, phone, address });
};

/** True when the buyer's VAT number, tax number or legal id is the seller's own. */
const isSelfAddressed = (buyer: unknown, seller: unknown): boolean => {
  const keys = (p: unknown) => {
    const ids = idsOf(p, countryOf(p));
    return [ids.vatId, ids.taxNumber, ids.legalId].filter((k): k is string => Boolean(k));
  };
  const sellerKeys = keys(seller);
  return keys(buyer).some((k) => sellerKeys.includes(k));
};

const references = (settlement: unknown): InvoiceReference[] =>
  list(child(settlement, 'InvoiceReferencedDocument')).flatMap((d) => {
    const number = textOf(child(d, 'IssuerAssignedID'));
    if (!number) return [];
    const date = ciiDate(child(d, 'FormattedIssueDateTime'));
    return [{ number: number.slice(0, 100), ...(date.ok ? { date: date.date } : {}) }];
  });

export const parseCii = (root: XmlNode): Parsed<ParsedInvoice>[] => {
  const element = CII_ROOT;
  const seller = child(root, `${AGREEMENT}/SellerTradeParty`);
  if (!seller) {
    throw new FileRejected('the seller (SellerTradeParty) is missing: not a valid CII invoice', { element: `${element}/${AGREEMENT}/SellerTradeParty`, field: 'SellerTradeParty' });
  }
  const party = child(root, `${AGREEMENT}/BuyerTradeParty`);
  if (!party) {
    throw new FileRejected('the buyer (BuyerTradeParty) is missing: not a valid CII invoice', { element: `${element}/${AGREEMENT}/BuyerTradeParty`, field: 'BuyerTradeParty' });
  }
  const buyer = buyerOf(party);
  const errors: Rejection[] = [];
  const bad = (path: string, value: string | undefined, reason: string) =>
    errors.push({ element: `${element}/${path}`, field: path.slice(path.lastIndexOf('/') + 1), ...(value !== undefined ? { value } : {}), reason });

  if (buyer.taxIds.length === 0 && !buyer.name) {
    bad(`${AGREEMENT}/BuyerTradeParty/Name`, undefined, 'the buyer has neither an identifier (VAT number, tax number, global or legal id) nor a name: it cannot be matched to a customer');
  }
  const number = textOf(child(root, 'ExchangedDocument/ID'));
  if (!number) bad('ExchangedDocument/ID', undefined, 'required: the invoice number');
  const issue = ciiDate(child(root, 'ExchangedDocument/IssueDateTime'));
  if (!issue.ok) bad('ExchangedDocument/IssueDateTime', issue.value, issue.value ? issue.reason : 'required: the issue date');

  const settlement = child(root, SETTLEMENT);
  const currencyText = textOf(child(settlement, 'InvoiceCurrencyCode'));
  const currency = parseCurrency(currencyText);
  if (!currency) bad(`${SETTLEMENT}/InvoiceCurrencyCode`, currencyText, currencyText ? 'not an ISO 4217 currency code' : 'required: the invoice currency');

  // The amount due
  let amount: number | undefined;
  if (currency) {
    const sum = child(root, SUMMATION);
    const read = (name: string, required = false): number | undefined => {
      const nodes = list(child(sum, name));
      // TaxTotalAmount may come twice: in the invoice currency and in the accounting currency.
      const node = nodes.find((n) => (attrOf(n, 'currencyID') ?? currency) === currency);
      const raw = textOf(node);
      if (raw === undefined) {
        if (required) bad(`${SUMMATION}/${name}`, undefined, 'required: the amount due');
        return undefined;
      }
      const a = parseAmount(raw, currency, '.');
      if (!a.ok) {
        bad(`${SUMMATION}/${name}`, raw, a.reason);
        return undefined;
      }
      return a.minor;
    };
    const due = read('DuePayableAmount');
    if (due !== undefined) amount = due;
    else {
      const grand = read('GrandTotalAmount');
      const prepaid = read('TotalPrepaidAmount') ?? 0;
      const rounding = read('RoundingAmount') ?? 0;
      if (grand !== undefined) amount = grand - prepaid + rounding;
      else {
        const basis = read('TaxBasisTotalAmount');
        const tax = read('TaxTotalAmount') ?? 0;
        if (basis !== undefined) amount = basis + tax - prepaid + rounding;
        else if (!errors.some((e) => e.element?.startsWith(`${element}/${SUMMATION}`))) {
          bad(`${SUMMATION}/DuePayableAmount`, undefined, 'no amount: neither DuePayableAmount, GrandTotalAmount nor TaxBasisTotalAmount');
        }
      }
    }
  }

  // Due dates and instalments
  const terms = list(child(settlement, 'SpecifiedTradePaymentTerms'));
  const dated: { index: number; date: string; partial?: number }[] = [];
  terms.forEach((t, i) => {
    const at = `${SETTLEMENT}/SpecifiedTradePaymentTerms[${i + 1}]`;
    const dueNode = child(t, 'DueDateDateTime');
    let date: string | undefined;
    if (dueNode !== undefined) {
      const d = ciiDate(dueNode);
      if (!d.ok) bad(`${at}/DueDateDateTime`, d.value, d.reason);
      else if (issue.ok && d.date < issue.date) bad(`${at}/DueDateDateTime`, d.date, `before the issue date ${issue.date}`);
      else date = d.date;
    }
    const partialText = textOf(child(t, 'PartialPaymentAmount'));
    let partial: number | undefined;
    if (partialText !== undefined && currency) {
      const a = parseAmount(partialText, currency, '.');
      if (!a.ok) bad(`${at}/PartialPaymentAmount`, partialText, a.reason);
      else partial = a.minor;
    }
    if (date) dated.push({ index: i + 1, date, ...(partial !== undefined ? { partial } : {}) });
  });
  if (errors.length > 0) return [rejected(...errors)];

  const typeCode = textOf(child(root, 'ExchangedDocument/TypeCode'));
  const type = ciiDocumentType(typeCode);
  const documentType = `CII ${typeCode ?? '380'}`;
  const notChased = isSelfAddressed(party, seller)
    ? SELF_ADDRESSED
    : type.kind === 'invoice' && !type.receivable
      ? `${documentType} (${type.description}): nothing to collect`
      : undefined;
  const corrects = type.kind === 'credit_note' || amount! < 0 ? references(settlement) : [];
  const reference = textOf(child(settlement, 'PaymentReference'));
  const base: ParsedInvoice = {
    element,
    format: 'cii',
    documentKind: type.kind,
    documentType,
    number: number!.slice(0, 100),
    buyer,
    issueDate: (issue as { date: string }).date,
    currency: currency!,
    amount: amount!,
    ...(reference ? { paymentReference: reference.slice(0, 140) } : {}),
    ...(notChased ? { notChased } : {}),
    ...(corrects.length > 0 ? { corrects } : {}),
  };
  const instalments = dated.length > 1 && dated.every((d) => d.partial !== undefined) && type.kind === 'invoice' ? dated : [];
  if (instalments.length > 0) {
    return instalments.map((d, i) =>
      accepted<ParsedInvoice>({
        ...base,
        element: `${element}/${SETTLEMENT}/SpecifiedTradePaymentTerms[${d.index}]`,
        amount: d.partial!,
        dueDate: d.date,
        instalment: { index: i + 1, count: instalments.length },
      }),
    );
  }
  // One due date: the only one, or the latest of discount terms (the net date).
  const dueDate = dated.map((d) => d.date).sort().at(-1);
  return [accepted({ ...base, ...(dueDate ? { dueDate } : {}) })];
};
