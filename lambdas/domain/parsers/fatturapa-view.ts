/**
 * A FatturaPA as a person reads it: parties, the document, its lines, VAT summary and payment
 * terms, as plain strings for the customer page's rendering (site/pages/fatturapa-page.ts, which
 * escapes every value). Of a file holding several invoices, the body numbered `number`. Pure.
 */
import { TIPO_DOCUMENTO } from './document-types.js';
import { addressOf, partyIds, partyName } from './fatturapa.js';
import { child, list, parseXml, rootOf, textOf } from './xml.js';
import { SIMPLIFIED_ROOT } from './fatturapa-simplified.js';
import { FileRejected } from './types.js';

export interface FatturaParty {
  name?: string;
  vatId?: string;
  fiscalCode?: string;
  address?: string;
}

export interface FatturaView {
  supplier: FatturaParty;
  buyer: FatturaParty;
  type?: string;
  typeDescription?: string;
  number?: string;
  date?: string;
  currency?: string;
  total?: string;
  reasons: string[];
  lines: { n?: string; description?: string; quantity?: string; unit?: string; price?: string; vat?: string; amount?: string }[];
  vat: { rate?: string; nature?: string; taxable?: string; tax?: string; split: boolean }[];
  payments: { method?: string; due?: string; amount?: string; iban?: string; beneficiary?: string }[];
}

const MODALITA: Readonly<Record<string, string>> = {
  MP01: 'contanti', MP02: 'assegno', MP03: 'assegno circolare', MP05: 'bonifico', MP08: 'carta di pagamento', MP09: 'RID',
  MP10: 'RID utenze', MP11: 'RID veloce', MP12: 'RIBA', MP13: 'MAV', MP16: 'domiciliazione bancaria', MP19: 'SEPA Direct Debit',
  MP21: 'SEPA Direct Debit B2B', MP23: 'PagoPA',
};

const party = (p: unknown): FatturaParty => {
  const da = child(p, 'DatiAnagrafici');
  const ids = partyIds(da);
  const name = partyName(child(da, 'Anagrafica')) ?? textOf(child(p, 'Denominazione')) ?? ([textOf(child(p, 'Nome')), textOf(child(p, 'Cognome'))].filter(Boolean).join(' ') || undefined);
  const address = addressOf(child(p, 'Sede'));
  return { ...(name ? { name } : {}), ...ids, ...(address ? { address } : {}) };
};

/** The view of the body numbered `number` (the first when none matches); FileRejected when it is no FatturaPA. */
export const fatturaView = (xml: string, number?: string): FatturaView => {
  const root = rootOf(parseXml(xml));
  if (!root || (root.name !== 'FatturaElettronica' && root.name !== SIMPLIFIED_ROOT)) throw new FileRejected('not a FatturaPA');
  const header = child(root.node, 'FatturaElettronicaHeader');
  const bodies = list(root.node.FatturaElettronicaBody);
  const wanted = (b: unknown) => textOf(child(b, 'DatiGenerali/DatiGeneraliDocumento/Numero'))?.trim().toUpperCase() === number?.trim().toUpperCase();
  const body = bodies.find(wanted) ?? bodies[0];
  const dgd = child(body, 'DatiGenerali/DatiGeneraliDocumento');
  const type = textOf(child(dgd, 'TipoDocumento'))?.toUpperCase();
  const details = list(child(body, 'DatiBeniServizi')).flatMap((d) => list(child(d, 'DettaglioLinee')));
  const simplified = list(child(body, 'DatiBeniServizi'));
  const total = textOf(child(dgd, 'ImportoTotaleDocumento'));
  return {
    supplier: party(child(header, 'CedentePrestatore')),
    buyer: party(child(header, 'CessionarioCommittente')),
    ...(type ? { type } : {}),
    ...(type && TIPO_DOCUMENTO[type] ? { typeDescription: TIPO_DOCUMENTO[type]!.description } : {}),
    ...(textOf(child(dgd, 'Numero')) ? { number: textOf(child(dgd, 'Numero'))! } : {}),
    ...(textOf(child(dgd, 'Data')) ? { date: textOf(child(dgd, 'Data'))!.slice(0, 10) } : {}),
    ...(textOf(child(dgd, 'Divisa')) ? { currency: textOf(child(dgd, 'Divisa'))! } : {}),
    ...(total ? { total } : {}),
    reasons: list(child(dgd, 'Causale')).map(textOf).filter((x): x is string => Boolean(x)).slice(0, 20),
    lines: (details.length > 0 ? details : simplified).slice(0, 500).map((l) => ({
      n: textOf(child(l, 'NumeroLinea')),
      description: textOf(child(l, 'Descrizione')),
      quantity: textOf(child(l, 'Quantita')),
      unit: textOf(child(l, 'UnitaMisura')),
      price: textOf(child(l, 'PrezzoUnitario')),
      vat: textOf(child(l, 'AliquotaIVA')) ?? textOf(child(l, 'DatiIVA/Aliquota')) ?? textOf(child(l, 'Natura')),
      amount: textOf(child(l, 'PrezzoTotale')) ?? textOf(child(l, 'Importo')),
    })),
    vat: list(child(body, 'DatiBeniServizi/DatiRiepilogo')).map((r) => ({
      rate: textOf(child(r, 'AliquotaIVA')),
      nature: textOf(child(r, 'Natura')),
      taxable: textOf(child(r, 'ImponibileImporto')),
      tax: textOf(child(r, 'Imposta')),
      split: textOf(child(r, 'EsigibilitaIVA'))?.toUpperCase() === 'S',
    })),
    payments: list(child(body, 'DatiPagamento')).flatMap((dp) =>
      list(child(dp, 'DettaglioPagamento')).map((d) => {
        const mode = textOf(child(d, 'ModalitaPagamento'));
        return {
          method: mode ? `${mode}${MODALITA[mode] ? ` (${MODALITA[mode]})` : ''}` : undefined,
          due: textOf(child(d, 'DataScadenzaPagamento'))?.slice(0, 10),
          amount: textOf(child(d, 'ImportoPagamento')),
          iban: textOf(child(d, 'IBAN')),
          beneficiary: textOf(child(d, 'Beneficiario')),
        };
      }),
    ),
  };
};
