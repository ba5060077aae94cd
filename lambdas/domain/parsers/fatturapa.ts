/**
 * FatturaPA (FPR12 B2B, FPA12 public administration). One file may hold several invoices (several
 * FatturaElettronicaBody); one invoice may be due in instalments (several DettaglioPagamento), and
 * each instalment becomes its own record, chased on its own timeline. The simplified invoice
 * (FSM10) is read by fatturapa-simplified.ts with the party helpers below.
 *
 * Amount chased: ImportoPagamento of each DettaglioPagamento (what the supplier asked to be paid,
 * net of any withholding tax). Without it: ImportoTotaleDocumento minus ImportoRitenuta, because
 * the buyer pays the withholding to the tax office, not to us, and minus the VAT of the summary rows
 * under split payment (EsigibilitaIVA S: the public body pays that VAT to the Treasury). Without
 * either: the sum of DatiRiepilogo (taxable + VAT) minus the same two.
 *
 * What is chased follows TipoDocumento (document-types.ts): self-issued documents (TD16-TD23,
 * TD27-TD29) are stored and not chased, and so is any document whose buyer is the supplier itself.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { addDays } from '../shared/days.js';
import { notChasedFor, tipoDocumento } from './document-types.js';
import { parseCurrency } from './invoice-fields.js';
import { normaliseTaxId, taxIdKeys } from './tax-ids.js';
import { child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type InvoiceReference, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

const HEADER = 'FatturaElettronicaHeader';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The tax ids of a party: IdFiscaleIVA (country + code) and CodiceFiscale, under `ids`. */
export const partyIds = (ids: unknown): { vatId?: string; fiscalCode?: string } => {
  const idPaese = textOf(child(ids, 'IdFiscaleIVA/IdPaese'))?.toUpperCase();
  const idCodice = textOf(child(ids, 'IdFiscaleIVA/IdCodice'));
  const cf = textOf(child(ids, 'CodiceFiscale'));
  return {
    ...(idPaese && idCodice ? { vatId: normaliseTaxId(`${idPaese}${idCodice}`) } : {}),
    ...(cf ? { fiscalCode: normaliseTaxId(cf) } : {}),
  };
};

/** A company's name, or a person's first and last name, under `anagrafica`. */
export const partyName = (anagrafica: unknown): string | undefined => {
  const denominazione = textOf(child(anagrafica, 'Denominazione'));
  const person = [textOf(child(anagrafica, 'Nome')), textOf(child(anagrafica, 'Cognome'))].filter(Boolean).join(' ');
  const name = denominazione ?? (person || undefined);
  return name?.slice(0, 200);
};

/** "Via Roma 1, 20100 Milano (MI), IT" from a Sede block. */
export const addressOf = (sede: unknown): string | undefined => {
  const street = [textOf(child(sede, 'Indirizzo')), textOf(child(sede, 'NumeroCivico'))].filter(Boolean).join(' ');
  const provincia = textOf(child(sede, 'Provincia'));
  const town = [textOf(child(sede, 'CAP')), textOf(child(sede, 'Comune')), provincia ? `(${provincia})` : undefined].filter(Boolean).join(' ');
  const parts = [street, town, textOf(child(sede, 'Nazione'))].filter(Boolean);
  return parts.length > 0 ? parts.join(', ').slice(0, 400) : undefined;
};

/** The buyer's certified address, where the SdI delivers: kept as the PEC it is. */
export const pecOf = (header: unknown): string | undefined => {
  const pec = textOf(child(header, 'DatiTrasmissione/PECDestinatario'))?.toLowerCase();
  return pec && EMAIL.test(pec) ? pec : undefined;
};

export const buyerParty = (
  ids: { vatId?: string; fiscalCode?: string },
  name: string | undefined,
  sede: unknown,
  pec: string | undefined,
  idPaese: string | undefined,
): BuyerParty => {
  const country = (textOf(child(sede, 'Nazione')) ?? idPaese)?.toUpperCase();
  const address = addressOf(sede);
  return {
    ...(name ? { name } : {}),
    ...(country && /^[A-Z]{2}$/.test(country) ? { country } : {}),
    ...ids,
    taxIds: taxIdKeys(ids, country),
    ...(pec ? { pec } : {}),
    ...(address ? { address } : {}),
  };
};

/** True when buyer and supplier share a VAT number or codice fiscale (an Italian company's CF is its VAT number). */
export const isSameParty = (buyer: Pick<BuyerParty, 'taxIds'>, supplier: { vatId?: string; fiscalCode?: string }): boolean => {
  const supplierKeys = taxIdKeys(supplier, supplier.vatId?.slice(0, 2) ?? 'IT');
  return buyer.taxIds.some((k) => supplierKeys.includes(k));
};

