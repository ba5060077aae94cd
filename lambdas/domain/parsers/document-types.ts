/**
 * What each e-invoice document type is to Sollecito: a receivable to chase, a credit note that nets
 * off, or a document that creates nothing to collect. docs/ingest.md prints the same table.
 *
 * FatturaPA (TipoDocumento, Agenzia delle Entrate specification 1.9) and its simplified form
 * (FSM10); UBL 2.1 type codes from UNTDID 1001 as Peppol BIS Billing 3.0 uses them.
 */
import type { DocumentKind } from './types.js';

export interface DocumentType {
  kind: DocumentKind;
  /** True when the document asks the buyer to pay the supplier (the tenant). */
  receivable: boolean;
  /** How the specification names it, for the not-chased reason and the docs. */
  description: string;
}

const receivable = (description: string): DocumentType => ({ kind: 'invoice', receivable: true, description });
const credit = (description: string): DocumentType => ({ kind: 'credit_note', receivable: false, description });
const noReceivable = (description: string): DocumentType => ({ kind: 'invoice', receivable: false, description });
// Integrations, self-invoices and communications (TD16-TD23, TD27-TD29): the company issues them
// about its own purchases or its own use, so no third party owes it the amount.
const selfIssued = noReceivable;

export const TIPO_DOCUMENTO: Readonly<Record<string, DocumentType>> = {
  TD01: receivable('fattura'),
  TD02: receivable('acconto/anticipo su fattura'),
  TD03: receivable('acconto/anticipo su parcella'),
  TD04: credit('nota di credito'),
  TD05: receivable('nota di debito'),
  TD06: receivable('parcella'),
  TD07: receivable('fattura semplificata'),
  TD08: credit('nota di credito semplificata'),
  TD09: receivable('nota di debito semplificata'),
  TD16: selfIssued('integrazione fattura reverse charge interno'),
  TD17: selfIssued("integrazione/autofattura per acquisto servizi dall'estero"),
  TD18: selfIssued('integrazione per acquisto di beni intracomunitari'),
  TD19: selfIssued('integrazione/autofattura per acquisto di beni ex art. 17 c. 2 DPR 633/72'),
  TD20: selfIssued('autofattura per regolarizzazione e integrazione delle fatture'),
  TD21: selfIssued('autofattura per splafonamento'),
  TD22: selfIssued('estrazione beni da Deposito IVA'),
  TD23: selfIssued("estrazione beni da Deposito IVA con versamento dell'IVA"),
  TD24: receivable('fattura differita (art. 21 c. 4 lett. a)'),
  TD25: receivable('fattura differita (art. 21 c. 4 terzo periodo lett. b)'),
  TD26: receivable('cessione di beni ammortizzabili e per passaggi interni'),
  TD27: selfIssued('fattura per autoconsumo o per cessioni gratuite senza rivalsa'),
  TD28: selfIssued('acquisti da San Marino con IVA (fattura cartacea)'),
  TD29: selfIssued('comunicazione per omessa o irregolare fatturazione'),
};

/** The type of a FatturaPA body; an unknown or missing code creates no receivable. */
export const tipoDocumento = (code: string | undefined): DocumentType =>
  (code ? TIPO_DOCUMENTO[code.toUpperCase()] : undefined) ?? { kind: 'invoice', receivable: false, description: code ? `unknown TipoDocumento ${code}` : 'no TipoDocumento' };

/** UNTDID 1001 codes that are credit notes, on a CreditNote or (wrongly but seen) on an Invoice. */
export const UBL_CREDIT_CODES: Readonly<Record<string, string>> = {
  '81': 'credit note related to goods or services',
  '83': 'credit note related to financial adjustments',
  '261': 'self billed credit note',
  '262': 'consolidated credit note - goods and services',
  '296': 'credit note for price reduction',
  '308': 'delcredere credit note',
  '381': 'credit note',
  '396': 'factored credit note',
  '532': "forwarder's credit note",
};

