/**
 * The simplified FatturaPA (FatturaElettronicaSemplificata, versione FSM10): invoices up to 400 EUR
 * (TD07), their credit notes (TD08, naming the corrected invoice in DatiFatturaRettificata) and
 * debit notes (TD09). The parties sit one level higher than in the ordinary form, there are no
 * payment terms (the customer's terms give the due date) and each DatiBeniServizi line carries its
 * amount with VAT included: the amount chased is their sum.
 */
import { parseAmount } from './money.js';
import { parseDate } from './dates.js';
import { notChasedFor, tipoDocumento } from './document-types.js';
import { buyerParty, checkParties, headerOf, isSameParty, partyIds, partyName, pecOf, requireBuyerIds } from './fatturapa.js';
import { parseCurrency } from './invoice-fields.js';
import { attrOf, child, list, textOf, type XmlNode } from './xml.js';
import { accepted, FileRejected, rejected, type BuyerParty, type Parsed, type ParsedInvoice, type Rejection } from './types.js';

export const SIMPLIFIED_ROOT = 'FatturaElettronicaSemplificata';
const VERSION = 'FSM10';

export const parseFatturaSemplificata = (root: XmlNode): Parsed<ParsedInvoice>[] => {
  const versione = attrOf(root, 'versione');
  if (versione !== undefined && versione.toUpperCase() !== VERSION) {
    throw new FileRejected(`a simplified FatturaPA of versione ${versione}: only ${VERSION} is read`, { element: SIMPLIFIED_ROOT, field: 'versione', value: versione });
  }
  const header = headerOf(root);
  checkParties(header);
  const ids = child(header, 'CessionarioCommittente/IdentificativiFiscali');
  const other = child(header, 'CessionarioCommittente/AltriDatiIdentificativi');
  const buyer = buyerParty(partyIds(ids), partyName(other), child(other, 'Sede'), pecOf(header), textOf(child(ids, 'IdFiscaleIVA/IdPaese'))?.toUpperCase());
  requireBuyerIds(buyer, 'FatturaElettronicaHeader/CessionarioCommittente/IdentificativiFiscali');
  const selfAddressed = isSameParty(buyer, partyIds(child(header, 'CedentePrestatore')));
  const bodies = list(root.FatturaElettronicaBody);
  if (bodies.length === 0) throw new FileRejected('no FatturaElettronicaBody: the file holds no invoice', { element: 'FatturaElettronicaBody' });
  return bodies.map((body, i) => parseBody(body, `FatturaElettronicaBody[${i + 1}]`, buyer, selfAddressed));
};

const parseBody = (body: unknown, element: string, buyer: BuyerParty, selfAddressed: boolean): Parsed<ParsedInvoice> => {
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
  if (errors.length > 0 || !currency || !data.ok) return rejected(...errors);

  const lines = list(child(body, 'DatiBeniServizi'));
  let amount = 0;
  lines.forEach((line, i) => {
    const raw = textOf(child(line, 'Importo'));
    const a = raw === undefined ? undefined : parseAmount(raw, currency, '.');
    if (!a) bad(`DatiBeniServizi[${i + 1}]/Importo`, undefined, 'required: the amount of the line, VAT included');
    else if (!a.ok) bad(`DatiBeniServizi[${i + 1}]/Importo`, raw, a.reason);
    else amount += a.minor;
  });
  if (lines.length === 0) bad('DatiBeniServizi', undefined, 'no DatiBeniServizi: the document has no amount');
  if (errors.length > 0) return rejected(...errors);

  const rettificata = child(body, 'DatiGenerali/DatiFatturaRettificata');
  const correctedNumber = textOf(child(rettificata, 'NumeroFR'));
  const correctedDate = parseDate(textOf(child(rettificata, 'DataFR')));
  const notChased = notChasedFor(tipo, type, selfAddressed);
  return accepted({
    element,
    format: 'fatturapa',
    documentKind: type.kind,
    number: number!,
    buyer,
    issueDate: data.date,
    currency,
    amount,
    ...(tipo ? { documentType: tipo } : {}),
    ...(notChased ? { notChased } : {}),
    ...(type.kind === 'credit_note' && correctedNumber
      ? { corrects: [{ number: correctedNumber.slice(0, 100), ...(correctedDate.ok ? { date: correctedDate.date } : {}) }] }
      : {}),
  });
};
