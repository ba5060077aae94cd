/**
 * The Sistema di Interscambio's notifications about an invoice the company sent (namespace
 * http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0, MessaggiTypes):
 * - RC RicevutaConsegna: delivered to the buyer (DataOraConsegna);
 * - MC NotificaMancataConsegna: not deliverable; the invoice waits in the buyer's reserved area
 *   (cassetto fiscale) of the Agenzia delle Entrate;
 * - NS NotificaScarto: refused by the SdI (ListaErrori): the invoice was never issued;
 * - NE NotificaEsito: a public administration's answer (EsitoCommittente EC01 accepted, EC02 refused);
 * - DT NotificaDecorrenzaTermini: 15 days without an answer from the public administration;
 * - AT AttestazioneTrasmissioneFattura: the SdI attests the transmission after an MC to a public body.
 * Each names the invoice file (NomeFile) and the SdI's id for it (IdentificativoSdI): that is how
 * the receipt finds its invoices (app/sdi/record-sdi-receipt.ts). Pure; FileRejected when unusable.
 */
import { parseDate } from './dates.js';
import { child, list, textOf, type XmlNode } from './xml.js';
import { FileRejected } from './types.js';

export const SDI_MESSAGES_NAMESPACE = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0';

export const SDI_RECEIPT_ROOTS = {
  RicevutaConsegna: 'RC',
  NotificaMancataConsegna: 'MC',
  NotificaScarto: 'NS',
  NotificaEsito: 'NE',
  NotificaDecorrenzaTermini: 'DT',
  AttestazioneTrasmissioneFattura: 'AT',
} as const;
export type SdiReceiptType = (typeof SDI_RECEIPT_ROOTS)[keyof typeof SDI_RECEIPT_ROOTS];

export const isSdiReceiptRoot = (name: string | undefined): name is keyof typeof SDI_RECEIPT_ROOTS => name !== undefined && Object.hasOwn(SDI_RECEIPT_ROOTS, name);

export interface SdiError {
  code: string;
  description?: string;
  hint?: string;
}

export interface SdiReceipt {
  type: SdiReceiptType;
  /** The root element, for messages and the docs. */
  root: keyof typeof SDI_RECEIPT_ROOTS;
  sdiId: string;
  /** The invoice file's name as transmitted (IT01234567890_00001.xml, .xml.p7m). */
  fileName: string;
  /** When the SdI received the invoice (RC, MC, NS, AT). */
  receivedAt?: string;
  /** RC: when it was delivered to the buyer. */
  deliveredAt?: string;
  /** NS: why the SdI refused it. */
  errors?: SdiError[];
  /** NE: the public administration's answer. */
  outcome?: { code: string; description?: string };
  /** NE, DT: the invoice the answer is about when the file holds several (NumeroFattura, AnnoFattura). */
  invoiceNumber?: string;
  description?: string;
  note?: string;
  messageId?: string;
}

/** An SdI date-time (2014-04-01T12:00:00.000+02:00) as an ISO instant; a bare date is taken at midnight UTC. */
const instant = (raw: string | undefined): string | undefined => {
  if (!raw) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(raw)) {
    const t = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/.test(raw) ? raw : `${raw}Z`);
    if (Number.isFinite(t)) return new Date(t).toISOString();
  }
  const d = parseDate(raw);
  return d.ok ? `${d.date}T00:00:00.000Z` : undefined;
};

const short = (s: string | undefined, max: number) => (s ? s.slice(0, max) : undefined);

/** The receipt in an SdI notification file; FileRejected when its identifiers are missing. */
export const parseSdiReceipt = (root: keyof typeof SDI_RECEIPT_ROOTS, node: XmlNode): SdiReceipt => {
  const type = SDI_RECEIPT_ROOTS[root];
  const sdiId = textOf(child(node, 'IdentificativoSdI'));
  const fileName = textOf(child(node, 'NomeFile'));
  if (!sdiId || !/^\d{1,12}$/.test(sdiId)) {
    throw new FileRejected(`the ${root} (${type}) has no valid IdentificativoSdI: it cannot be matched to an invoice`, { element: `${root}/IdentificativoSdI`, field: 'IdentificativoSdI', ...(sdiId ? { value: sdiId } : {}) });
  }
  if (!fileName || fileName.length > 100 || /[\\/]/.test(fileName)) {
    throw new FileRejected(`the ${root} (${type}) has no valid NomeFile: it cannot be matched to an invoice`, { element: `${root}/NomeFile`, field: 'NomeFile', ...(fileName ? { value: fileName.slice(0, 100) } : {}) });
  }
  const receivedAt = instant(textOf(child(node, 'DataOraRicezione')));
  const deliveredAt = instant(textOf(child(node, 'DataOraConsegna')));
  if (type === 'RC' && !deliveredAt) {
    throw new FileRejected('the RicevutaConsegna has no valid DataOraConsegna: the delivery date is what it proves', { element: `${root}/DataOraConsegna`, field: 'DataOraConsegna' });
  }
  const errors = list(child(node, 'ListaErrori/Errore')).flatMap((e): SdiError[] => {
    const code = textOf(child(e, 'Codice'));
    if (!code) return [];
    const description = short(textOf(child(e, 'Descrizione')), 500);
    const hint = short(textOf(child(e, 'Suggerimento')), 500);
    return [{ code: code.slice(0, 10), ...(description ? { description } : {}), ...(hint ? { hint } : {}) }];
  });
  const esito = child(node, 'EsitoCommittente');
  const outcomeCode = textOf(child(esito, 'Esito'))?.toUpperCase();
  if (type === 'NE' && !outcomeCode) {
    throw new FileRejected('the NotificaEsito has no EsitoCommittente/Esito (EC01 or EC02)', { element: `${root}/EsitoCommittente/Esito`, field: 'Esito' });
  }
  const outcomeText = short(textOf(child(esito, 'Descrizione')), 1000);
  const ref = child(esito, 'RiferimentoFattura') ?? child(node, 'RiferimentoFattura');
  const invoiceNumber = short(textOf(child(ref, 'NumeroFattura')), 100);
  const description = short(textOf(child(node, 'Descrizione')), 1000);
  const note = short(textOf(child(node, 'Note')), 1000);
  const messageId = short(textOf(child(node, 'MessageId')), 50);
  return {
    type,
    root,
    sdiId,
    fileName,
    ...(receivedAt ? { receivedAt } : {}),
    ...(deliveredAt ? { deliveredAt } : {}),
    ...(errors.length > 0 ? { errors } : {}),
    ...(outcomeCode ? { outcome: { code: outcomeCode.slice(0, 10), ...(outcomeText ? { description: outcomeText } : {}) } } : {}),
    ...(invoiceNumber ? { invoiceNumber } : {}),
    ...(description ? { description } : {}),
    ...(note ? { note } : {}),
    ...(messageId ? { messageId } : {}),
  };
};

/**
 * The name an invoice file is matched by: its base name without .p7m and .xml, in upper case
 * ("invoices/IT01234567890_00001.xml" and NomeFile "IT01234567890_00001.xml.p7m" are one file).
 */
export const sdiFileStem = (keyOrName: string): string =>
  keyOrName
    .slice(keyOrName.lastIndexOf('/') + 1)
    .replace(/\.p7m$/i, '')
    .replace(/\.xml$/i, '')
    .toUpperCase()
    .slice(0, 100);