/** Invoice type codes that ask for payment to someone else, or for none at all. */
export const UBL_NOT_RECEIVABLE: Readonly<Record<string, string>> = {
  '393': 'factored invoice: the factor collects it',
  '751': 'invoice information for accounting purposes: not a demand for payment',
};

/**
 * UNTDID 1001 document type codes as EN 16931 allows them (BT-3; the same list for UBL and CII),
 * and what each is to Sollecito. Every invoice code creates a receivable except the factored
 * invoice (393: the factor collects it) and 751 (accounting information, not a demand for payment);
 * every credit-note code nets off. Factur-X and XRechnung restrict themselves to a few of these
 * (380, 381, 384, 389, 261, 386, 751 and a handful more): all of them are here.
 */
export const UNTDID_1001: Readonly<Record<string, DocumentType>> = {
  '71': receivable('request for payment'),
  '80': receivable('debit note related to goods or services'),
  '82': receivable('metered services invoice'),
  '84': receivable('debit note related to financial adjustments'),
  '102': receivable('tax notification'),
  '218': receivable('final payment request based on completion of work'),
  '219': receivable('payment request for completed units'),
  '326': receivable('partial invoice'),
  '331': receivable('commercial invoice which includes a packing list'),
  '380': receivable('commercial invoice'),
  '382': receivable('commission note'),
  '383': receivable('debit note'),
  '384': receivable('corrected invoice'),
  '385': receivable('consolidated invoice'),
  '386': receivable('prepayment invoice'),
  '387': receivable('hire invoice'),
  '388': receivable('tax invoice'),
  '389': receivable('self-billed invoice (issued by the buyer)'),
  '390': receivable('delcredere invoice'),
  '393': noReceivable('factored invoice: the factor collects it'),
  '394': receivable('lease invoice'),
  '395': receivable('consignment invoice'),
  '456': receivable('debit note'),
  '457': receivable('reversal of debit'),
  '527': receivable('self billed debit note'),
  '575': receivable("insurer's invoice"),
  '623': receivable("forwarder's invoice"),
  '633': receivable('port charges documents'),
  '751': noReceivable('invoice information for accounting purposes: not a demand for payment'),
  '780': receivable('freight invoice'),
  '935': receivable('customs invoice'),
  ...Object.fromEntries(Object.entries({ ...UBL_CREDIT_CODES, '420': 'optical character reading (OCR) credit note', '458': 'reversal of credit' }).map(([k, d]) => [k, credit(d)])),
};

/**
 * The type of a CII document (ExchangedDocument/TypeCode). Without a code the document is an
 * invoice (EN 16931 makes BT-3 mandatory; a file without it is read as the commercial invoice it
 * most likely is); an unknown code creates no receivable, with its code in the reason.
 */
export const ciiDocumentType = (code: string | undefined): DocumentType =>
  code === undefined ? receivable('commercial invoice') : (UNTDID_1001[code] ?? noReceivable(`unknown document type code ${code}`));

/** The type of a UBL document from its root element and type code. */
export const ublDocumentType = (root: 'Invoice' | 'CreditNote', code: string | undefined): DocumentType => {
  if (root === 'CreditNote' || (code && UBL_CREDIT_CODES[code])) return credit(code ? (UBL_CREDIT_CODES[code] ?? `credit note type ${code}`) : 'credit note');
  const not = code ? UBL_NOT_RECEIVABLE[code] : undefined;
  return not ? noReceivable(not) : receivable(code ? `invoice type ${code}` : 'invoice');
};

export const SELF_ADDRESSED = 'the buyer is the supplier itself (same VAT number or codice fiscale): nothing to collect';

/** Why a document of this type (and these parties) is not chased; undefined when it is a receivable or a credit note. */
export const notChasedFor = (code: string | undefined, type: DocumentType, selfAddressed: boolean): string | undefined => {
  if (selfAddressed) return SELF_ADDRESSED;
  if (type.kind === 'credit_note' || type.receivable) return undefined;
  if (!code || type.description.startsWith('unknown')) return `${type.description}: not a document type Sollecito knows to create a receivable, stored and not chased`;
  return `${code} (${type.description}) is issued by the company about its own purchase or use: nothing to collect`;
};
