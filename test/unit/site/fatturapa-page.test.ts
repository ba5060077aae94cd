import { describe, expect, it } from 'vitest';
import { fatturaView } from '../../../lambdas/domain/parsers/fatturapa-view.js';
import { fatturaPage } from '../../../lambdas/site/pages/fatturapa-page.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?><p:FatturaElettronica versione="FPR12" xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"><FatturaElettronicaHeader><CedentePrestatore><DatiAnagrafici><IdFiscaleIVA><IdPaese>IT</IdPaese><IdCodice>01234567890</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Officine Rossi S.r.l.</Denominazione></Anagrafica></DatiAnagrafici></CedentePrestatore><CessionarioCommittente><DatiAnagrafici><IdFiscaleIVA><IdPaese>RO</IdPaese><IdCodice>12345678</IdCodice></IdFiscaleIVA><Anagrafica><Denominazione>Transilvania Trade SRL</Denominazione></Anagrafica></DatiAnagrafici></CessionarioCommittente></FatturaElettronicaHeader><FatturaElettronicaBody><DatiGenerali><DatiGeneraliDocumento><TipoDocumento>TD01</TipoDocumento><Divisa>EUR</Divisa><Data>2026-01-15</Data><Numero>2026/0003</Numero><ImportoTotaleDocumento>1220.00</ImportoTotaleDocumento></DatiGeneraliDocumento></DatiGenerali><DatiBeniServizi><DettaglioLinee><NumeroLinea>1</NumeroLinea><Descrizione>Ricambi</Descrizione><PrezzoUnitario>1000.00</PrezzoUnitario><PrezzoTotale>1000.00</PrezzoTotale><AliquotaIVA>22.00</AliquotaIVA></DettaglioLinee><DatiRiepilogo><AliquotaIVA>22.00</AliquotaIVA><ImponibileImporto>1000.00</ImponibileImporto><Imposta>220.00</Imposta></DatiRiepilogo></DatiBeniServizi></FatturaElettronicaBody></p:FatturaElettronica>`;

describe('the FatturaPA as a readable page', () => {
  it("labels it in the customer's language (Italian, English, Romanian), the document's own words as written", () => {
    const view = fatturaView(xml, '2026/0003');
    const ro = fatturaPage(view, { lang: 'ro', supplierName: 'Officine Rossi S.r.l.' });
    expect(ro).toContain('<html lang="ro"');
    expect(ro).toContain('Factura 2026/0003');
    expect(ro).toContain('Furnizor');
    expect(ro).toContain('Ricambi');
    expect(fatturaPage(view, { lang: 'it', supplierName: 'x' })).toContain('Cessionario / committente');
    expect(fatturaPage(view, { lang: 'en', supplierName: 'x' })).toContain('VAT summary');
  });
});
