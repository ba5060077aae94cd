/**
 * UN/CEFACT CII documents written for these tests (XRechnung CII and Factur-X shapes, EN 16931
 * element names): one builder, each test changing what it exercises.
 */
export interface CiiOptions {
  number?: string;
  typeCode?: string | null;
  issue?: string;
  currency?: string;
  /** The monetary summation's inner XML; default: grand total 1220.00, nothing prepaid, 1220.00 due. */
  summation?: string;
  /** SpecifiedTradePaymentTerms blocks' inner XML. */
  terms?: string[];
  buyer?: string;
  seller?: string;
  references?: string;
  paymentReference?: string;
  profile?: string;
  /** Leave out the namespace declarations (some generators do). */
  noNamespace?: boolean;
}

export const SELLER = `
        <ram:Name>Officine Rossi S.r.l.</ram:Name>
        <ram:PostalTradeAddress><ram:PostcodeCode>20100</ram:PostcodeCode><ram:LineOne>Via Roma 1</ram:LineOne><ram:CityName>Milano</ram:CityName><ram:CountryID>IT</ram:CountryID></ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">IT01234567890</ram:ID></ram:SpecifiedTaxRegistration>`;

export const BUYER = `
        <ram:ID>K-4711</ram:ID>
        <ram:GlobalID schemeID="0088">4000001987658</ram:GlobalID>
        <ram:Name>Müller &amp; Söhne GmbH</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">HRB 12345</ram:ID></ram:SpecifiedLegalOrganization>
        <ram:DefinedTradeContact>
          <ram:PersonName>Anna Schmidt</ram:PersonName>
          <ram:TelephoneUniversalCommunication><ram:CompleteNumber>+49 89 1234567</ram:CompleteNumber></ram:TelephoneUniversalCommunication>
          <ram:EmailURIUniversalCommunication><ram:URIID>Buchhaltung@Mueller.example</ram:URIID></ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>
        <ram:PostalTradeAddress><ram:PostcodeCode>80333</ram:PostcodeCode><ram:LineOne>Kundenstraße 15</ram:LineOne><ram:CityName>München</ram:CityName><ram:CountryID>DE</ram:CountryID></ram:PostalTradeAddress>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">143/123/45678</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>`;

export const SUMMATION = `
        <ram:LineTotalAmount>1000.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>1000.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">220.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>1220.00</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount>0.00</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount>1220.00</ram:DuePayableAmount>`;

export const dated = (yyyymmdd: string, extra = '') =>
  `<ram:Description>Zahlbar bis ${yyyymmdd}</ram:Description><ram:DueDateDateTime><udt:DateTimeString format="102">${yyyymmdd}</udt:DateTimeString></ram:DueDateDateTime>${extra}`;

export const cii = (o: CiiOptions = {}): string => {
  const ns = o.noNamespace
    ? ''
    : ' xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"';
  const terms = o.terms ?? [dated('20260410')];
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- written for Sollecito's tests -->
<rsm:CrossIndustryInvoice${ns}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>${o.profile ?? 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0'}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>${o.number ?? 'RE-2026-0042'}</ram:ID>
    ${o.typeCode === null ? '' : `<ram:TypeCode>${o.typeCode ?? '380'}</ram:TypeCode>`}
    <ram:IssueDateTime><udt:DateTimeString format="102">${o.issue ?? '20260311'}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Wartung</ram:Name></ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:BuyerReference>04011000-12345-34</ram:BuyerReference>
      ${o.seller === '' ? '' : `<ram:SellerTradeParty>${o.seller ?? SELLER}</ram:SellerTradeParty>`}
      ${o.buyer === '' ? '' : `<ram:BuyerTradeParty>${o.buyer ?? BUYER}</ram:BuyerTradeParty>`}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      ${o.paymentReference === undefined ? '<ram:PaymentReference>RE-2026-0042</ram:PaymentReference>' : o.paymentReference}
      <ram:InvoiceCurrencyCode>${o.currency ?? 'EUR'}</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode><ram:PayeePartyCreditorFinancialAccount><ram:IBANID>IT60X0542811101000000123456</ram:IBANID></ram:PayeePartyCreditorFinancialAccount></ram:SpecifiedTradeSettlementPaymentMeans>
      ${terms.map((t) => `<ram:SpecifiedTradePaymentTerms>${t}</ram:SpecifiedTradePaymentTerms>`).join('\n      ')}
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>${o.summation ?? SUMMATION}
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
      ${o.references ?? ''}
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;
};