const amountOf = (raw: string | undefined, currency: string) => (raw === undefined ? undefined : parseAmount(raw, currency, '.'));

/** Both parties present, in either form; throws FileRejected. */
export const checkParties = (header: unknown): void => {
  if (!child(header, 'CedentePrestatore')) {
    throw new FileRejected('the supplier block (CedentePrestatore) is missing: not a valid FatturaPA invoice', {
      element: `${HEADER}/CedentePrestatore`,
      field: 'CedentePrestatore',
    });
  }
  if (!child(header, 'CessionarioCommittente')) {
    throw new FileRejected('the buyer block (CessionarioCommittente) is missing: not a valid FatturaPA invoice', {
      element: `${HEADER}/CessionarioCommittente`,
      field: 'CessionarioCommittente',
    });
  }
};

/** The header of either FatturaPA form, with its parties checked; throws FileRejected. */
export const headerOf = (root: XmlNode): unknown => {
  const header = root[HEADER];
  if (!header || typeof header !== 'object') {
    throw new FileRejected(`${HEADER} is missing: not a FatturaPA invoice`, { element: HEADER, field: HEADER });
  }
  return header;
};

export const requireBuyerIds = (buyer: BuyerParty, element: string): void => {
  if (buyer.taxIds.length === 0) {
    throw new FileRejected('the buyer has neither IdFiscaleIVA nor CodiceFiscale: it cannot be matched to a customer', { element, field: 'IdFiscaleIVA' });
  }
};

/** The invoices a correcting document names (DatiFattureCollegate), those with an IdDocumento. */
const linkedInvoices = (dg: unknown): InvoiceReference[] =>
  list(child(dg, 'DatiFattureCollegate')).flatMap((d) => {
    const number = textOf(child(d, 'IdDocumento'));
    if (!number) return [];
    const date = parseDate(textOf(child(d, 'Data')));
    return [{ number: number.slice(0, 100), ...(date.ok ? { date: date.date } : {}) }];
  });

/** Every invoice (or instalment) in the file; a body that cannot be read is rejected on its own. */
export const parseFatturaPA = (root: XmlNode): Parsed<ParsedInvoice>[] => {
  const header = headerOf(root);
  checkParties(header);
  const da = child(header, 'CessionarioCommittente/DatiAnagrafici');
  const buyer = buyerParty(
    partyIds(da),
    partyName(child(da, 'Anagrafica')),
    child(header, 'CessionarioCommittente/Sede'),
    pecOf(header),
    textOf(child(da, 'IdFiscaleIVA/IdPaese'))?.toUpperCase(),
  );
  requireBuyerIds(buyer, `${HEADER}/CessionarioCommittente/DatiAnagrafici`);
  const selfAddressed = isSameParty(buyer, partyIds(child(header, 'CedentePrestatore/DatiAnagrafici')));
  const bodies = list(root.FatturaElettronicaBody);
  if (bodies.length === 0) throw new FileRejected('no FatturaElettronicaBody: the file holds no invoice', { element: 'FatturaElettronicaBody' });
  return bodies.flatMap((body, i) => parseBody(body, `FatturaElettronicaBody[${i + 1}]`, buyer, selfAddressed));
};

