/** SdI notifications written for these tests, in the shape of MessaggiTypes v1.x (namespace messaggi/v1.0). */
const NS = 'http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fattura/messaggi/v1.0';

const wrap = (root: string, body: string, prefix = 'ns3') => `<?xml version="1.0" encoding="UTF-8"?>
<${prefix}:${root} xmlns:${prefix}="${NS}" versione="1.0">
${body}
</${prefix}:${root}>`;

export interface ReceiptIds {
  sdiId?: string;
  file?: string;
}
const ids = (o: ReceiptIds) => `  <IdentificativoSdI>${o.sdiId ?? '4411223344'}</IdentificativoSdI>\n  <NomeFile>${o.file ?? 'IT01234567890_00042.xml.p7m'}</NomeFile>`;

export const rc = (o: ReceiptIds & { deliveredAt?: string } = {}) =>
  wrap('RicevutaConsegna', `${ids(o)}
  <Hash>2a3b</Hash>
  <DataOraRicezione>2026-03-11T10:15:00.000+01:00</DataOraRicezione>
  <DataOraConsegna>${o.deliveredAt ?? '2026-03-11T10:20:00.000+01:00'}</DataOraConsegna>
  <Destinatario><Codice>M5UXCR1</Codice><Descrizione>Bianchi S.p.A.</Descrizione></Destinatario>
  <MessageId>901</MessageId>`);

export const mc = (o: ReceiptIds = {}) =>
  wrap('NotificaMancataConsegna', `${ids(o)}
  <DataOraRicezione>2026-03-11T10:15:00.000+01:00</DataOraRicezione>
  <Descrizione>Casella PEC del destinatario piena</Descrizione>
  <MessageId>902</MessageId>`);

export const ns = (o: ReceiptIds = {}) =>
  wrap('NotificaScarto', `${ids(o)}
  <DataOraRicezione>2026-03-11T10:15:00.000+01:00</DataOraRicezione>
  <ListaErrori>
    <Errore><Codice>00305</Codice><Descrizione>1.4.1.1.2 IdCodice non valido : 02345678901</Descrizione><Suggerimento>Verificare il codice</Suggerimento></Errore>
    <Errore><Codice>00404</Codice><Descrizione>Fattura duplicata</Descrizione></Errore>
  </ListaErrori>
  <MessageId>903</MessageId>`);

export const ne = (o: ReceiptIds & { esito?: string; number?: string } = {}) =>
  wrap('NotificaEsito', `${ids(o)}
  <EsitoCommittente>
    <IdentificativoSdI>${o.sdiId ?? '4411223344'}</IdentificativoSdI>
    ${o.number ? `<RiferimentoFattura><NumeroFattura>${o.number}</NumeroFattura><AnnoFattura>2026</AnnoFattura></RiferimentoFattura>` : ''}
    <Esito>${o.esito ?? 'EC02'}</Esito>
    <Descrizione>Manca il codice CIG nel documento</Descrizione>
  </EsitoCommittente>
  <MessageId>904</MessageId>`);

export const dt = (o: ReceiptIds = {}) => wrap('NotificaDecorrenzaTermini', `${ids(o)}\n  <Descrizione>Decorsi i termini</Descrizione>\n  <MessageId>905</MessageId>`);

export const at = (o: ReceiptIds = {}) =>
  wrap('AttestazioneTrasmissioneFattura', `${ids(o)}
  <DataOraRicezione>2026-03-11T10:15:00.000+01:00</DataOraRicezione>
  <Destinatario><Codice>UF1234</Codice><Descrizione>Comune di Esempio</Descrizione></Destinatario>
  <MessageId>906</MessageId>
  <HashFileOriginale>aa</HashFileOriginale>`);
