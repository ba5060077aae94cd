/**
 * FatturaPA (FPR12 B2B, FPA12 public administration). One file may hold several invoices (several
 * FatturaElettronicaBody); one invoice may be due in instalments (several DettaglioPagamento), and
 * each instalment becomes its own record, chased on its own timeline.
 *
 * Amount chased: ImportoPagamento of each DettaglioPagamento (what the supplier asked to be paid,
 * net of any withholding tax). Without it: ImportoTotaleDocumento minus ImportoRitenuta, because
 * the buyer pays the withholding to the tax office, not to us. Without either: the sum of
 * DatiRiepilogo (taxable + VAT) minus ritenuta.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { addDays } from '../shared/days.js';
import { parseCurrency } from './invoice-fields.js';
import { normaliseTaxId, taxIdKeys } from './tax-ids.js';
import { child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

const HEADER = 'FatturaElettronicaHeader';

const buyerOf = (header: unknown): BuyerParty => {
  const cc = child(header, 'CessionarioCommittente');
  const da = child(cc, 'DatiAnagrafici');
  const idPaese = textOf(child(da, 'IdFiscaleIVA/IdPaese'))?.toUpperCase();
  const idCodice = textOf(child(da, 'IdFiscaleIVA/IdCodice'));
  const cf = textOf(child(da, 'CodiceFiscale'));
  const denominazione = textOf(child(da, 'Anagrafica/Denominazione'));
  const person = [textOf(child(da, 'Anagrafica/Nome')), textOf(child(da, 'Anagrafica/Cognome'))].filter(Boolean).join(' ');
  const country = (textOf(child(cc, 'Sede/Nazione')) ?? idPaese)?.toUpperCase();
  const vatId = idPaese && idCodice ? normaliseTaxId(`${idPaese}${idCodice}`) : undefined;
  const fiscalCode = cf ? normaliseTaxId(cf) : undefined;
  return {
    ...(denominazione || person ? { name: (denominazione ?? person).slice(0, 200) } : {}),
    ...(country && /^[A-Z]{2}$/.test(country) ? { country } : {}),
    ...(vatId ? { vatId } : {}),
    ...(fiscalCode ? { fiscalCode } : {}),
    taxIds: taxIdKeys({ vatId, fiscalCode }, country),
  };
};

const amountOf = (raw: string | undefined, currency: string) => (raw === undefined ? undefined : parseAmount(raw, currency, '.'));

/** Every invoice (or instalment) in the file; a body that cannot be read is rejected on its own. */
export const parseFatturaPA = (root: XmlNode): Parsed<ParsedInvoice>[] => {
  const header = root[HEADER];
  if (!header || typeof header !== 'object') {
    throw new FileRejected(`${HEADER} is missing: not a FatturaPA invoice`, { element: HEADER, field: HEADER });
  }
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
  const buyer = buyerOf(header);
  if (buyer.taxIds.length === 0) {
    throw new FileRejected('the buyer has neither IdFiscaleIVA nor CodiceFiscale: it cannot be matched to a customer', {
      element: `${HEADER}/CessionarioCommittente/DatiAnagrafici`,
      field: 'IdFiscaleIVA',
    });
  }
  const bodies = list(root.FatturaElettronicaBody);
  if (bodies.length === 0) throw new FileRejected('no FatturaElettronicaBody: the file holds no invoice', { element: 'FatturaElettronicaBody' });
  return bodies.flatMap((body, i) => parseBody(body, `FatturaElettronicaBody[${i + 1}]`, buyer));
};

const parseBody = (body: unknown, element: string, buyer: BuyerParty): Parsed<ParsedInvoice>[] => {
  const errors: Rejection[] = [];
  const dgdPath = 'DatiGenerali/DatiGeneraliDocumento';
  const dgd = child(body, dgdPath);
  const bad = (path: string, value: string | undefined, reason: string) =>
    errors.push({ element: `${element}/${path}`, field: path.slice(path.lastIndexOf('/') + 1), ...(value !== undefined ? { value } : {}), reason });

  const tipo = textOf(child(dgd, 'TipoDocumento'));
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
  const totalText = textOf(child(dgd, 'ImportoTotaleDocumento'));
  let total: number | undefined;
  if (totalText !== undefined) {
    const a = amountOf(totalText, currency)!;
    if (!a.ok) bad(`${dgdPath}/ImportoTotaleDocumento`, totalText, a.reason);
    else total = a.minor - ritenuta;
  } else {
    let sum = 0;
    let seen = false;
    for (const r of list(child(body, 'DatiBeniServizi/DatiRiepilogo'))) {
      for (const name of ['ImponibileImporto', 'Imposta']) {
        const a = amountOf(textOf(child(r, name)), currency);
        if (a?.ok) {
          sum += a.minor;
          seen = true;
        }
      }
    }
    if (seen) total = sum - ritenuta;
  }

  const details = list(child(body, 'DatiPagamento')).flatMap((dp) => list(child(dp, 'DettaglioPagamento')));
  const base = {
    element,
    format: 'fatturapa' as const,
    documentKind: tipo === 'TD04' ? ('credit_note' as const) : ('invoice' as const),
    number: number!,
    buyer,
    issueDate: data.date,
    currency,
    ...(tipo ? { documentType: tipo } : {}),
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