const parseBody = (body: unknown, element: string, buyer: BuyerParty, selfAddressed: boolean): Parsed<ParsedInvoice>[] => {
  const errors: Rejection[] = [];
  const dgdPath = 'DatiGenerali/DatiGeneraliDocumento';
  const dgd = child(body, dgdPath);
  const bad = (path: string, value: string | undefined, reason: string) =>
    errors.push({ element: `${element}/${path}`, field: path.slice(path.lastIndexOf('/') + 1), ...(value !== undefined ? { value } : {}), reason });

  const tipo = textOf(child(dgd, 'TipoDocumento'))?.toUpperCase();
  const type = tipoDocumento(tipo);
  const number = textOf(child(dgd, 'Numero'));
  if (!number) bad(`${dgdPath}/Numero`, undefined, 'required: the invoice number');
  const dataText = textOf(child(dgd, 'Data'));
  const data = parseDate(dataText);
  if (!data.ok) bad(`${dgdPath}/Data`, dataText, dataText ? data.reason : 'required: the issue date');
  const divisaText = textOf(child(dgd, 'Divisa'));
  const currency = parseCurrency(divisaText);
  if (!currency) bad(`${dgdPath}/Divisa`, divisaText, 'not an ISO 4217 currency code');
  if (errors.length > 0 || !currency || !data.ok) return [rejected(...errors)];

  let ritenuta = 0;
  for (const r of list(child(dgd, 'DatiRitenuta'))) {
    const a = amountOf(textOf(child(r, 'ImportoRitenuta')), currency);
    if (a?.ok) ritenuta += a.minor;
  }
  const riepilogo = list(child(body, 'DatiBeniServizi/DatiRiepilogo'));
  let splitVat = 0;
  for (const r of riepilogo) {
    if (textOf(child(r, 'EsigibilitaIVA'))?.toUpperCase() !== 'S') continue;
    const a = amountOf(textOf(child(r, 'Imposta')), currency);
    if (a?.ok) splitVat += a.minor;
  }
  const totalText = textOf(child(dgd, 'ImportoTotaleDocumento'));
  let total: number | undefined;
  if (totalText !== undefined) {
    const a = amountOf(totalText, currency)!;
    if (!a.ok) bad(`${dgdPath}/ImportoTotaleDocumento`, totalText, a.reason);
    else total = a.minor - ritenuta - splitVat;
  } else {
    let sum = 0;
    let seen = false;
    for (const r of riepilogo) {
      for (const name of ['ImponibileImporto', 'Imposta']) {
        const a = amountOf(textOf(child(r, name)), currency);
        if (a?.ok) {
          sum += a.minor;
          seen = true;
        }
      }
    }
    if (seen) total = sum - ritenuta - splitVat;
  }

  const details = list(child(body, 'DatiPagamento')).flatMap((dp) => list(child(dp, 'DettaglioPagamento')));
  const notChased = notChasedFor(tipo, type, selfAddressed);
  const corrects = type.kind === 'credit_note' ? linkedInvoices(child(body, 'DatiGenerali')) : [];
  const base = {
    element,
    format: 'fatturapa' as const,
    documentKind: type.kind,
    number: number!,
    buyer,
    issueDate: data.date,
    currency,
    ...(tipo ? { documentType: tipo } : {}),
    ...(notChased ? { notChased } : {}),
    ...(corrects.length > 0 ? { corrects } : {}),
  };
  if (details.length === 0) {
    if (errors.length > 0) return [rejected(...errors)];
    if (total === undefined) {
      bad('DatiPagamento', undefined, 'no amount: neither ImportoPagamento, ImportoTotaleDocumento nor DatiRiepilogo');
      return [rejected(...errors)];
    }
    return [accepted({ ...base, amount: total })];
  }
  return details.map((d, i) => {
    const at = `${element}/DatiPagamento/DettaglioPagamento[${i + 1}]`;
    const errs: Rejection[] = [...errors];
    const amountText = textOf(child(d, 'ImportoPagamento'));
    let amount: number | undefined = details.length === 1 ? total : undefined;
    if (amountText !== undefined) {
      const a = amountOf(amountText, currency)!;
      if (!a.ok) errs.push({ element: `${at}/ImportoPagamento`, field: 'ImportoPagamento', value: amountText, reason: a.reason });
      else amount = a.minor;
    } else if (amount === undefined) {
      errs.push({ element: `${at}/ImportoPagamento`, field: 'ImportoPagamento', reason: 'required when the invoice is paid in instalments' });
    }
    let dueDate: string | undefined;
    const dueText = textOf(child(d, 'DataScadenzaPagamento'));
    if (dueText !== undefined) {
      const due = parseDate(dueText);
      if (!due.ok) errs.push({ element: `${at}/DataScadenzaPagamento`, field: 'DataScadenzaPagamento', value: dueText, reason: due.reason });
      else dueDate = due.date;
    } else {
      const ref = parseDate(textOf(child(d, 'DataRiferimentoTerminiPagamento')));
      const days = Number(textOf(child(d, 'GiorniTerminiPagamento')));
      if (ref.ok && Number.isInteger(days) && days >= 0) dueDate = addDays(ref.date, days);
      else if (Number.isInteger(days) && days > 0) dueDate = addDays(data.date, days);
    }
    if (errs.length > 0) return rejected<ParsedInvoice>(...errs);
    const reference = textOf(child(d, 'CodicePagamento'));
    return accepted<ParsedInvoice>({
      ...base,
      element: details.length > 1 ? at : element,
      amount: amount!,
      ...(dueDate ? { dueDate } : {}),
      ...(reference ? { paymentReference: reference.slice(0, 140) } : {}),
      ...(details.length > 1 ? { instalment: { index: i + 1, count: details.length } } : {}),
    });
  });
};
